// Calico (reference networking.md 7.1-7.4): the built-in cluster with network.cni = calico-bgp,
// calico-ipip and calico-vxlan. Golden traces per mode for the cross-node and same-node Service
// calls and the pod-IP calls, checked hop by hop against 7.1 (no bridge; cali veth; proxy-ARP
// gateway 169.254.1.1 answered with ee:ee:ee:ee:ee:ee; /32 host routes), 7.2 (same-node pod -> pod
// is routed: one TTL decrement), 7.3 (cross-node routes by mode; IPIP 20 bytes, MTU 1480; VXLAN UDP
// 4789, VNI 4096, 50 bytes, MTU 1450) and 3.3 (the DNAT on the client's node, un-DNAT there at
// POSTROUTING). Felix's chain structure is from projectcalico/calico felix/rules/{static,nat,
// endpoints}.go; the veth name from libcalico-go VethNameForWorkload.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import type { CniKind } from '../../../src/core/cluster/model.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { caliVethName, lengthLimitedId } from '../../../src/core/cni/calico/names.js';
import { nodeLocalAddresses, nodeRoutes, podRoutes } from '../../../src/core/kernel/routing.js';
import { nodeTables } from '../../../src/core/proxy/node-tables.js';
import { saveTable } from '../../../src/core/proxy/save-format.js';
import { ALL_SCENARIOS, scenarioCluster, type Scenario } from '../../../src/core/scenarios.js';
import type { AnyScenarioName } from '../../../src/core/request.js';
import { simulate } from '../../../src/core/trace.js';
import type { Hop, Trace } from '../../../src/core/trace-model.js';
import { formatTrace } from './golden-format.js';

const DIR = fileURLToPath(new URL('../../fixtures/traces/', import.meta.url));
const MODES = ['calico-bgp', 'calico-ipip', 'calico-vxlan'] as const;
const GOLDEN_SCENARIOS: AnyScenarioName[] = ['cross-node-clusterip', 'same-node-clusterip', 'pod-ip', 'same-node-pod-ip'];

function run(cni: CniKind, name: AnyScenarioName): Trace {
  const s = ALL_SCENARIOS[name] as Scenario<AnyScenarioName>;
  const c = scenarioCluster(s, withCni(BUILTIN_CLUSTER, cni));
  const r = simulate(c, s.request, s.options);
  if (!r.ok) throw new Error(r.error.message);
  return r.trace;
}

const dir = (t: Trace, d: Hop['direction']) => t.hops.filter((h) => h.direction === d);
const steps = (hops: readonly Hop[], step: Hop['step']) => hops.filter((h) => h.step === step);

