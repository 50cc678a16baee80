// Property tests for kube-proxy IPVS mode: simulate() over the same seeded random clusters as
// properties.test.ts (test/support/cluster-gen.ts), with kube-proxy switched to IPVS. Where IPVS acts
// (reference 4.3; net/netfilter/ipvs/ip_vs_core.c ip_vs_ops4, ip_vs_xmit.c, ip_vs_nfct.c):
//   - the DNAT is IPVS's, at LOCAL_IN (hook INPUT) on the client's node, never in nat PREROUTING;
//   - the reply is un-DNATed by IPVS at FORWARD on that same node, mirroring the DNAT;
//   - ip_vs_nat_xmit decrements the TTL itself, so a same-node request arrives with 63, not 64;
//   - a Service without endpoints is a virtual service without real servers: ICMP port unreachable
//     from the ClusterIP (ip_vs_leave), no REJECT rule anywhere;
//   - hairpin is KUBE-POSTROUTING's KUBE-LOOP-BACK MASQUERADE, with no bridge hairpin on the way in.

import { describe, expect, it } from 'vitest';
import type { PodModel, Protocol } from '../../../src/core/cluster/model.js';
import { withProxyMode } from '../../../src/core/cluster/proxy-mode.js';
import { bridgeIP } from '../../../src/core/kernel/routing.js';
import { seededRng } from '../../../src/core/random.js';
import { simulate } from '../../../src/core/trace.js';
import type { Hop, Trace } from '../../../src/core/trace-model.js';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { generateCluster, type GeneratedService } from '../../support/cluster-gen.js';
import { indexViolations, ttlViolations } from '../../support/trace-invariants.js';

const CLUSTERS = 40;
const REQUESTS_PER_CLUSTER = 6;
const CT_LINE =
  /^(tcp|udp) {6}(6|17) (\d+) (?:(SYN_SENT|SYN_RECV|ESTABLISHED) )?src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+) (\[UNREPLIED\] )?src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+) (\[ASSURED\] )?mark=\d+ use=\d+$/;

interface Ran {
  readonly seed: number;
  readonly nodes: readonly { name: string; internalIP: string }[];
  readonly pods: readonly PodModel[];
  readonly client: PodModel;
  readonly svc: GeneratedService | null;
  readonly to: string;
  readonly proto: Protocol;
  readonly trace: Trace;
}

const label = (c: Ran) => `[cluster ${c.seed}, ${c.client.name} (${c.client.ip}) -> ${c.to}/${c.proto}]`;
const ipOf = (hp: string) => hp.split(':')[0]!;
const rewrites = (t: Trace, kind: NonNullable<Hop['rewrite']>['kind']) => t.hops.filter((h) => h.rewrite?.kind === kind);

function cases(): Ran[] {
  const out: Ran[] = [];
  for (let seed = 1; seed <= CLUSTERS; seed++) {
    const g = generateCluster(seed);
    const cluster = withProxyMode(g.cluster, 'ipvs');
    const rng = seededRng(seed * 104729 + 3);
    for (let k = 0; k < REQUESTS_PER_CLUSTER; k++) {
      const client = cluster.pods[rng.int(cluster.pods.length)]!;
      let svc: GeneratedService | null = null;
      let to: string;
      let proto: Protocol;
      let pinned: string | undefined;
      if (rng.next() < 0.7) {
        svc = g.services[rng.int(g.services.length)]!;
        const port = svc.service.ports[0]!;
        to = `${svc.service.clusterIP}:${port.port}`;
        proto = port.protocol;
        // Now and then the client is the Service's own endpoint, pinned to itself: hairpin.
        if (svc.endpointPods.length > 0 && rng.next() < 0.25) {
          const self = svc.endpointPods[0]!;
          const r = simulate(cluster, { from: `${self.namespace}/${self.name}`, to, proto }, { endpoint: self.ip! });
          if (!r.ok) throw new Error(r.error.message);
          out.push({ seed, nodes: cluster.nodes, pods: cluster.pods, client: self, svc, to, proto, trace: r.trace });
          continue;
        }
      } else {
        const pod = cluster.pods.filter((p) => p !== client)[0]!;
        const cp = pod.containerPorts[0] ?? { port: 8080, protocol: 'TCP' as const };
        to = `${pod.ip}:${cp.port}`;
        proto = cp.protocol;
      }
      const r = simulate(cluster, { from: `${client.namespace}/${client.name}`, to, proto }, pinned ? { endpoint: pinned } : { seed: seed * 1000 + k });
      if (!r.ok) throw new Error(r.error.message);
      out.push({ seed, nodes: cluster.nodes, pods: cluster.pods, client, svc, to, proto, trace: r.trace });
    }
  }
  return out;
}

