// A hop that changes nothing in the packet shares the previous hop's view (packet-view.ts viewOf):
// sharing must never show a stale field, and it must happen, or a trace makes twice the objects.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import type { CniKind } from '../../../src/core/cluster/model.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { simulate } from '../../../src/core/trace.js';
import type { Hop, OuterHeader } from '../../../src/core/trace-model.js';
import type { Packet } from '../../../src/core/kernel/datapath.js';
import { AddressTexts, viewOf } from '../../../src/core/kernel/packet-view.js';

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
          // Only within one direction: the reply starts with views of its own.
          expect(a.direction).toBe(b.direction);
        }
        // What each view shows is pinned hop by hop by the golden traces.
        expect(shared).toBeGreaterThan(hops.length / 4);
      }
    }
  });

});

describe('viewOf', () => {
  const outer: OuterHeader = { src: '192.168.56.11', dst: '192.168.56.12', srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', proto: 'UDP', sport: 41000, dport: 8472, vni: 1, ttl: 64 };
  const packet: Packet = {
    proto: 'TCP', src: '10.244.1.10', sport: 40000, dst: '10.244.2.6', dport: 8080, ttl: 63, srcMac: 'aa:aa:aa:aa:aa:01', dstMac: 'aa:aa:aa:aa:aa:02',
    flags: 'S', outer, mark: 0, payload: null, length: 1450, df: true,
  };
  const base = viewOf(packet, undefined, new AddressTexts(), undefined);

  it('shares the previous view when nothing it shows changed (mark and payload are not shown)', () => {
    expect(viewOf({ ...packet, mark: 0x4000, payload: 'x', outer: { ...outer } }, undefined, new AddressTexts(), base)).toBe(base);
  });

  it.each<[string, Partial<Packet>]>([
    ['source port', { sport: 40001 }],
    ['destination', { dst: '10.244.1.5' }],
    ['source MAC', { srcMac: 'aa:aa:aa:aa:aa:03' }],
    ['destination MAC', { dstMac: '' }],
    ['TTL', { ttl: 62 }],
    ['TCP flags', { flags: 'S.' }],
    ['protocol', { proto: 'UDP', flags: null }],
    ['length', { length: 1400 }],
    ['DF bit', { df: false }],
    ['no length', { length: undefined, df: undefined }],
    ['no outer header', { outer: null }],
    ['outer source port', { outer: { ...outer, sport: 41001 } }],
    ['outer TTL', { outer: { ...outer, ttl: 63 } }],
    ['outer protocol', { outer: { ...outer, proto: 'IPIP' } }],
    ['outer VNI', { outer: { ...outer, vni: 2 } }],
    ['outer MAC', { outer: { ...outer, dstMac: '02:00:00:00:00:03' } }],
  ])('makes a view of its own when the %s changes, with the new value', (_, change) => {
    const changed = { ...packet, ...change };
    const view = viewOf(changed, undefined, new AddressTexts(), base);
    expect(view).not.toBe(base);
    expect(view).toEqual(viewOf(changed, undefined, new AddressTexts(), undefined));
  });

  it('an ICMP view never shares a TCP one', () => {
    const icmp = viewOf(packet, 'ICMP', new AddressTexts(), base);
    expect(icmp).not.toBe(base);
    expect(icmp.proto).toBe('ICMP');
    expect(icmp.src).toBe('10.244.1.10');
  });
});
