// Property tests: simulate() over seeded random clusters (test/support/cluster-gen.ts), random
// client/target pairs and random kube-proxy draws. Each invariant names the reference section
// (/work/shared/reference/networking.md) it comes from.

import { describe, expect, it } from 'vitest';
import type { PodModel, Protocol } from '../../../src/core/cluster/model.js';
import { bridgeIP } from '../../../src/core/kernel/routing.js';
import { servicePortName } from '../../../src/core/proxy/chain-names.js';
import { seededRng } from '../../../src/core/random.js';
import { simulate } from '../../../src/core/trace.js';
import type { Hop, Trace } from '../../../src/core/trace-model.js';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { describeCluster, generateCluster, type GeneratedCluster, type GeneratedService } from '../../support/cluster-gen.js';
import { indexViolations, ttlViolations } from '../../support/trace-invariants.js';

const CLUSTERS = 60;
const REQUESTS_PER_CLUSTER = 6;

/** `conntrack -L` (reference 3.4): proto padded to 8, protonum, seconds, TCP state, two tuples, flags. */
const CT_LINE =
  /^(tcp|udp) {6}(6|17) (\d+) (?:(SYN_SENT|SYN_RECV|ESTABLISHED) )?src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+) (\[UNREPLIED\] )?src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+) (\[ASSURED\] )?mark=\d+ use=\d+$/;

type Target =
  | { readonly kind: 'service'; readonly svc: GeneratedService; readonly portIndex: number }
  | { readonly kind: 'pod'; readonly pod: PodModel };

interface Case {
  readonly g: GeneratedCluster;
  readonly client: PodModel;
  readonly target: Target;
  readonly to: string;
  readonly proto: Protocol;
  readonly traceSeed: number;
  readonly pinned?: string;
}

interface Ran extends Case {
  readonly trace: Trace;
}

function label(c: Case): string {
  return `[cluster ${c.g.seed}, ${c.client.namespace}/${c.client.name} (${c.client.ip}) -> ${c.to}/${c.proto}, seed ${c.traceSeed}${c.pinned ? `, endpoint ${c.pinned}` : ''}]`;
}

function run(c: Case): Ran {
  const r = simulate(c.g.cluster, { from: `${c.client.namespace}/${c.client.name}`, to: c.to, proto: c.proto }, c.pinned ? { endpoint: c.pinned } : { seed: c.traceSeed });
  if (!r.ok) throw new Error(`${label(c)} ${r.error.message}\n${describeCluster(c.g)}`);
  return { ...c, trace: r.trace };
}

function randomCases(): Case[] {
  const out: Case[] = [];
  for (let seed = 1; seed <= CLUSTERS; seed++) {
    const g = generateCluster(seed);
    const rng = seededRng(seed * 7919 + 17);
    const pods = g.cluster.pods;
    for (let k = 0; k < REQUESTS_PER_CLUSTER; k++) {
      const client = pods[rng.int(pods.length)]!;
      const traceSeed = seed * 1000 + k;
      if (rng.next() < 0.6) {
        const svc = g.services[rng.int(g.services.length)]!;
        const portIndex = rng.int(svc.service.ports.length);
        const port = svc.service.ports[portIndex]!;
        out.push({ g, client, target: { kind: 'service', svc, portIndex }, to: `${svc.service.clusterIP}:${port.port}`, proto: port.protocol, traceSeed });
      } else {
        const others = pods.filter((p) => p !== client);
        const pod = others[rng.int(others.length)]!;
        const cp = pod.containerPorts.length > 0 ? pod.containerPorts[rng.int(pod.containerPorts.length)]! : { port: 8080, protocol: 'TCP' as const };
        out.push({ g, client, target: { kind: 'pod', pod }, to: `${pod.ip}:${cp.port}`, proto: cp.protocol, traceSeed });
      }
    }
  }
  return out;
}

const started = performance.now();
const ran = randomCases().map(run);
const simulateMs = performance.now() - started;

const isService = (c: Case): c is Case & { target: { kind: 'service' } } => c.target.kind === 'service';
const endpointKeys = (c: Ran): string[] => {
  if (c.target.kind !== 'service') return [];
  const port = c.target.svc.service.ports[c.target.portIndex]!;
  return c.target.svc.endpointPods.map((p) => `${p.ip}:${port.targetPort}`);
};
const isHairpin = (c: Ran): boolean => c.trace.endpoint !== null && c.trace.endpoint.split(':')[0] === c.client.ip;