const ran = cases();
const withEndpoints = ran.filter((c) => c.svc !== null && c.svc.endpointPods.length > 0);
const hairpins = withEndpoints.filter((c) => c.trace.endpoint !== null && ipOf(c.trace.endpoint) === c.client.ip);
const plainService = withEndpoints.filter((c) => !hairpins.includes(c));
const noEndpoints = ran.filter((c) => c.svc !== null && c.svc.endpointPods.length === 0);

function structural(c: Ran): string[] {
  const v: string[] = [];
  const hops = c.trace.hops;
  v.push(...indexViolations(hops));
  v.push(...ttlViolations(hops));
  for (const h of hops) if (h.conntrack !== null && !CT_LINE.test(h.conntrack)) v.push(`hop ${h.index}: conntrack line does not parse`);
  // IPVS mode never DNATs in the nat table, and writes no per-Service iptables chain.
  for (const h of hops) if (h.rules.some((r) => /KUBE-(SVC|SEP)-/.test(r))) v.push(`hop ${h.index} fired a KUBE-SVC/SEP rule`);
  return v;
}

describe(`IPVS mode: simulate() on ${CLUSTERS} generated clusters`, () => {
  it('covers the cases', () => {
    expect(plainService.length).toBeGreaterThan(40);
    expect(hairpins.length).toBeGreaterThan(5);
    expect(noEndpoints.length).toBeGreaterThan(5);
  });

  it('every trace: consecutive indices, TTLs only fall, conntrack lines parse, no KUBE-SVC/SEP rule', () => {
    expect(ran.map((c) => ({ c: label(c), v: structural(c) })).filter((x) => x.v.length > 0)).toEqual([]);
  });

  it('pod -> ClusterIP: delivered, one IPVS DNAT at INPUT and its mirror un-DNAT at FORWARD on the client node, the server sees the client IP', () => {
    const bad: { c: string; v: string[] }[] = [];
    for (const c of plainService) {
      const t = c.trace;
      const v = structural(c);
      if (t.verdict !== 'delivered') v.push(`verdict ${t.verdict}: ${t.reason}`);
      const [d, u] = [rewrites(t, 'DNAT'), rewrites(t, 'un-DNAT')];
      if (d.length !== 1 || u.length !== 1) v.push(`${d.length} DNAT / ${u.length} un-DNAT`);
      else {
        const [dn, un] = [d[0]!, u[0]!];
        if (dn.component !== 'ipvs' || dn.hook !== 'INPUT' || dn.node !== c.client.nodeName || dn.rewrite!.table !== 'ipvs') v.push(`DNAT by ${dn.component} at ${dn.hook} on ${dn.node}`);
        if (un.component !== 'ipvs' || un.hook !== 'FORWARD' || un.node !== dn.node || un.direction !== 'reply') v.push(`un-DNAT by ${un.component} at ${un.hook} on ${un.node}`);
        if (dn.rewrite!.from !== c.to || un.rewrite!.from !== dn.rewrite!.to || un.rewrite!.to !== dn.rewrite!.from) v.push('un-DNAT does not mirror the DNAT');
        // The conntrack entry on the DNAT node: original to the ClusterIP, reply from the real server (vs/conntrack=1).
        const ct = t.hops.filter((h) => h.node === dn.node && h.conntrack).at(-1)?.conntrack ?? '';
        const m = CT_LINE.exec(ct);
        if (!m || `${m[6]}:${m[8]}` !== c.to || `${m[10]}:${m[12]}` !== dn.rewrite!.to) v.push(`conntrack on the DNAT node: ${ct}`);
      }
      // Nothing masquerades, so the server sees the client's own address.
      const req = t.hops.filter((h) => h.direction === 'request');
      if (rewrites(t, 'MASQUERADE').length === 0 && req.at(-1)!.packet.src !== req[0]!.packet.src) v.push('server does not see the client IP');
      if (rewrites(t, 'MASQUERADE').length > 0) v.push('unexpected MASQUERADE');
      // No FORWARD on the request's first node: IPVS transmits through LOCAL_OUT.
      if (req.some((h) => h.node === c.client.nodeName && h.hook === 'FORWARD')) v.push('the request traverses FORWARD on the client node');
      // TTL at the server: 63 on the same node (IPVS decrements it), 62 across nodes.
      const server = c.pods.find((p) => p.ip === ipOf(t.endpoint ?? ''));
      const want = server?.nodeName === c.client.nodeName ? 63 : 62;
      if (req.at(-1)!.packet.ttl !== want) v.push(`request TTL at the server ${req.at(-1)!.packet.ttl}, want ${want}`);
      const back = t.hops.at(-1)!;
      if (back.packet.src !== c.to || back.step !== 'deliver') v.push(`client gets the reply from ${back.packet.src}`);
      if (v.length > 0) bad.push({ c: label(c), v });
    }
    expect(bad).toEqual([]);
  });

  it('hairpin: KUBE-LOOP-BACK MASQUERADE to cni0, un-SNAT and IPVS un-DNAT on the way back, delivered', () => {
    const bad: { c: string; v: string[] }[] = [];
    for (const c of hairpins) {
      const t = c.trace;
      const v = structural(c);
      const node = c.nodes.find((n) => n.name === c.client.nodeName)!;
      const masq = rewrites(t, 'MASQUERADE');
      const cni0 = bridgeIP(node as Parameters<typeof bridgeIP>[0]);
      if (masq.length !== 1 || ipOf(masq[0]!.rewrite!.to) !== cni0 || !masq[0]!.rewrite!.rule!.includes('KUBE-LOOP-BACK dst,dst,src -j MASQUERADE')) v.push(`MASQUERADE ${JSON.stringify(masq.map((h) => h.rewrite))}`);
      if (masq[0] && masq[0].rewrite!.to.split(':')[1] !== masq[0].rewrite!.from.split(':')[1]) v.push('KUBE-LOOP-BACK has no --random-fully: the port must stay');
      if (t.hops.some((h) => h.direction === 'request' && h.step === 'hairpin')) v.push('a bridge hairpin on the request: IPVS sends it from the host');
      if (rewrites(t, 'un-SNAT').length !== 1 || rewrites(t, 'un-DNAT').length !== 1) v.push('missing un-SNAT or un-DNAT');
      if (t.verdict !== 'delivered' || t.hops.at(-1)!.packet.src !== c.to) v.push(`verdict ${t.verdict}`);
      if (v.length > 0) bad.push({ c: label(c), v });
    }
    expect(bad).toEqual([]);
  });

  it('no endpoints: IPVS answers with ICMP port unreachable from the ClusterIP; no REJECT rule, no DNAT', () => {
    const bad: { c: string; v: string[] }[] = [];
    for (const c of noEndpoints) {
      const t = c.trace;
      const v = structural(c);
      if (t.verdict !== 'rejected') v.push(`verdict ${t.verdict}`);
      const rejects = t.hops.filter((h) => h.step === 'reject');
      if (rejects.length !== 1 || rejects[0]!.component !== 'ipvs' || rejects[0]!.hook !== 'INPUT' || rejects[0]!.rules.length !== 0) v.push(`reject hops ${JSON.stringify(rejects.map((h) => [h.component, h.hook, h.rules]))}`);
      const icmp = t.hops.at(-1)!;
      if (icmp.step !== 'icmp-error' || icmp.packet.src !== ipOf(c.to) || icmp.packet.dst !== c.client.ip) v.push(`ICMP ${icmp.packet.src} -> ${icmp.packet.dst}`);
      if (rewrites(t, 'DNAT').length > 0) v.push('DNAT');
      if (v.length > 0) bad.push({ c: label(c), v });
    }
    expect(bad).toEqual([]);
  });

  it('rr with a seed spreads connections over every real server', () => {
    const cluster = withProxyMode(BUILTIN_CLUSTER, 'ipvs');
    const seen = new Map<string, number>();
    for (let s = 1; s <= 60; s++) {
      const r = simulate(cluster, { from: 'pod-a', to: '10.96.1.20:80' }, { seed: s });
      if (!r.ok) throw new Error(r.error.message);
      seen.set(r.trace.endpoint!, (seen.get(r.trace.endpoint!) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['10.244.1.5:8080', '10.244.2.6:8080']);
    for (const n of seen.values()) expect(n).toBeGreaterThan(15);
  });
});
