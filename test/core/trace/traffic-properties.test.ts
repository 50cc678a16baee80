// Property tests for the traffic beyond pod -> Service: outside clients through NodePorts, host-network
// clients, session affinity, headless Services and the traffic policies, over many kube-proxy draws
// (seeds) on the built-in cluster. Each delivered connection must show exactly one DNAT and one
// matching un-DNAT (none for a pod IP), TTLs that only fall, and a server that sees the client's own
// address unless a MASQUERADE hop rewrote it (reference 3.1, 3.3).

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { splitHostPort } from '../../../src/core/net/ipv4.js';
import { simulate } from '../../../src/core/trace.js';
import type { Hop, Trace } from '../../../src/core/trace-model.js';
import { ttlViolations } from '../../support/trace-invariants.js';

const SEEDS = Array.from({ length: 25 }, (_, i) => i + 1);
const ip = (endpoint: string) => splitHostPort(endpoint).ip;

interface Case {
  readonly from: string;
  readonly to: string;
  readonly seed: number;
  readonly second?: boolean;
}

function run(c: Case): Trace {
  const r = simulate(BUILTIN_CLUSTER, { from: c.from, to: c.to }, { seed: c.seed, ...(c.second ? { secondConnection: true } : {}) });
  if (!r.ok) throw new Error(`${c.from} -> ${c.to}: ${r.error.message}`);
  return r.trace;
}

/** Invariants of one connection's hops (request then reply). Empty when it holds. */
function violations(hops: readonly Hop[], verdict: string, clientIP: string, target: string, service: boolean): string[] {
  const v: string[] = [];
  v.push(...ttlViolations(hops));
  if (verdict !== 'delivered') return v;
  const req = hops.filter((h) => h.direction === 'request');
  const rep = hops.filter((h) => h.direction === 'reply');
  const sent = req[0]!;
  const seen = req.at(-1)!;
  const back = rep.at(-1)!;
  if (seen.step !== 'deliver' || back.step !== 'deliver') v.push('a direction does not end in deliver');
  if (ip(sent.packet.src) !== clientIP) v.push(`client sends from ${sent.packet.src}, not ${clientIP}`);
  const dnat = hops.filter((h) => h.rewrite?.kind === 'DNAT');
  const undnat = hops.filter((h) => h.rewrite?.kind === 'un-DNAT');
  if (service) {
    if (dnat.length !== 1 || undnat.length !== 1) v.push(`${dnat.length} DNAT / ${undnat.length} un-DNAT, want 1/1`);
    const [d, u] = [dnat[0], undnat[0]];
    if (d && u) {
      if (d.rewrite!.from !== target) v.push(`DNAT from ${d.rewrite!.from}, connected to ${target}`);
      if (u.rewrite!.from !== d.rewrite!.to || u.rewrite!.to !== d.rewrite!.from) v.push(`DNAT ${d.rewrite!.from}->${d.rewrite!.to} vs un-DNAT ${u.rewrite!.from}->${u.rewrite!.to}`);
      if (u.node !== d.node) v.push(`un-DNAT on ${u.node}, DNAT on ${d.node}`);
      if (seen.packet.dst !== d.rewrite!.to) v.push(`server sees dst ${seen.packet.dst}, DNAT to ${d.rewrite!.to}`);
    }
  } else if (dnat.length + undnat.length > 0) {
    v.push('NAT on a connection to a pod IP');
  }
  // The server sees the client's own address unless a MASQUERADE hop says otherwise.
  const masq = req.filter((h) => h.rewrite?.kind === 'MASQUERADE');
  if (masq.length > 1) v.push(`${masq.length} MASQUERADE hops`);
  const expected = masq.length === 1 ? masq[0]!.rewrite!.to : sent.packet.src;
  if (seen.packet.src !== expected) v.push(`server sees ${seen.packet.src}, expected ${expected}`);
  // The client gets its answer from exactly what it connected to.
  if (back.packet.src !== target || back.packet.dst !== sent.packet.src) v.push(`client receives ${back.packet.src} -> ${back.packet.dst}, connected ${sent.packet.src} -> ${target}`);
  return v;
}

function check(c: Case, clientIP: string, service: boolean): Trace {
  const t = run(c);
  const target = t.target!;
  expect(violations(t.hops, t.verdict, clientIP, target, service), `${c.from} -> ${c.to} seed ${c.seed}`).toEqual([]);
  for (const e of t.earlier ?? []) expect(violations(e.hops, e.verdict, clientIP, target, service), `earlier ${c.from} -> ${c.to} seed ${c.seed}`).toEqual([]);
  return t;
}

