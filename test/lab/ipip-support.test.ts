import { describe, expect, it } from 'vitest';
import { ipipRefusal } from '../../src/lab/ipip-support.js';
import { runLab } from '../../src/lab/command.js';
import { BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { runCli } from '../support/run-cli.js';

const base = { kernel: '6.18.44-fc-v782', loaded: false, config: 'n' as const, modulesDir: false };

describe('lab verify --cni calico-ipip on a kernel without the ipip module', () => {
  it.each([
    [base, /Calico IPIP cannot be verified on this kernel \(6\.18\.44-fc-v782\): it was built without IP-in-IP tunnels \(CONFIG_NET_IPIP is not set in \/proc\/config\.gz\)/],
    [{ ...base, config: 'm' as const }, /CONFIG_NET_IPIP=m\) but \/lib\/modules\/6\.18\.44-fc-v782 is missing/],
    [{ ...base, config: 'm' as const, modulesDir: true }, /the ipip module is not loaded .*modprobe ipip/],
    [{ ...base, config: null }, /\/sys\/module\/ipip does not exist/],
    [{ ...base, loaded: true }, /has the ipip module, but lab verify does not build Calico's tunl0 yet/],
    // Built in but not listed under /sys/module: still the lab's own gap (it never builds tunl0 yet).
    [{ ...base, config: 'y' as const }, /has the ipip module, but lab verify does not build Calico's tunl0 yet/],
  ])('%j: one sentence', (facts, reason) => {
    const reasonText = ipipRefusal(facts);
    expect(reasonText).toMatch(reason);
    expect(reasonText.split('\n')).toHaveLength(1);
  });

  it('runLab exits 2 with that sentence before building anything', async () => {
    let err = '';
    const code = await runLab('verify', BUILTIN_CLUSTER, { write: () => undefined, writeErr: (s) => (err += s), width: 80, ascii: true, json: false, cni: 'calico-ipip', ipipFacts: () => base });
    expect(code).toBe(2);
    expect(err).toMatch(/^kube-packet-tour: Calico IPIP cannot be verified on this kernel .*\n$/);
  });

  it('the command line says it in one line with exit 2', () => {
    const r = runCli(['lab', 'verify', '--cni', 'calico-ipip']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/ipip|tunl0/);
  });

  it('--cni on a --cluster dump must repeat its own data plane, and lab down takes no --cni', async () => {
    let err = '';
    const dump = { ...BUILTIN_CLUSTER, source: 'dump.yaml' };
    const code = await runLab('verify', dump, { write: () => undefined, writeErr: (s) => (err += s), width: 80, ascii: true, json: false, cni: 'calico-bgp' });
    expect(code).toBe(2);
    expect(err).toMatch(/--cni calico-bgp: dump\.yaml runs flannel-vxlan; --cni changes the built-in cluster only/);
    const r = runCli(['lab', 'down', '--cni', 'calico-bgp']);
    expect(r.status).toBe(2);
  });
});
