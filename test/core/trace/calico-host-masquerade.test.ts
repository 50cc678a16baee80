// A host-network client to a ClusterIP whose endpoint is on another node, on Calico's tunnel modes:
// Felix's cali-POSTROUTING rule for the tunnel device ("-o vxlan.calico ... -m addrtype !
// --src-type LOCAL --limit-iface-out -m addrtype --src-type LOCAL -j MASQUERADE") comes before
// KUBE-POSTROUTING and masquerades first. The lab (lab verify --scenario host-network-clusterip
// --cni calico-vxlan) counted 1 packet on that rule and 0 on KUBE-POSTROUTING.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import type { CniKind } from '../../../src/core/cluster/model.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { simulate } from '../../../src/core/trace.js';

describe('host-network client through a Calico tunnel', () => {
  for (const [cni, dev] of [['calico-vxlan', 'vxlan.calico'], ['calico-ipip', 'tunl0']] as const) {
    it(`${cni}: cali-POSTROUTING's --limit-iface-out rule masquerades, KUBE-POSTROUTING is not reached`, () => {
      const r = simulate(withCni(BUILTIN_CLUSTER, cni as CniKind), { from: 'node/node-1', to: '10.96.1.20:80' }, { endpoint: '10.244.2.6:8080' });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const masq = r.trace.hops.find((h) => h.step === 'masquerade');
      expect(masq?.device).toBe(dev);
      expect(masq?.rewrite?.chain).toBe('cali-POSTROUTING');
      expect(masq?.rewrite?.rule).toContain('--limit-iface-out');
      expect(masq?.rules.some((x) => x.includes('KUBE-POSTROUTING'))).toBe(false);
    });
  }
  it('calico-bgp (no tunnel device): KUBE-POSTROUTING masquerades as before', () => {
    const r = simulate(withCni(BUILTIN_CLUSTER, 'calico-bgp'), { from: 'node/node-1', to: '10.96.1.20:80' }, { endpoint: '10.244.2.6:8080' });
    expect(r.ok && r.trace.hops.find((h) => h.step === 'masquerade')?.rewrite?.chain).toBe('KUBE-POSTROUTING');
  });
});