describe('golden traces per Calico mode (test/fixtures/traces/<scenario>.<mode>.txt)', () => {
  for (const cni of MODES) {
    for (const name of GOLDEN_SCENARIOS) {
      it(`${name} on ${cni}`, () => {
        const actual = formatTrace(`${name} (${cni})`, run(cni, name));
        const file = `${DIR}${name}.${cni}.txt`;
        if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
        expect(existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1`).toBe(true);
        expect(actual).toBe(readFileSync(file, 'utf8'));
      });
    }
  }
});

describe('Calico plumbing (reference 7.1)', () => {
  const c = withCni(BUILTIN_CLUSTER, 'calico-ipip');
  const node1 = c.nodes.find((n) => n.name === 'node-1')!;
  const podA = c.pods.find((p) => p.name === 'pod-a')!;

  it('names host veths cali + sha1("<ns>.<pod>")[:11] (libcalico-go VethNameForWorkload)', () => {
    // sha1("default.pod-a") = 5e1c4d6c68c9402db77e1629afb8d4205af0bfa0
    expect(caliVethName('default', 'pod-a')).toBe('cali5e1c4d6c68c');
    expect(caliVethName('default', 'pod-a')).toHaveLength(15);
  });

  it('shortens long chain names like felix hashutils.GetLengthLimitedID', () => {
    expect(lengthLimitedId('cali-pri-', 'kns.default')).toBe('cali-pri-kns.default');
    expect(lengthLimitedId('cali-pro-', 'ksa.default.default')).toBe('cali-pro-ksa.default.default');
    expect(lengthLimitedId('cali-pri-', 'ksa.kube-system.coredns')).toMatch(/^cali-pri-_[A-Za-z0-9_-]{18}$/);
  });

  it('gives the pod only the 169.254.1.1 routes', () => {
    expect(podRoutes(c, podA, node1).map((r) => r.text)).toEqual(['default via 169.254.1.1 dev eth0', '169.254.1.1 dev eth0 scope link']);
  });

  it('routes each local pod by a /32 on its cali veth, blackholes the own block, and has no cni0', () => {
    const texts = nodeRoutes(c, node1).map((r) => r.text);
    expect(texts).toContain('10.244.1.10 dev cali5e1c4d6c68c scope link');
    expect(texts).toContain('blackhole 10.244.1.0/26 proto bird');
    expect(texts).toContain('10.244.2.0/26 via 192.168.1.12 dev tunl0 proto bird onlink');
    expect(texts.some((t) => t.includes('cni0') || t.includes('flannel.1'))).toBe(false);
    expect(nodeLocalAddresses(c, node1)).toEqual(['192.168.1.11', '10.244.1.0']);
  });

  it('routes remote blocks by mode (reference 7.3)', () => {
    const n1 = (cni: CniKind) => nodeRoutes(withCni(BUILTIN_CLUSTER, cni), node1).map((r) => r.text);
    expect(n1('calico-bgp')).toContain('10.244.2.0/26 via 192.168.1.12 dev eth0 proto bird');
    expect(n1('calico-vxlan')).toContain('10.244.2.0/26 via 10.244.2.0 dev vxlan.calico proto 80 onlink');
    expect(n1('calico-vxlan')).toContain('blackhole 10.244.1.0/26 proto 80');
  });

  it('programs cali-nat-outgoing with its ipset match and the FORWARD dispatch (felix rules/nat.go, static.go)', () => {
    const nat = saveTable(nodeTables(c, node1).nat, null);
    expect(nat).toContain('-A cali-nat-outgoing -m comment --comment "cali:flqWnvo8yq4ULQLa" -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully');
    expect(nat).toContain('-A POSTROUTING -m comment --comment "cali:O3lYWMrLQYEMJtB5" -j cali-POSTROUTING');
    const filter = saveTable(nodeTables(c, node1).filter, null).split('\n');
    const fwd = filter.filter((l) => l.startsWith('-A FORWARD '));
    expect(fwd[0]).toBe('-A FORWARD -m comment --comment "cali:wUHhoiAYhphO9Mso" -j cali-FORWARD');
    expect(fwd.at(-2)).toContain('"Policy explicitly accepted packet." -m mark --mark 0x10000/0x10000 -j ACCEPT');
    expect(filter).toContain('-A cali-from-wl-dispatch -i cali5e1c4d6c68c -m comment --comment "cali:K5ZgoF-h9bX7N3ta" -g cali-fw-cali5e1c4d6c68c');
  });

  it('says what it assumed for the built-in cluster', () => {
    expect(c.assumptions.join(' ')).toMatch(/IP pool 10\.244\.0\.0\/16 .*blockSize 26/);
  });
});

describe('the packet under Calico', () => {
  for (const cni of MODES) {
    const t = run(cni, 'cross-node-clusterip');
    const req = dir(t, 'request');
    it(`${cni}: leaves the pod to ee:ee:ee:ee:ee:ee, no bridge hop, one DNAT on node-1 and its un-DNAT there`, () => {
      expect(t.verdict).toBe('delivered');
      expect(req[0]!.packet.dstMac).toBe('ee:ee:ee:ee:ee:ee');
      expect(t.hops.some((h) => h.component === 'bridge' || h.device === 'cni0')).toBe(false);
      const dnat = t.hops.filter((h) => h.rewrite?.kind === 'DNAT');
      const un = t.hops.filter((h) => h.rewrite?.kind === 'un-DNAT');
      expect(dnat.map((h) => [h.node, h.hook])).toEqual([['node-1', 'PREROUTING']]);
      expect(un.map((h) => [h.node, h.hook])).toEqual([['node-1', 'POSTROUTING']]);
      // Delivered out of pod-b's cali veth: source MAC ee:ee:..., TTL 62 after two routers.
      const seen = req.at(-1)!;
      expect([seen.step, seen.packet.srcMac, seen.packet.ttl]).toEqual(['deliver', 'ee:ee:ee:ee:ee:ee', 62]);
    });
  }

  it('IPIP: tunl0, protocol 4, 20 bytes, outer TTL inherited; no inner Ethernet header', () => {
    const t = run('calico-ipip', 'cross-node-clusterip');
    const encap = steps(dir(t, 'request'), 'encap')[0]!;
    expect(encap.device).toBe('tunl0');
    expect(encap.packet.outer).toMatchObject({ proto: 'IPIP', src: '192.168.1.11', dst: '192.168.1.12', sport: null, dport: null, vni: null, ttl: 63 });
    expect([encap.packet.srcMac, encap.packet.dstMac]).toEqual([null, null]);
    expect(encap.action).toMatch(/MTU 1480/);
  });

  it('VXLAN: vxlan.calico, UDP 4789, VNI 4096, MTU 1450', () => {
    const t = run('calico-vxlan', 'cross-node-clusterip');
    const encap = steps(dir(t, 'request'), 'encap')[0]!;
    expect(encap.device).toBe('vxlan.calico');
    expect(encap.packet.outer).toMatchObject({ proto: 'UDP', dport: 4789, vni: 4096, src: '192.168.1.11', dst: '192.168.1.12' });
    expect(encap.action).toMatch(/MTU 1450/);
  });

  it("VXLAN: raw cali-OUTPUT clears Felix's mark bits on the outer packet, so filter cali-OUTPUT's VXLAN rule accepts it both ways", () => {
    const t = run('calico-vxlan', 'cross-node-clusterip');
    const [request, reply] = [steps(dir(t, 'request'), 'encap')[0]!, steps(dir(t, 'reply'), 'encap')[0]!];
    for (const encap of [request, reply]) {
      expect(encap.rules.at(-1)).toMatch(/-A cali-OUTPUT .*"Allow IPv4 VXLAN packets to other allowed hosts".* -j ACCEPT$/);
      expect(encap.rules.some((r) => r.includes('--mark 0x10000/0x10000 -j ACCEPT'))).toBe(false);
    }
    // Only the request carried FORWARD's accept mark into the tunnel; the ESTABLISHED reply had none.
    expect(request.action).toContain("clears its mark bits (0xf0000: the outer packet inherited the inner one's mark 0x10000)");
    expect(reply.action).toContain('clears its mark bits (0xf0000) and');
  });

  it("a host process reaching a pod on another node sends from the tunnel device's address (no src on Calico's routes); with BGP from eth0's", () => {
    const expected: [CniKind, string][] = [['calico-ipip', '10.244.1.0'], ['calico-vxlan', '10.244.1.0'], ['calico-bgp', '192.168.1.11']];
    for (const [cni, src] of expected) {
      const r = simulate(withCni(BUILTIN_CLUSTER, cni), { from: 'node/node-1', to: '10.244.2.6:8080' }, { seed: 1 });
      if (!r.ok) throw new Error(r.error.message);
      expect([cni, r.trace.hops[0]!.packet.src, r.trace.verdict]).toEqual([cni, `${src}:${r.trace.hops[0]!.packet.src.split(':')[1]}`, 'delivered']);
      expect([cni, r.trace.hops.at(-1)!.packet.dst.split(':')[0]]).toEqual([cni, src]);
    }
  });

  it('BGP: the inner packet crosses eth0 itself, no outer header', () => {
    const t = run('calico-bgp', 'cross-node-clusterip');
    expect(t.hops.some((h) => h.packet.outer !== null)).toBe(false);
    expect(t.hops.some((h) => h.step === 'encap' || h.step === 'decap')).toBe(false);
  });

  it('same-node pod -> pod is routed by the host: the TTL falls once (Flannel bridges it at 64)', () => {
    for (const cni of MODES) {
      const t = run(cni, 'same-node-pod-ip');
      const seen = dir(t, 'request').at(-1)!;
      expect([t.verdict, seen.packet.ttl, seen.packet.srcMac]).toEqual(['delivered', 63, 'ee:ee:ee:ee:ee:ee']);
      expect(steps(t.hops, 'route').length).toBe(2);
    }
    const flannel = simulate(BUILTIN_CLUSTER, ALL_SCENARIOS['same-node-pod-ip'].request, {});
    expect(flannel.ok && dir(flannel.trace, 'request').at(-1)!.packet.ttl).toBe(64);
  });
});
