// Bundles the CLI into dist/ so the published package has no runtime dependencies.
// The Ink UI is a separate chunk, loaded only on the interactive path.
import { build } from 'esbuild';
import { readFileSync, rmSync, chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const TEXT_LOADERS = { '.md': 'text', '.txt': 'text' };
const BANNER_REQUIRE = "import { createRequire as __kptCreateRequire } from 'node:module'; const require = __kptCreateRequire(import.meta.url);";

// The lessons are parsed here, once, rather than on every start of the tour: src/content/
// bundled-lessons.ts is bundled on its own, run, and its result replaces it in dist/ as JSON.
async function parsedLessonsJson() {
  const dir = mkdtempSync(join(tmpdir(), 'kpt-build-'));
  const outfile = join(dir, 'bundled-lessons.mjs');
  try {
    await build({ entryPoints: ['src/content/bundled-lessons.ts'], outfile, bundle: true, format: 'esm', platform: 'node', loader: TEXT_LOADERS, banner: { js: BANNER_REQUIRE }, logLevel: 'warning' });
    const parsed = (await import(outfile)).bundledLessons();
    const problems = parsed.flatMap((p) => p.problems);
    if (problems.length > 0) throw new Error(`lessons do not parse:\n${problems.map((p) => `  ${p.file}:${p.line ?? ''} ${p.message}`).join('\n')}`);
    return JSON.stringify(parsed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const lessonsJson = await parsedLessonsJson();

// conf imports ajv (with ajv-formats) and semver at its top level, but uses them only for the
// `schema` and `migrations` options, which src/storage does not pass (the store validates its own
// data). Leaving them out saves ~25 ms of the tour's start-up and ~200 KB; should a future change
// pass those options, these stand-ins fail loudly (and the progress tests with them).
const CONF_UNUSED = /^(ajv\/dist\/2020\.js|ajv-formats|semver)$/;
const confWithoutSchemaOrMigrations = {
  name: 'kpt-conf-without-schema-or-migrations',
  setup(b) {
    b.onResolve({ filter: CONF_UNUSED }, (args) => (/[\\/]conf[\\/]/.test(args.importer) ? { path: args.path, namespace: 'kpt-conf-unused' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'kpt-conf-unused' }, (args) => ({
      loader: 'js',
      contents: `const unused = () => { throw new Error(${JSON.stringify(`conf needs ${args.path} for this option; the kube-packet-tour bundle leaves it out (scripts/build.mjs)`)}); };
export class Ajv2020 { constructor() { unused(); } }
export default new Proxy({}, { get: () => unused });
`,
    }));
  },
};
const prebuiltLessons = {
  name: 'kpt-prebuilt-lessons',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]content[\\/]bundled-lessons\.ts$/ }, () => ({
      loader: 'js',
      resolveDir: new URL('../src/content', import.meta.url).pathname,
      // JSON.parse of a string literal loads faster than the same object as a JS literal.
      contents: `import { DIAGRAM_SOURCES } from './diagram-sources.ts';
const LESSONS = JSON.parse(${JSON.stringify(lessonsJson)});
export function bundledLessons() { return LESSONS; }
export function lookupDiagram(name) { return Object.hasOwn(DIAGRAM_SOURCES, name) ? DIAGRAM_SOURCES[name] : undefined; }
`,
    }));
  },
};

await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  sourcemap: false,
  chunkNames: 'chunks/[name]-[hash]',
  define: {
    'process.env.NODE_ENV': '"production"',
    __VERSION__: JSON.stringify(pkg.version),
  },
  // Ink loads react-devtools-core only when DEV=true; it is not shipped.
  external: ['react-devtools-core'],
  banner: { js: `#!/usr/bin/env node\n${BANNER_REQUIRE}` },
  loader: TEXT_LOADERS,
  plugins: [prebuiltLessons, confWithoutSchemaOrMigrations],
  logLevel: 'warning',
});
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
