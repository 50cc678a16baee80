// Packs the project as npm would publish it and installs the tarball into an empty folder,
// once per test run: the e2e tests run what a user gets from `npx kube-packet-tour`.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Installed {
  readonly dir: string;
  readonly bin: string;
  readonly tarball: string;
}

export function packAndInstall(): Installed {
  const packDir = mkdtempSync(join(tmpdir(), 'kpt-pack-'));
  // dist/ is already built by `npm test`; skip prepack so the test does not rebuild it.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], { cwd: root, stdio: 'pipe' });
  const tgz = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
  if (tgz === undefined) throw new Error('npm pack made no tarball');
  const dir = mkdtempSync(join(tmpdir(), 'kpt-install-'));
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--no-package-lock', join(packDir, tgz)], { cwd: dir, stdio: 'pipe' });
  return { dir, bin: join(dir, 'node_modules', 'kube-packet-tour', 'dist', 'cli.js'), tarball: join(packDir, tgz) };
}