const serviceWithEndpoints = ran.filter((c) => isService(c) && c.target.svc.endpointPods.length > 0);
const serviceWithout = ran.filter((c) => isService(c) && c.target.svc.endpointPods.length === 0);
const podTargets = ran.filter((c) => c.target.kind === 'pod');
const plain = [...serviceWithEndpoints.filter((c) => !isHairpin(c)), ...podTargets];

const nodeOf = (c: Case, name: string | null) => c.g.cluster.nodes.find((n) => n.name === name);
const podByIP = (c: Case, ip: string) => c.g.cluster.pods.find((p) => p.ip === ip);
const ipOf = (hostPort: string) => hostPort.split(':')[0]!;
const rewrites = (t: Trace, kind: NonNullable<Hop['rewrite']>['kind']) => t.hops.filter((h) => h.rewrite?.kind === kind);

/** Invariants every trace obeys, whatever its outcome. */
function structural(c: Ran): string[] {
  const v: string[] = [];
  const hops = c.trace.hops;
  v.push(...indexViolations(hops));
  const firstReply = hops.findIndex((h) => h.direction === 'reply');
  if (firstReply >= 0 && hops.slice(firstReply).some((h) => h.direction === 'request')) v.push('a request hop follows a reply hop');
  v.push(...ttlViolations(hops));
  // An outer header exists exactly from the encap hop up to (not including) the decap hop (reference 6.4).
  let tunnel: Hop | null = null;
  for (const h of hops) {
    if (h.step === 'encap') tunnel = h;
    if (h.step === 'decap') {
      if (tunnel === null) v.push(`hop ${h.index}: decap without encap`);
      else if (h.node === tunnel.node) v.push(`hop ${h.index}: decap on the encapsulating node`);
      tunnel = null;
    }
    if ((h.packet.outer !== null) !== (tunnel !== null)) v.push(`hop ${h.index} (${h.step}) outer=${h.packet.outer !== null} but in-tunnel=${tunnel !== null}`);
    if (h.packet.outer && tunnel) {
      const o = h.packet.outer;
      const from = nodeOf(c, tunnel.node);
      if (o.proto !== 'UDP' || o.dport !== 8472 || o.vni !== 1) v.push(`hop ${h.index}: outer ${o.proto} dport ${o.dport} vni ${o.vni}, want UDP 8472 VNI 1`);
      if (o.src !== from?.internalIP || o.srcMac !== from?.eth0Mac) v.push(`hop ${h.index}: outer src ${o.src} is not ${tunnel.node}'s eth0`);
      if (o.sport === null || o.sport < 32768 || o.sport > 60999) v.push(`hop ${h.index}: outer sport ${o.sport}`);
    }
    if (h.step === 'decap' && hops[h.index - 2]?.packet.outer) {
      const o = hops[h.index - 2]!.packet.outer!;
      const to = nodeOf(c, h.node);
      if (o.dst !== to?.internalIP || o.dstMac !== to?.eth0Mac) v.push(`hop ${h.index}: outer dst ${o.dst} is not ${h.node}'s eth0`);
    }
  }
  if (tunnel !== null) v.push('trace ends inside the tunnel');
  // A trace only changes node at decap.
  hops.forEach((h, i) => {
    const prev = hops[i - 1];
    if (prev && prev.node !== h.node && h.step !== 'decap' && h.step !== 'send') v.push(`hop ${h.index} (${h.step}) jumps from ${prev.node} to ${h.node}`);
  });
  for (const h of hops) {
    if (h.conntrack !== null && !CT_LINE.test(h.conntrack)) v.push(`hop ${h.index}: conntrack line does not parse: ${h.conntrack}`);
    const m = h.conntrack ? CT_LINE.exec(h.conntrack) : null;
    if (m && (m[1] === 'tcp') !== (m[4] !== undefined)) v.push(`hop ${h.index}: TCP state present iff tcp: ${h.conntrack}`);
    if (m && m[2] !== (m[1] === 'tcp' ? '6' : '17')) v.push(`hop ${h.index}: protonum: ${h.conntrack}`);
  }
  return v;
}

