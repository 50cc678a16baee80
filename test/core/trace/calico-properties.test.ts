// Property tests on the Calico data planes: simulate() over the seeded random clusters of
// test/support/cluster-gen.ts, each run under calico-bgp, calico-ipip and calico-vxlan. Invariants
// (reference networking.md 3.1, 3.3, 7.1-7.3; felix config for VXLAN 4789 / VNI 4096):
//   - indices consecutive, TTLs only fall, an outer header exactly between encap and decap;
//   - the outer header is the mode's: IP-in-IP node-to-node (no ports), or UDP 4789 VNI 4096; none in BGP;
//   - a delivered Service call has exactly one DNAT (client node, PREROUTING) and one mirror un-DNAT
//     (same node, POSTROUTING); a pod-IP call has no NAT; the server sees the client's own address;
//   - no bridge anywhere: the pod sends to ee:ee:ee:ee:ee:ee, the host delivers from it; routed
//     everywhere, so TTL 63 on one node and 62 across two;
//   - encapsulation overhead matches the MTU: IPIP 20 bytes and MTU 1480, VXLAN 50 and MTU 1450
//     (checked in the hop text and in the tcpdump frame lengths on eth0).

import { describe, expect, it } from 'vitest';
import type { ClusterModel, PodModel, Protocol } from '../../../src/core/cluster/model.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { tcpdumpLines } from '../../../src/core/observe.js';
import { seededRng } from '../../../src/core/random.js';
import { simulate } from '../../../src/core/trace.js';
import type { Hop, Trace } from '../../../src/core/trace-model.js';
import { generateCluster, type GeneratedCluster } from '../../support/cluster-gen.js';
import { indexViolations, ttlViolations } from '../../support/trace-invariants.js';

const MODES = ['calico-bgp', 'calico-ipip', 'calico-vxlan'] as const;
const CLUSTERS = 25;
const REQUESTS = 5;
const OVERHEAD: Record<(typeof MODES)[number], number> = { 'calico-bgp': 0, 'calico-ipip': 20, 'calico-vxlan': 50 };

interface Case {
  readonly cni: (typeof MODES)[number];
  readonly g: GeneratedCluster;
  readonly cluster: ClusterModel;
  readonly client: PodModel;
  readonly kind: 'service' | 'pod';
  readonly to: string;
  readonly proto: Protocol;
  readonly endpointPods: readonly PodModel[];
  readonly trace: Trace;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (let seed = 1; seed <= CLUSTERS; seed++) {
    const g = generateCluster(seed);
    for (const cni of MODES) {
      const cluster = withCni(g.cluster, cni);
      const rng = seededRng(seed * 31 + MODES.indexOf(cni));
      for (let k = 0; k < REQUESTS; k++) {
        const pods = cluster.pods;
        const client = pods[rng.int(pods.length)]!;
        let kind: 'service' | 'pod';
        let to: string;
        let proto: Protocol;
        let endpointPods: readonly PodModel[] = [];
        if (rng.next() < 0.6) {
          const svc = g.services[rng.int(g.services.length)]!;
          const port = svc.service.ports[rng.int(svc.service.ports.length)]!;
          kind = 'service';
          to = `${svc.service.clusterIP}:${port.port}`;
          proto = port.protocol;
          endpointPods = svc.endpointPods;
        } else {
          const others = pods.filter((p) => p !== client);
          const pod = others[rng.int(others.length)]!;
          const cp = pod.containerPorts[0] ?? { port: 8080, protocol: 'TCP' as const };
          kind = 'pod';
          to = `${pod.ip}:${cp.port}`;
          proto = cp.protocol;
          endpointPods = [pod];
        }
        const r = simulate(cluster, { from: `${client.namespace}/${client.name}`, to, proto }, { seed: seed * 1000 + k });
        if (!r.ok) throw new Error(r.error.message);
        out.push({ cni, g, cluster, client, kind, to, proto, endpointPods, trace: r.trace });
      }
    }
  }
  return out;
}

