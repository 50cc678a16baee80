// trace --compare cni: the same request over Flannel VXLAN (A) and host-gw (B), aligned by
// (direction, step, node). Facts: host-gw has no encap/decap hops (reference 6.5 vs 6.4), so those
// are A-only gaps; node-2 receives on flannel.1 (A) vs eth0 (B); TTLs and the NAT are identical.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { alignHops, compareTraces } from '../../../src/core/compare.js';
import { SCENARIOS } from '../../../src/core/scenarios.js';
import { simulate } from '../../../src/core/trace.js';
import type { Trace } from '../../../src/core/trace-model.js';

function traceOn(cni: 'flannel-vxlan' | 'flannel-host-gw', name: keyof typeof SCENARIOS): Trace {
  const s = SCENARIOS[name];
  const r = simulate(withCni(BUILTIN_CLUSTER, cni), s.request, s.options);
  if (!r.ok) throw new Error(r.error.message);
  return r.trace;
}

describe('alignHops', () => {
  const a = traceOn('flannel-vxlan', 'cross-node-clusterip');
  const b = traceOn('flannel-host-gw', 'cross-node-clusterip');
  const c = compareTraces('cni', ['flannel-vxlan', 'flannel-host-gw'], [a, b]);
  const hopA = (i: number | null) => a.hops.find((h) => h.index === i)!;
  const hopB = (i: number | null) => b.hops.find((h) => h.index === i)!;

  it('uses every hop of both traces once, in order', () => {
    expect(c.alignment.filter((r) => r.a !== null).map((r) => r.a)).toEqual(a.hops.map((h) => h.index));
    expect(c.alignment.filter((r) => r.b !== null).map((r) => r.b)).toEqual(b.hops.map((h) => h.index));
  });

  it('pairs only hops of the same direction, step and node', () => {
    for (const r of c.alignment.filter((x) => x.a !== null && x.b !== null)) {
      const [x, y] = [hopA(r.a), hopB(r.b)];
      expect([x.direction, x.step, x.node]).toEqual([y.direction, y.step, y.node]);
    }
  });

  it('the VXLAN encap and decap hops are gaps on the host-gw side; host-gw has no hop of its own', () => {
    const onlyA = c.alignment.filter((r) => r.b === null).map((r) => `${hopA(r.a).direction} ${hopA(r.a).step} ${hopA(r.a).node}`);
    expect(onlyA).toEqual(['request encap node-1', 'request decap node-2', 'reply encap node-2', 'reply decap node-1']);
    expect(c.alignment.filter((r) => r.a === null)).toEqual([]);
  });

  it('marks the differences: the wire hop loses its outer header, node-2 receives on eth0 instead of flannel.1', () => {
    const wire = c.alignment.find((r) => r.a !== null && hopA(r.a).step === 'wire' && hopA(r.a).direction === 'request')!;
    expect(wire.differences).toEqual(['macs', 'outer']);
    const arrive = c.alignment.find((r) => r.a !== null && hopA(r.a).step === 'conntrack-new' && hopA(r.a).node === 'node-2')!;
    expect(arrive.differences).toContain('place');
    expect([hopA(arrive.a).device, hopB(arrive.b).device]).toEqual(['flannel.1', 'eth0']);
    // Same NAT, same TTLs: never a src/dst/ttl/rewrite difference.
    for (const r of c.alignment) for (const d of ['src', 'dst', 'ttl', 'rewrite']) expect(r.differences).not.toContain(d);
  });

  it('identical traces align one to one with no differences; empty ones give no rows', () => {
    expect(alignHops(a.hops, a.hops).every((r) => r.a === r.b && r.differences.length === 0)).toBe(true);
    expect(alignHops([], [])).toEqual([]);
    expect(alignHops(a.hops, []).every((r) => r.b === null)).toBe(true);
  });

  it('a same-node scenario does not differ at all between the two backends', () => {
    const x = compareTraces('cni', ['flannel-vxlan', 'flannel-host-gw'], [traceOn('flannel-vxlan', 'same-node-pod-ip'), traceOn('flannel-host-gw', 'same-node-pod-ip')]);
    expect(x.alignment.every((r) => r.a !== null && r.b !== null && r.differences.length === 0)).toBe(true);
  });
});