/** Invariants of a delivered connection that involves no masquerade (reference 3.1, 3.3, 9.2-9.5). */
function delivered(c: Ran): string[] {
  const v = structural(c);
  const t = c.trace;
  const client = c.client;
  if (t.verdict !== 'delivered' || t.outcome !== 'delivered') return [...v, `verdict ${t.verdict}/${t.outcome}: ${t.reason}`];
  const req = t.hops.filter((h) => h.direction === 'request');
  const rep = t.hops.filter((h) => h.direction === 'reply');
  const sent = req[0]!;
  const seen = req.at(-1)!;
  const back = rep.at(-1)!;
  if (seen.step !== 'deliver' || back.step !== 'deliver') v.push('a direction does not end in deliver');
  if (t.hops.filter((h) => h.step === 'deliver').length !== 2) v.push('deliver hops != 2');
  // The server sees the client's own address: no SNAT/MASQUERADE for pod -> pod or pod -> ClusterIP.
  if (seen.packet.src !== sent.packet.src) v.push(`server sees ${seen.packet.src}, client sent from ${sent.packet.src}`);
  for (const k of ['MASQUERADE', 'SNAT', 'un-SNAT'] as const) if (rewrites(t, k).length > 0) v.push(`unexpected ${k}`);
  // The reply comes back from exactly the address the client connected to, to the client's socket.
  if (back.packet.src !== c.to || back.packet.dst !== sent.packet.src) v.push(`client receives ${back.packet.src} -> ${back.packet.dst}, connected ${sent.packet.src} -> ${c.to}`);
  // Both deliveries end at the right pod's MAC.
  const server = podByIP(c, ipOf(seen.packet.dst));
  if (!server || seen.packet.dstMac !== server.mac || seen.netns !== server.name) v.push(`request delivered to ${seen.netns} ${seen.packet.dstMac}`);
  if (back.packet.dstMac !== client.mac || back.netns !== client.name) v.push(`reply delivered to ${back.netns} ${back.packet.dstMac}`);
  // One DNAT for a ClusterIP, none for a pod IP; the un-DNAT mirrors it on the same node (reference 3.3).
  const dnat = rewrites(t, 'DNAT');
  const undnat = rewrites(t, 'un-DNAT');
  if (c.target.kind === 'service') {
    if (dnat.length !== 1 || undnat.length !== 1) v.push(`${dnat.length} DNAT / ${undnat.length} un-DNAT, want 1/1`);
    const [d, u] = [dnat[0], undnat[0]];
    if (d && u) {
      if (d.direction !== 'request' || d.hook !== 'PREROUTING' || d.node !== client.nodeName) v.push(`DNAT at ${d.direction} ${d.hook} on ${d.node}`);
      if (u.direction !== 'reply' || u.hook !== 'POSTROUTING' || u.node !== d.node) v.push(`un-DNAT at ${u.direction} ${u.hook} on ${u.node}`);
      if (d.rewrite!.from !== c.to || u.rewrite!.from !== d.rewrite!.to || u.rewrite!.to !== d.rewrite!.from) {
        v.push(`DNAT ${d.rewrite!.from}->${d.rewrite!.to} vs un-DNAT ${u.rewrite!.from}->${u.rewrite!.to}`);
      }
      if (seen.packet.dst !== d.rewrite!.to || t.endpoint !== d.rewrite!.to) v.push(`server sees dst ${seen.packet.dst}, DNAT to ${d.rewrite!.to}, endpoint ${t.endpoint}`);
      if (!endpointKeys(c).includes(d.rewrite!.to)) v.push(`endpoint ${d.rewrite!.to} is not one of ${endpointKeys(c).join(', ')}`);
      const ct = t.hops.filter((h) => h.node === d.node && h.conntrack).at(-1)?.conntrack ?? '';
      const m = CT_LINE.exec(ct);
      if (!m || `${m[6]}:${m[8]}` !== c.to || `${m[10]}:${m[12]}` !== d.rewrite!.to || `${m[5]}:${m[7]}` !== sent.packet.src) v.push(`DNAT node conntrack line: ${ct}`);
    }
  } else if (dnat.length + undnat.length > 0) {
    v.push('NAT on a pod-IP connection');
  }
  // TTL: bridged on one node (64), or routed by exactly two nodes (62), both ways (reference 5.3, 9.2-9.4).
  const sameNode = server?.nodeName === client.nodeName;
  const want = sameNode ? 64 : 62;
  if (seen.packet.ttl !== want || back.packet.ttl !== want) v.push(`TTL at delivery ${seen.packet.ttl}/${back.packet.ttl}, want ${want}`);
  const encaps = t.hops.filter((h) => h.step === 'encap').length;
  if (encaps !== (sameNode ? 0 : 2)) v.push(`${encaps} encap hops`);
  return v;
}

