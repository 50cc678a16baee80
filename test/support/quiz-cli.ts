// Builds the CLI (src/cli.ts) into a temporary bundle for the quiz and progress CLI tests, so
// they do not depend on dist/ being fresh, and runs it with piped stdin and an isolated
// KUBE_PACKET_TOUR_CONFIG_DIR. The interactive UI is never loaded on these paths; a missing
// src/ui/index.ts(x) (work in progress elsewhere) is stubbed.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));

const stubMissingUi: Plugin = {
  name: 'stub-missing-ui',
  setup(b) {
    b.onResolve({ filter: /^\.\/ui\/index\.js$/ }, (args) => {
      const base = path.join(path.dirname(args.importer), 'ui', 'index');
      return existsSync(`${base}.ts`) || existsSync(`${base}.tsx`) ? undefined : { path: 'ui-stub', namespace: 'stub' };
    });
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export async function runTour() { throw new Error("no UI in this build"); }', loader: 'js' }));
  },
};

export async function buildCli(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kpt-cli-'));
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  await build({
    entryPoints: { cli: path.join(root, 'src/cli.ts') },
    outdir: dir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    define: { 'process.env.NODE_ENV': '"production"', __VERSION__: JSON.stringify(pkg.version) },
    external: ['react-devtools-core'],
    banner: { js: "import { createRequire as __kptCreateRequire } from 'node:module'; const require = __kptCreateRequire(import.meta.url);" },
    loader: { '.md': 'text', '.txt': 'text' },
    plugins: [stubMissingUi],
    logLevel: 'error',
  });
  return path.join(dir, 'cli.js');
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runQuizCli(bin: string, args: readonly string[], options: { input?: string; configDir: string; env?: Record<string, string> }): Run {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...process.env, CI: 'true', NO_COLOR: '', KUBE_PACKET_TOUR_CONFIG_DIR: options.configDir, ...options.env },
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI with a stdin pipe kept open, for tests that type slowly or interrupt. */
export function startQuizCli(bin: string, args: readonly string[], configDir: string) {
  return spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, CI: 'true', NO_COLOR: '', KUBE_PACKET_TOUR_CONFIG_DIR: configDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}
