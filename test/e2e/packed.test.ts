import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packAndInstall, type Installed } from '../support/packed.js';
import { runCli } from '../support/run-cli.js';

let installed: Installed;

beforeAll(() => {
  installed = packAndInstall();
}, 120_000);

describe('the packed package, installed into an empty folder', () => {
  it('has no runtime dependencies and stays small', () => {
    const pkg = JSON.parse(readFileSync(join(installed.dir, 'node_modules', 'kube-packet-tour', 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.bin['kube-packet-tour']).toBe('dist/cli.js');
    const files = execFileSync('tar', ['-tzf', installed.tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(files.every((f) => f.startsWith('package/dist/') || ['package/package.json', 'package/README.md', 'package/LICENSE'].includes(f))).toBe(true);
    expect(statSync(installed.tarball).size).toBeLessThan(600 * 1024);
    expect(existsSync(join(installed.dir, 'node_modules', '.bin', 'kube-packet-tour'))).toBe(true);
  });

  it('runs --version, trace and rules with stdin not a terminal', () => {
    const v = runCli(['--version'], {}, installed.bin);
    expect(v.status).toBe(0);
    const trace = runCli(['trace'], {}, installed.bin);
    expect(trace.status).toBe(0);
    expect(trace.stdout).toContain('DNAT 10.96.1.20:80 → 10.244.2.6:8080');
    expect(trace.stdout).toContain('Verdict: delivered');
    const rules = runCli(['rules', '--format', 'restore'], {}, installed.bin);
    expect(rules.status).toBe(0);
    expect(rules.stdout).toContain('-A KUBE-SEP-YFMJ7GOJQ7VSTPRS -m comment --comment default/myapp -m tcp -p tcp -j DNAT --to-destination 10.244.2.6:8080');
  });

  it('runs through the .bin link as npx would', () => {
    const out = execFileSync(join(installed.dir, 'node_modules', '.bin', 'kube-packet-tour'), ['trace', '--scenario', 'pod-ip', '--json'], {
      encoding: 'utf8',
      input: '',
      env: { ...process.env, CI: 'true' },
    });
    const t = JSON.parse(out);
    expect(t.verdict).toBe('delivered');
    expect(t.hops.some((h: { rewrite: unknown }) => h.rewrite !== null)).toBe(false);
  });
});