describe('the invariant checkers are not vacuous', () => {
  it('flag a dropped un-DNAT, a rising TTL, a stray outer header, a gap in the indices and a mangled conntrack line', () => {
    const base = plain.find((c) => c.target.kind === 'service' && c.trace.hops.some((h) => h.step === 'encap'))!;
    expect(delivered(base)).toEqual([]);
    const withHops = (hops: Hop[]): Ran => ({ ...base, trace: { ...base.trace, hops } });
    const hops = base.trace.hops;
    const noUnDnat = withHops(hops.map((h) => (h.rewrite?.kind === 'un-DNAT' ? { ...h, rewrite: null } : h)));
    expect(delivered(noUnDnat).join('; ')).toMatch(/un-DNAT/);
    const rising = withHops(hops.map((h, i) => (i === hops.length - 1 ? { ...h, packet: { ...h.packet, ttl: 65 } } : h)));
    expect(structural(rising).join('; ')).toMatch(/TTL rises/);
    const stray = withHops(hops.map((h, i) => (i === 0 ? { ...h, packet: { ...h.packet, outer: hops.find((x) => x.packet.outer)!.packet.outer } } : h)));
    expect(structural(stray).join('; ')).toMatch(/in-tunnel=false/);
    expect(structural(withHops(hops.slice(1))).join('; ')).toMatch(/has index/);
    const badCt = withHops(hops.map((h) => (h.conntrack ? { ...h, conntrack: h.conntrack.replace(/^(\w+) +/, '$1 ') } : h)));
    expect(structural(badCt).join('; ')).toMatch(/does not parse|TCP state/);
  });
});

describe(`simulate() on ${CLUSTERS} generated clusters x ${REQUESTS_PER_CLUSTER} requests`, () => {
  it('generates valid, varied clusters (2-5 nodes, 2-30 pods, 1-6 Services with 0-4 endpoints)', () => {
    const gs = Array.from({ length: CLUSTERS }, (_, i) => generateCluster(i + 1));
    for (const g of gs) {
      const c = g.cluster;
      expect(c.nodes.length).toBeGreaterThanOrEqual(2);
      expect(c.nodes.length).toBeLessThanOrEqual(5);
      expect(c.pods.length).toBeGreaterThanOrEqual(2);
      expect(c.pods.length).toBeLessThanOrEqual(30);
      expect(g.services.length).toBeGreaterThanOrEqual(1);
      expect(g.services.length).toBeLessThanOrEqual(6);
      expect(new Set(c.pods.map((p) => p.ip)).size).toBe(c.pods.length);
      expect(new Set(c.nodes.map((n) => n.podCIDR)).size).toBe(c.nodes.length);
      expect(new Set(c.services.map((s) => s.clusterIP)).size).toBe(c.services.length);
    }
    expect(generateCluster(7)).toEqual(generateCluster(7));
    const eps = new Set(gs.flatMap((g) => g.services.map((s) => s.endpointPods.length)));
    expect([...eps].sort()).toEqual([0, 1, 2, 3, 4]);
    const ports = gs.flatMap((g) => g.services.flatMap((s) => s.service.ports));
    expect(ports.some((p) => p.name === null)).toBe(true);
    expect(ports.some((p) => p.protocol === 'UDP')).toBe(true);
    expect(ports.some((p) => p.protocol === 'TCP')).toBe(true);
  });

  it('covers every kind of case', () => {
    expect(ran.length).toBe(CLUSTERS * REQUESTS_PER_CLUSTER);
    expect(plain.filter((c) => c.target.kind === 'service').length).toBeGreaterThan(50);
    expect(podTargets.length).toBeGreaterThan(50);
    expect(serviceWithout.length).toBeGreaterThan(10);
    expect(plain.some((c) => c.proto === 'UDP' && c.target.kind === 'service')).toBe(true);
    // Ran well under a second per hundred traces.
    expect(simulateMs / ran.length).toBeLessThan(20);
  });

  it('every trace: consecutive indices, TTLs only fall, outer header only between encap and decap, conntrack lines parse', () => {
    const bad = ran.map((c) => ({ c: label(c), v: structural(c) })).filter((x) => x.v.length > 0);
    expect(bad).toEqual([]);
  });

  it('pod -> ClusterIP with endpoints: delivered, one DNAT, one mirror un-DNAT on the client node, server sees the client IP', () => {
    const bad = plain.filter((c) => c.target.kind === 'service').map((c) => ({ c: label(c), v: delivered(c) })).filter((x) => x.v.length > 0);
    expect(bad).toEqual([]);
  });

  it('pod -> pod IP: delivered with no NAT at all, TTL 64 on one node and 62 across nodes', () => {
    const bad = podTargets.map((c) => ({ c: label(c), v: delivered(c) })).filter((x) => x.v.length > 0);
    expect(bad).toEqual([]);
  });

  it('a Service with no endpoints is always REJECTed in filter KUBE-SERVICES (reference 2.4)', () => {
    const bad: { c: string; v: string[] }[] = [];
    for (const c of serviceWithout) {
      if (c.target.kind !== 'service') continue;
      const { service } = c.target.svc;
      const port = service.ports[c.target.portIndex]!;
      const proto = port.protocol.toLowerCase();
      const spn = servicePortName(service.namespace, service.name, port.name);
      const want = `filter KUBE-SERVICES: -A KUBE-SERVICES -m comment --comment "${spn} has no endpoints" -m ${proto} -p ${proto} -d ${service.clusterIP} --dport ${port.port} -j REJECT`;
      const t = c.trace;
      const v: string[] = [];
      if (t.verdict !== 'rejected' || t.outcome !== 'rejected') v.push(`verdict ${t.verdict}/${t.outcome}`);
      const rejects = t.hops.filter((h) => h.step === 'reject');
      if (rejects.length !== 1 || rejects[0]!.hook !== 'FORWARD' || rejects[0]!.rules.at(-1) !== want) v.push(`reject hops: ${JSON.stringify(rejects.map((h) => [h.hook, h.rules.at(-1)]))}`);
      if (rewrites(t, 'DNAT').length > 0 || t.endpoint !== null) v.push('DNAT for a Service without endpoints');
      const icmp = t.hops.at(-1)!;
      if (icmp.step !== 'icmp-error' || icmp.packet.dst !== c.client.ip) v.push(`last hop ${icmp.step} to ${icmp.packet.dst}`);
      if (v.length > 0) bad.push({ c: label(c), v });
    }
    expect(bad).toEqual([]);
  });
});

