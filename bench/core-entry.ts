// What the benchmark measures, bundled the same way the CLI is.
export { simulate } from '../src/core/trace.js';
export { BUILTIN_CLUSTER } from '../src/core/cluster/builtin.js';
export { readClusterDump } from '../src/core/cluster/reader.js';
export { nodeTables } from '../src/core/proxy/node-tables.js';
export { renderIptablesSave } from '../src/core/proxy/render-rules.js';
export { generateClusterDump } from '../test/support/generate-dump.js';
