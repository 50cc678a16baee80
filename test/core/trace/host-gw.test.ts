// Flannel host-gw (reference 6.5): the cross-node Service call of the built-in cluster with
// network.cni = 'flannel-host-gw'. No flannel.1 and no encapsulation: flanneld routes each remote
// lease via the remote node's IP on eth0 ("10.244.2.0/24 via 192.168.1.12 dev eth0"), so the inner
// packet itself crosses the wire with eth0 MACs, node-2 receives it on eth0, each forwarding node
// decrements the TTL (64 -> 63 -> 62), and the reply is un-DNATed on node-1 (3.3) as with VXLAN.
// The golden file was checked hop by hop against 6.5, 9.2-9.4 (minus the encap/decap hops) and 3.3.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { nodeLocalAddresses, nodeRoutes } from '../../../src/core/kernel/routing.js';
import { SCENARIOS } from '../../../src/core/scenarios.js';
import { simulate } from '../../../src/core/trace.js';
import type { Trace } from '../../../src/core/trace-model.js';
import { formatTrace } from './golden-format.js';

const GOLDEN = fileURLToPath(new URL('../../fixtures/traces/cross-node-clusterip.flannel-host-gw.txt', import.meta.url));
const HG = withCni(BUILTIN_CLUSTER, 'flannel-host-gw');
const node = (name: string) => HG.nodes.find((n) => n.name === name)!;

function trace(name: keyof typeof SCENARIOS): Trace {
  const s = SCENARIOS[name];
  const r = simulate(HG, s.request, s.options);
  if (!r.ok) throw new Error(r.error.message);
  return r.trace;
}

describe('flannel host-gw (reference 6.5)', () => {
  const t = trace('cross-node-clusterip');
  const req = t.hops.filter((h) => h.direction === 'request');
  const rep = t.hops.filter((h) => h.direction === 'reply');

  it('matches the golden trace', () => {
    const actual = formatTrace('cross-node-clusterip (flannel-host-gw)', t);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, actual);
    expect(existsSync(GOLDEN)).toBe(true);
    expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('the variant is built once and leaves the base cluster alone', () => {
    expect(withCni(BUILTIN_CLUSTER, 'flannel-host-gw')).toBe(HG);
    expect(withCni(BUILTIN_CLUSTER, 'flannel-vxlan')).toBe(BUILTIN_CLUSTER);
    expect(BUILTIN_CLUSTER.network.cni).toBe('flannel-vxlan');
  });

  it('routes each remote lease via the remote node IP on eth0; no flannel.1 route or address', () => {
    const texts = nodeRoutes(HG, node('node-1')).map((r) => r.text);
    expect(texts).toContain('10.244.2.0/24 via 192.168.1.12 dev eth0');
    expect(texts.some((x) => x.includes('flannel.1'))).toBe(false);
    expect(nodeRoutes(HG, node('node-2')).map((r) => r.text)).toContain('10.244.1.0/24 via 192.168.1.11 dev eth0');
    expect(nodeLocalAddresses(HG, node('node-1'))).not.toContain('10.244.1.0');
  });

  it('is delivered both ways with the same DNAT and un-DNAT as VXLAN (un-DNAT on node-1 at POSTROUTING)', () => {
    expect([t.verdict, t.outcome, t.endpoint]).toEqual(['delivered', 'delivered', '10.244.2.6:8080']);
    const dnat = t.hops.filter((h) => h.rewrite?.kind === 'DNAT');
    expect(dnat.map((h) => [h.node, h.hook])).toEqual([['node-1', 'PREROUTING']]);
    const un = t.hops.filter((h) => h.rewrite?.kind === 'un-DNAT');
    expect(un.map((h) => [h.node, h.hook, h.rewrite!.to])).toEqual([['node-1', 'POSTROUTING', '10.96.1.20:80']]);
  });

  it('has no encapsulation anywhere: no encap/decap hop, no outer header, no flannel.1 device', () => {
    expect(t.hops.filter((h) => h.step === 'encap' || h.step === 'decap')).toEqual([]);
    expect(t.hops.every((h) => h.packet.outer === null)).toBe(true);
    expect(t.hops.some((h) => h.device === 'flannel.1')).toBe(false);
  });

  it('the inner packet crosses the wire with eth0 MACs and node-2 receives it on eth0', () => {
    const wire = req.filter((h) => h.step === 'wire');
    expect(wire).toHaveLength(1);
    expect([wire[0]!.node, wire[0]!.device, wire[0]!.packet.src, wire[0]!.packet.dst]).toEqual(['node-1', 'eth0', '10.244.1.10:43512', '10.244.2.6:8080']);
    expect([wire[0]!.packet.srcMac, wire[0]!.packet.dstMac]).toEqual([node('node-1').eth0Mac, node('node-2').eth0Mac]);
    const arrive = req[req.indexOf(wire[0]!) + 1]!;
    expect([arrive.node, arrive.device, arrive.step]).toEqual(['node-2', 'eth0', 'conntrack-new']);
    const route1 = req.find((h) => h.step === 'route' && h.node === 'node-1')!;
    expect(route1.action).toContain('"10.244.2.0/24 via 192.168.1.12 dev eth0"');
    const replyWire = rep.filter((h) => h.step === 'wire');
    expect(replyWire.map((h) => [h.node, h.packet.srcMac, h.packet.dstMac])).toEqual([['node-2', node('node-2').eth0Mac, node('node-1').eth0Mac]]);
  });

  it('TTL goes 64 -> 63 -> 62 each way', () => {
    expect([...new Set(req.map((h) => h.packet.ttl))]).toEqual([64, 63, 62]);
    expect([...new Set(rep.map((h) => h.packet.ttl))]).toEqual([64, 63, 62]);
  });

  it('says the MTU stays the underlay\'s', () => {
    expect(req.find((h) => h.step === 'wire')!.action).toContain(`MTU stays eth0's ${HG.network.underlayMtu}`);
  });

  it('pod-ip and the DNS journey cross without encapsulation too', () => {
    for (const x of [trace('pod-ip'), trace('dns-lookup')]) {
      expect(x.verdict).toBe('delivered');
      expect(x.hops.some((h) => h.packet.outer !== null || h.device === 'flannel.1')).toBe(false);
    }
  });
});
