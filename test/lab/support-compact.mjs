// Turns a KPT_LAB_RECORD file into the compact fixture test/lab/fixtures/builtin-observations.json:
// traces are dropped (the tests simulate them again), and the iptables-save -c text keeps only the
// counted rules in full (the others shrink to "[0:0] -A CHAIN", which keeps their positions).
//   KPT_LAB_RECORD=/tmp/rec.json node dist/cli.js lab verify; node test/lab/support-compact.mjs /tmp/rec.json > test/lab/fixtures/builtin-observations.json
import { readFileSync } from 'node:fs';

const rec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const compact = (text) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('*') || l.startsWith('['))
    .map((l) => (l.startsWith('[0:0]') ? l.replace(/^(\[0:0\] -A \S+).*$/, '$1') : l))
    .join('\n');
const runs = rec.runs.map((r) => ({
  scenario: r.scenario,
  observation: {
    ...r.observation,
    counters: Object.fromEntries(Object.entries(r.observation.counters).map(([k, v]) => [k, compact(v)])),
  },
}));
process.stdout.write(`${JSON.stringify({ cluster: rec.cluster, recorded: 'lab verify on Linux 6.x (Debian 12, iptables 1.8.9 nf_tables)', runs })}\n`);
