// A pod calling the API server (the kubernetes Service, endpoint a node's own address) crosses the
// node network by its connected route: the wire hop must not describe a CNI route it did not take.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { simulate } from '../../../src/core/trace.js';

describe('traffic to another node\'s own address', () => {
  for (const cni of ['flannel-vxlan', 'flannel-host-gw', 'calico-bgp'] as const) {
    it(`${cni}: the wire hops name the node network, not host-gw or BGP routes`, () => {
      const r = simulate(withCni(BUILTIN_CLUSTER, cni), { from: 'pod-b', to: '10.96.0.1:443' }, {});
      if (!r.ok) throw new Error(r.error.message);
      const wires = r.trace.hops.filter((h) => h.step === 'wire');
      expect(wires.length).toBe(2);
      for (const h of wires) {
        expect(h.packet.outer).toBeNull();
        expect(h.action).toContain("own address");
        expect(h.action).not.toMatch(/host-gw|BGP|BIRD/);
      }
    });
  }
});