/** Hairpin cases built on purpose: each Service's first endpoint pod calls its own Service, pinned to itself. */
function hairpinCases(): Ran[] {
  const out: Ran[] = [];
  for (let seed = 1; seed <= CLUSTERS; seed++) {
    const g = generateCluster(seed);
    for (const svc of g.services) {
      const self = svc.endpointPods[0];
      if (!self) continue;
      const port = svc.service.ports[0]!;
      out.push(run({ g, client: self, target: { kind: 'service', svc, portIndex: 0 }, to: `${svc.service.clusterIP}:${port.port}`, proto: port.protocol, traceSeed: seed, pinned: self.ip! }));
    }
  }
  return out;
}

describe('hairpin: a pod reaching itself through its Service (reference 3.1, 3.3, 9.5)', () => {
  const cases = [...hairpinCases(), ...serviceWithEndpoints.filter(isHairpin)];

  it('request side: marked in KUBE-SEP, MASQUERADEd to its node\'s cni0 address, the pod sees cni0 as the client', () => {
    expect(cases.length).toBeGreaterThan(20);
    const bad: { c: string; v: string[] }[] = [];
    for (const c of cases) {
      const v = structural(c);
      const t = c.trace;
      const cni0 = bridgeIP(nodeOf(c, c.client.nodeName)!);
      const masq = rewrites(t, 'MASQUERADE');
      if (masq.length !== 1 || ipOf(masq[0]!.rewrite!.to) !== cni0 || masq[0]!.rewrite!.chain !== 'KUBE-POSTROUTING') v.push(`MASQUERADE: ${JSON.stringify(masq.map((h) => h.rewrite))}`);
      const seen = t.hops.filter((h) => h.direction === 'request').at(-1)!;
      if (seen.step !== 'deliver' || ipOf(seen.packet.src) !== cni0) v.push(`server sees ${seen.packet.src}`);
      if (t.hops.filter((h) => h.step === 'hairpin' && h.direction === 'request').length !== 1) v.push('no request hairpin hop');
      const unsnat = rewrites(t, 'un-SNAT');
      if (unsnat.length !== 1 || unsnat[0]!.hook !== 'PREROUTING') v.push('no un-SNAT at PREROUTING');
      if (ran.includes(c as Ran) && !endpointKeys(c).includes(t.endpoint ?? '')) v.push(`endpoint ${t.endpoint}`);
      if (v.length > 0) bad.push({ c: label(c), v });
    }
    expect(bad).toEqual([]);
  });

  // Reference 3.3: an entry with IPS_SRC_NAT and IPS_DST_NAT has both manips applied to the reply
  // (nf_nat_packet). (Was a simulator bug, fixed in 8239df0: the un-DNAT was skipped after the un-SNAT.)
  it('reply side: un-SNAT and un-DNAT both happen, and the connection is delivered', () => {
    const bad: { c: string; v: string[] }[] = [];
    for (const c of cases) {
      const t = c.trace;
      const v: string[] = [];
      const [d, u] = [rewrites(t, 'DNAT'), rewrites(t, 'un-DNAT')];
      if (d.length !== 1 || u.length !== 1) v.push(`${d.length} DNAT / ${u.length} un-DNAT`);
      else if (u[0]!.rewrite!.from !== d[0]!.rewrite!.to || u[0]!.rewrite!.to !== d[0]!.rewrite!.from) v.push('un-DNAT does not mirror the DNAT');
      if (t.verdict !== 'delivered') v.push(`verdict ${t.verdict}/${t.outcome}`);
      const back = t.hops.at(-1)!;
      if (back.packet.src !== c.to) v.push(`client receives the reply from ${back.packet.src}`);
      if (v.length > 0) bad.push({ c: label(c), v });
    }
    expect(bad).toEqual([]);
  });
});

