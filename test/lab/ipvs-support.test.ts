import { describe, expect, it } from 'vitest';
import { ipvsRefusal } from '../../src/lab/ipvs-support.js';
import { runLab } from '../../src/lab/command.js';
import { BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { runCli } from '../support/run-cli.js';

const base = { kernel: '6.18.44-fc-v782', loaded: false, config: 'n' as const, modulesDir: false };

describe('lab verify --proxy-mode ipvs on a kernel without IPVS', () => {
  it.each([
    [base, /cannot be verified on this kernel \(6\.18\.44-fc-v782\): it was built without IPVS \(CONFIG_IP_VS is not set in \/proc\/config\.gz\)/],
    [{ ...base, config: 'm' as const }, /IPVS is a module \(CONFIG_IP_VS=m\) but \/lib\/modules\/6\.18\.44-fc-v782 is missing/],
    [{ ...base, config: 'm' as const, modulesDir: true }, /the ip_vs module is not loaded .*modprobe ip_vs/],
    [{ ...base, config: null }, /\/proc\/net\/ip_vs does not exist/],
    [{ ...base, loaded: true }, /has IPVS, but lab verify does not build IPVS virtual servers yet/],
  ])('%j: one sentence', (facts, reason) => {
    const reasonText = ipvsRefusal(facts);
    expect(reasonText).toMatch(reason);
    expect(reasonText.split('\n')).toHaveLength(1);
  });

  it('runLab exits 2 with that sentence before building anything', async () => {
    let err = '';
    const code = await runLab('verify', BUILTIN_CLUSTER, { write: () => undefined, writeErr: (s) => (err += s), width: 80, ascii: true, json: false, proxyMode: 'ipvs', ipvsFacts: () => base });
    expect(code).toBe(2);
    expect(err).toMatch(/^kube-packet-tour: IPVS mode cannot be verified on this kernel .*\n$/);
  });

  it('the command line says it in one line with exit 2 (this machine: no IPVS, or IPVS the lab does not build yet)', () => {
    const r = runCli(['lab', 'verify', '--proxy-mode', 'ipvs']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/IPVS/);
  });
});