const all = cases();
const label = (c: Case) => `[${c.cni} cluster ${c.g.seed} ${c.client.namespace}/${c.client.name} -> ${c.to}/${c.proto}]`;
const rewrites = (t: Trace, kind: string) => t.hops.filter((h) => h.rewrite?.kind === kind);
const ipOf = (hp: string) => hp.split(':')[0]!;

function structural(c: Case): string[] {
  const v: string[] = [];
  const hops = c.trace.hops;
  v.push(...indexViolations(hops));
  v.push(...ttlViolations(hops));
  let tunnel: Hop | null = null;
  for (const h of hops) {
    if (h.step === 'encap') tunnel = h;
    if (h.step === 'decap') tunnel = null;
    if ((h.packet.outer !== null) !== (tunnel !== null)) v.push(`hop ${h.index} (${h.step}) outer=${h.packet.outer !== null} in-tunnel=${tunnel !== null}`);
    const o = h.packet.outer;
    if (o && tunnel) {
      const from = c.cluster.nodes.find((n) => n.name === tunnel!.node)!;
      if (o.src !== from.internalIP) v.push(`hop ${h.index}: outer src ${o.src}`);
      if (c.cni === 'calico-ipip' && (o.proto !== 'IPIP' || o.dport !== null || o.vni !== null)) v.push(`hop ${h.index}: outer ${JSON.stringify(o)}`);
      if (c.cni === 'calico-vxlan' && (o.proto !== 'UDP' || o.dport !== 4789 || o.vni !== 4096)) v.push(`hop ${h.index}: outer ${JSON.stringify(o)}`);
    }
    if (c.cni === 'calico-bgp' && (h.step === 'encap' || h.step === 'decap' || o !== null)) v.push(`hop ${h.index}: a tunnel in BGP mode`);
    if (h.component === 'bridge' || h.device === 'cni0' || h.device.startsWith('flannel')) v.push(`hop ${h.index}: ${h.device} (${h.component}) under Calico`);
  }
  if (tunnel !== null) v.push('trace ends inside the tunnel');
  return v;
}