describe('the traffic invariants are not vacuous', () => {
  it('flag a missing un-DNAT, a rising TTL and a server that sees a rewritten source without a MASQUERADE hop', () => {
    const t = run({ from: 'external', to: '192.168.1.11:30080', seed: 1 });
    expect(violations(t.hops, t.verdict, '192.168.1.50', t.target!, true)).toEqual([]);
    const noUndnat = t.hops.map((h) => (h.rewrite?.kind === 'un-DNAT' ? { ...h, rewrite: null } : h));
    expect(violations(noUndnat, t.verdict, '192.168.1.50', t.target!, true).join()).toMatch(/1 DNAT \/ 0 un-DNAT/);
    const rising = t.hops.map((h, i) => (i === 5 ? { ...h, packet: { ...h.packet, ttl: 99 } } : h));
    expect(violations(rising, t.verdict, '192.168.1.50', t.target!, true).join()).toMatch(/TTL rises/);
    const noMasq = t.hops.map((h) => (h.rewrite?.kind === 'MASQUERADE' ? { ...h, rewrite: null } : h));
    expect(violations(noMasq, t.verdict, '192.168.1.50', t.target!, true).join()).toMatch(/server sees 10\.244\.1\.0:\d+, expected 192\.168\.1\.50/);
  });
});

describe('outside clients through a NodePort (reference 3.1)', () => {
  it('externalTrafficPolicy Cluster: delivered from either node, masqueraded to the receiving node\'s address', () => {
    for (const node of BUILTIN_CLUSTER.nodes) {
      for (const seed of SEEDS) {
        const t = check({ from: 'external', to: `${node.internalIP}:30080`, seed }, '192.168.1.50', true);
        expect(t.verdict).toBe('delivered');
        const masq = t.hops.filter((h) => h.rewrite?.kind === 'MASQUERADE');
        expect(masq).toHaveLength(1);
        expect(masq[0]!.node).toBe(node.name);
        expect(t.hops.find((h) => h.step === 'dnat')!.rules.some((r) => r.startsWith('nat KUBE-NODEPORTS:'))).toBe(true);
      }
    }
  });

  it('externalTrafficPolicy Local: delivered with the client address on node-2, dropped in filter INPUT on node-1', () => {
    for (const seed of SEEDS) {
      const ok = check({ from: 'external', to: '192.168.1.12:30081', seed }, '192.168.1.50', true);
      expect(ok.verdict).toBe('delivered');
      expect(ok.hops.some((h) => h.rewrite?.kind === 'MASQUERADE')).toBe(false);
      const drop = run({ from: 'external', to: '192.168.1.11:30081', seed });
      expect(drop.verdict).toBe('dropped');
      const last = drop.hops.at(-1)!;
      expect([last.node, last.step, last.hook]).toEqual(['node-1', 'filter-input', 'INPUT']);
      expect(last.rules.at(-1)).toMatch(/KUBE-EXTERNAL-SERVICES .*"default\/web-local has no local endpoints" .*-j DROP$/);
      expect(drop.hops.some((h) => h.rewrite !== null)).toBe(false);
    }
  });
});

describe('host-network clients (nat OUTPUT, the ! -s <clusterCIDR> mark)', () => {
  const services = ['10.96.1.20:80', '10.96.1.40:80', '10.96.1.50:80'];
  it('reach every ClusterIP from both nodes, DNATed at OUTPUT and masqueraded because the source is not a pod address', () => {
    for (const node of BUILTIN_CLUSTER.nodes) {
      for (const to of services) {
        for (const seed of SEEDS.slice(0, 10)) {
          const t = check({ from: `node/${node.name}`, to, seed }, node.internalIP, true);
          expect(t.verdict).toBe('delivered');
          const d = t.hops.find((h) => h.rewrite?.kind === 'DNAT')!;
          expect([d.node, d.hook]).toEqual([node.name, 'OUTPUT']);
          expect(d.rules.some((r) => r.includes('! -s 10.244.0.0/16') && r.endsWith('-j KUBE-MARK-MASQ'))).toBe(true);
          expect(t.hops.filter((h) => h.rewrite?.kind === 'MASQUERADE')).toHaveLength(1);
          const u = t.hops.find((h) => h.rewrite?.kind === 'un-DNAT')!;
          expect(u.hook).toBe('INPUT');
        }
      }
    }
  });
  it('reach a pod IP directly from the flannel.1 or cni0 address, with no NAT', () => {
    const t = check({ from: 'node/node-1', to: '10.244.2.6:8080', seed: 3 }, '10.244.1.0', false);
    expect(t.verdict).toBe('delivered');
  });
});

describe('session affinity (reference 2.8)', () => {
  it('the second connection lands on the first one\'s endpoint, whatever the seed, through the --rcheck rule', () => {
    const endpoints = new Set<string>();
    for (const seed of [...SEEDS, ...SEEDS.map((s) => s + 1000)]) {
      const t = check({ from: 'pod-a', to: 'myapp-sticky.default.svc.cluster.local', seed, second: true }, '10.244.1.10', true);
      expect(t.earlier).toHaveLength(1);
      expect(t.endpoint).toBe(t.earlier![0]!.endpoint);
      endpoints.add(t.endpoint!);
      const d = t.hops.find((h) => h.step === 'dnat')!;
      expect(d.rules.some((r) => r.includes('--rcheck --seconds 10800 --reap'))).toBe(true);
      expect(t.earlier![0]!.hops.find((h) => h.step === 'dnat')!.rules.some((r) => r.includes('--rcheck'))).toBe(false);
      expect(t.hops[0]!.packet.src).not.toBe(t.earlier![0]!.hops[0]!.packet.src);
    }
    expect([...endpoints].sort()).toEqual(['10.244.1.5:8080', '10.244.2.6:8080']);
  });
});

