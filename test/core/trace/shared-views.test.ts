// A hop that changes nothing in the packet shares the previous hop's view (the datapath's viewOf):
// sharing must never show a stale field, and it must happen, or a trace makes twice the objects.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import type { CniKind } from '../../../src/core/cluster/model.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { simulate } from '../../../src/core/trace.js';
import type { Hop } from '../../../src/core/trace-model.js';

const CNIS: readonly CniKind[] = ['flannel-vxlan', 'flannel-host-gw', 'calico-ipip', 'calico-vxlan', 'calico-bgp'];
const REQUESTS = [
  { from: 'pod-a', to: 'myapp.default.svc.cluster.local' },
  { from: 'pod-a', to: '10.244.2.6:8080' },
  { from: 'pod-a', to: 'myapp.default.svc.cluster.local', proto: 'UDP' as const },
];

function allHops(cni: CniKind, request: (typeof REQUESTS)[number], seed: number): Hop[] {
  const r = simulate(withCni(BUILTIN_CLUSTER, cni), request, { seed });
  if (!r.ok) throw new Error(r.error.message);
  return [...(r.trace.dns?.hops ?? []), ...r.trace.hops];
}

describe('packet views', () => {
  it.each(CNIS)('%s: a shared view is one the hop would have made, field for field', (cni) => {
    for (const request of REQUESTS) {
      for (const seed of [1, 2, 3]) {
        const hops = allHops(cni, request, seed);
        let shared = 0;
        for (let i = 1; i < hops.length; i++) {
          const [a, b] = [hops[i - 1]!, hops[i]!];
          if (a.packet !== b.packet) continue;
          shared++;
          // Only within one direction and one list, and only where nothing changed.
          expect(a.direction).toBe(b.direction);
          expect(b.changed).toEqual([]);
        }
        // What each view shows is pinned hop by hop by the golden traces.
        expect(shared).toBeGreaterThan(hops.length / 4);
      }
    }
  });

  it('a hop that changes the TTL, a MAC or the outer header gets a view of its own', () => {
    const hops = allHops('flannel-vxlan', REQUESTS[0]!, 1);
    for (let i = 1; i < hops.length; i++) {
      const [a, b] = [hops[i - 1]!, hops[i]!];
      if (a.direction !== b.direction) continue;
      const differs = a.packet.ttl !== b.packet.ttl || a.packet.srcMac !== b.packet.srcMac || a.packet.dstMac !== b.packet.dstMac || JSON.stringify(a.packet.outer) !== JSON.stringify(b.packet.outer);
      if (differs) expect(b.packet).not.toBe(a.packet);
    }
  });
});