function delivered(c: Case): string[] {
  const v = structural(c);
  const t = c.trace;
  if (t.verdict !== 'delivered') return [...v, `verdict ${t.verdict}/${t.outcome}: ${t.reason}`];
  const req = t.hops.filter((h) => h.direction === 'request');
  const rep = t.hops.filter((h) => h.direction === 'reply');
  const sent = req[0]!;
  const seen = req.at(-1)!;
  const back = rep.at(-1)!;
  if (sent.packet.dstMac !== 'ee:ee:ee:ee:ee:ee' || rep[0]!.packet.dstMac !== 'ee:ee:ee:ee:ee:ee') v.push('a pod did not send to ee:ee:ee:ee:ee:ee');
  if (seen.packet.srcMac !== 'ee:ee:ee:ee:ee:ee' || back.packet.srcMac !== 'ee:ee:ee:ee:ee:ee') v.push('a delivery did not come from ee:ee:ee:ee:ee:ee');
  if (seen.packet.src !== sent.packet.src) v.push(`server sees ${seen.packet.src}`);
  if (back.packet.src !== c.to || back.packet.dst !== sent.packet.src) v.push(`client receives ${back.packet.src} -> ${back.packet.dst}`);
  const dnat = rewrites(t, 'DNAT');
  const undnat = rewrites(t, 'un-DNAT');
  const masq = [...rewrites(t, 'MASQUERADE'), ...rewrites(t, 'SNAT')];
  if (masq.length > 0) v.push('unexpected SNAT/MASQUERADE');
  if (c.kind === 'service') {
    if (dnat.length !== 1 || undnat.length !== 1) v.push(`${dnat.length} DNAT / ${undnat.length} un-DNAT`);
    else {
      const [d, u] = [dnat[0]!, undnat[0]!];
      if (d.node !== c.client.nodeName || d.hook !== 'PREROUTING') v.push(`DNAT on ${d.node} at ${d.hook}`);
      if (u.node !== d.node || u.hook !== 'POSTROUTING') v.push(`un-DNAT on ${u.node} at ${u.hook}`);
      if (u.rewrite!.from !== d.rewrite!.to || u.rewrite!.to !== d.rewrite!.from || d.rewrite!.from !== c.to) v.push('un-DNAT does not mirror the DNAT');
    }
  } else if (dnat.length + undnat.length > 0) v.push('NAT on a pod-IP call');
  const server = c.cluster.pods.find((p) => p.ip === ipOf(seen.packet.dst));
  const sameNode = server?.nodeName === c.client.nodeName;
  const want = sameNode ? 63 : 62;
  if (seen.packet.ttl !== want || back.packet.ttl !== want) v.push(`TTL at delivery ${seen.packet.ttl}/${back.packet.ttl}, want ${want} (routed by ${sameNode ? 'one node' : 'two nodes'})`);
  const encaps = t.hops.filter((h) => h.step === 'encap');
  const wantEncaps = sameNode || c.cni === 'calico-bgp' ? 0 : 2;
  if (encaps.length !== wantEncaps) v.push(`${encaps.length} encap hops, want ${wantEncaps}`);
  // Overheads against the MTU, in the hop text and in tcpdump's frame lengths.
  const overhead = OVERHEAD[c.cni];
  for (const e of encaps) if (!e.action.includes(`MTU ${1500 - overhead}`)) v.push(`encap hop ${e.index} does not state MTU ${1500 - overhead}`);
  for (const w of t.hops.filter((h) => h.step === 'wire' && h.packet.outer !== null)) {
    const lines = tcpdumpLines(w, c.cluster, { trace: t });
    const frame = (l: string) => Number(/length (\d+):/.exec(l)![1]);
    const veth = tcpdumpLines(sent, c.cluster, { trace: t })[0]!;
    const innerIp = frame(veth) - 14;
    const outerIp = frame(lines[0]!) - 14;
    if (outerIp - innerIp !== overhead) v.push(`wire hop ${w.index}: outer IP ${outerIp} vs inner ${innerIp}, want +${overhead}`);
  }
  return v;
}

describe(`Calico data planes on ${CLUSTERS} generated clusters x ${MODES.length} modes x ${REQUESTS} requests`, () => {
  const withEndpoints = all.filter((c) => c.endpointPods.length > 0);
  it('covers Service and pod-IP calls, same-node and cross-node, in every mode', () => {
    for (const cni of MODES) {
      const mine = withEndpoints.filter((c) => c.cni === cni);
      expect(mine.filter((c) => c.kind === 'service').length).toBeGreaterThan(20);
      expect(mine.filter((c) => c.kind === 'pod').length).toBeGreaterThan(20);
      expect(mine.some((c) => c.trace.hops.some((h) => h.step === 'encap')) || cni === 'calico-bgp').toBe(true);
    }
  });

  it('every trace: consecutive indices, TTLs only fall, the mode\'s outer header only between encap and decap, no bridge', () => {
    const bad = all.map((c) => ({ c: label(c), v: structural(c) })).filter((x) => x.v.length > 0);
    expect(bad).toEqual([]);
  });

  it('delivered calls: one DNAT and its mirror un-DNAT for a Service, none for a pod IP; routed TTLs; overheads match the MTU', () => {
    const hairpin = (c: Case) => c.trace.endpoint !== null && ipOf(c.trace.endpoint) === c.client.ip;
    const bad = withEndpoints.filter((c) => !hairpin(c)).map((c) => ({ c: label(c), v: delivered(c) })).filter((x) => x.v.length > 0);
    expect(bad).toEqual([]);
  });

  it('a Service with no endpoints is still REJECTed by kube-proxy in filter FORWARD', () => {
    const none = all.filter((c) => c.kind === 'service' && c.endpointPods.length === 0);
    expect(none.length).toBeGreaterThan(5);
    for (const c of none) expect([c.trace.verdict, c.trace.hops.filter((h) => h.step === 'reject').length], label(c)).toEqual(['rejected', 1]);
  });
});