describe('session affinity with its own timeout (sessionAffinityConfig.clientIP.timeoutSeconds)', () => {
  const cluster = { ...BUILTIN_CLUSTER, services: BUILTIN_CLUSTER.services.map((s) => (s.name === 'myapp-sticky' ? { ...s, affinityTimeoutSeconds: 600 } : s)) };

  it('the --rcheck rules and both DNAT sentences carry the Service\'s 600 s, not the 10800 s default', () => {
    const r = simulate(cluster, { from: 'pod-a', to: 'myapp-sticky.default.svc.cluster.local' }, { seed: 4, secondConnection: true });
    if (!r.ok) throw new Error(r.error.message);
    const second = r.trace.hops.find((h) => h.step === 'dnat')!;
    const first = r.trace.earlier![0]!.hops.find((h) => h.step === 'dnat')!;
    expect(second.rules.some((l) => l.includes('--rcheck --seconds 600 --reap'))).toBe(true);
    expect(second.action).toContain('--rcheck --seconds 600 --reap" finds 10.244.1.10 in that list (put there by this client\'s earlier connection, less than 600 s ago)');
    expect(first.action).toContain('so for 600 s (sessionAffinityConfig.clientIP.timeoutSeconds)');
    expect(JSON.stringify(r.trace)).not.toContain('10800');
  });
});

describe('session affinity timeout in a large cluster (kube-proxy writes no rule comments past 1,000 endpoints)', () => {
  // web (NodePort 30080) made sticky for 600 s, and a Service with 1,001 endpoints elsewhere.
  const services = BUILTIN_CLUSTER.services.map((s) => (s.name === 'web' ? { ...s, sessionAffinity: 'ClientIP' as const, affinityTimeoutSeconds: 600 } : s));
  const crowd = { namespace: 'default', name: 'crowd', type: 'ClusterIP' as const, clusterIP: '10.96.9.9', ports: [{ name: null, port: 80, protocol: 'TCP' as const, targetPort: 80, nodePort: null }], selector: null, sessionAffinity: 'None' as const, externalTrafficPolicy: 'Cluster' as const, internalTrafficPolicy: 'Cluster' as const };
  const endpoints = Array.from({ length: 1001 }, (_, i) => ({ ip: `10.250.${i >> 8}.${i & 255}`, nodeName: 'node-2', ready: true, serving: true, terminating: false, pod: null, hostname: null }));
  const cluster = {
    ...BUILTIN_CLUSTER,
    services: [...services, crowd],
    endpointSlices: [...BUILTIN_CLUSTER.endpointSlices, { namespace: 'default', name: 'crowd-1', serviceName: 'crowd', addressType: 'IPv4' as const, ports: [{ name: null, port: 80, protocol: 'TCP' as const }], endpoints }],
  };

  it("a NodePort's DNAT sentence still gives the Service's 600 s, found by the rule's chain", () => {
    const r = simulate(cluster, { from: 'external', to: '192.168.1.11:30080' }, { seed: 1 });
    if (!r.ok) throw new Error(r.error.message);
    const dnat = r.trace.hops.find((h) => h.step === 'dnat')!;
    expect(dnat.rewrite?.rule).toMatch(/-m recent --name KUBE-SEP-\S+ --set/);
    expect(dnat.rewrite?.rule).not.toContain('--comment');
    expect(dnat.action).toContain('so for 600 s (sessionAffinityConfig.clientIP.timeoutSeconds)');
  });
});

describe('headless Services and internalTrafficPolicy Local', () => {
  it('headless: no DNAT, the connection goes to a pod IP from the DNS answer', () => {
    for (const from of ['pod-a', 'pod-b']) {
      const t = run({ from, to: 'myapp-headless.default.svc.cluster.local', seed: 1 });
      const client = BUILTIN_CLUSTER.pods.find((p) => p.name === from)!;
      expect(violations(t.hops, t.verdict, client.ip!, t.target!, false)).toEqual([]);
      expect(['10.244.1.5:8080', '10.244.2.6:8080']).toContain(t.target);
      expect(t.hops.some((h) => h.rules.some((r) => r.includes('myapp-headless')))).toBe(false);
    }
  });
  it('web-internal: delivered through KUBE-SVL from node-2, dropped in filter FORWARD from node-1', () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const t = check({ from: 'pod-b', to: 'web-internal.default.svc.cluster.local', seed }, '10.244.2.6', true);
      expect(t.hops.find((h) => h.step === 'dnat')!.rules.some((r) => r.startsWith('nat KUBE-SVL-'))).toBe(true);
      const drop = run({ from: 'pod-a', to: 'web-internal.default.svc.cluster.local', seed });
      expect(drop.verdict).toBe('dropped');
      expect(drop.hops.at(-1)!.rules.at(-1)).toMatch(/filter KUBE-SERVICES: .*"default\/web-internal has no local endpoints" .*-j DROP$/);
    }
  });
});