/** Upper 0.1% points of the chi-square distribution, by degrees of freedom. */
const CHI2_999 = [0, 10.83, 13.82, 16.27, 18.47, 20.52];

function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
}

describe("kube-proxy's random endpoint choice over many seeds (reference 2.7: uniform per new connection)", () => {
  it('each of N endpoints is chosen about 1/N of the time (chi-square, p > 0.001)', () => {
    const tried: string[] = [];
    // The built-in myapp (2 endpoints) plus generated Services with 2, 3 and 4 endpoints.
    const targets: { g: GeneratedCluster | null; client: PodModel; svc: GeneratedService | null; to: string; proto: Protocol; keys: string[] }[] = [];
    const pa = BUILTIN_CLUSTER.pods.find((p) => p.name === 'pod-a')!;
    targets.push({ g: null, client: pa, svc: null, to: '10.96.1.20:80', proto: 'TCP', keys: ['10.244.1.5:8080', '10.244.2.6:8080'] });
    for (let seed = 1, found = new Set<number>(); seed <= 400 && found.size < 3; seed++) {
      const g = generateCluster(seed);
      for (const svc of g.services) {
        const n = svc.endpointPods.length;
        if (n < 2 || found.has(n)) continue;
        const client = g.cluster.pods.find((p) => !svc.endpointPods.includes(p));
        if (!client) continue;
        found.add(n);
        const port = svc.service.ports[0]!;
        targets.push({ g, client, svc, to: `${svc.service.clusterIP}:${port.port}`, proto: port.protocol, keys: svc.endpointPods.map((p) => `${p.ip}:${port.targetPort}`) });
      }
    }
    expect(targets.map((t) => t.keys.length).sort()).toEqual([2, 2, 3, 4]);
    for (const t of targets) {
      const counts = new Map(t.keys.map((k) => [k, 0]));
      // Wiring check (seed -> draw -> endpoint); the fine-grained uniformity test is at traverse() level
      // (test/core/kernel/netfilter.test.ts, 30 000 draws). simulate() costs ~2-3 ms, so keep this modest.
      const draws = 60 * t.keys.length;
      for (let s = 1; s <= draws; s++) {
        const cluster = t.g?.cluster ?? BUILTIN_CLUSTER;
        const r = simulate(cluster, { from: `${t.client.namespace}/${t.client.name}`, to: t.to, proto: t.proto }, { seed: s });
        if (!r.ok) throw new Error(r.error.message);
        const ep = r.trace.endpoint ?? 'none';
        expect(t.keys, `seed ${s}: endpoint ${ep}`).toContain(ep);
        counts.set(ep, counts.get(ep)! + 1);
      }
      const observed = t.keys.map((k) => counts.get(k)!);
      const x2 = chiSquare(observed);
      tried.push(`${t.to} n=${t.keys.length} counts=${observed.join('/')} chi2=${x2.toFixed(2)}`);
      expect(x2, tried.at(-1)).toBeLessThan(CHI2_999[t.keys.length - 1]!);
    }
  });
});
