// Golden traces in kube-proxy IPVS mode (test/fixtures/traces/<scenario>.ipvs.txt), plus the facts
// each must show. Checked hop by hop against the reference (section 4) and the kernel and kube-proxy
// sources named in src/core/kernel/ipvs.ts before they were frozen:
//   cross-node-clusterip  nat PREROUTING only ACCEPTs (KUBE-CLUSTER-IP); the ClusterIP is local
//                         (kube-ipvs0); filter INPUT, then IPVS at LOCAL_IN DNATs; ip_vs_nat_xmit routes,
//                         TTL 63, LOCAL_OUT + POSTROUTING (no FORWARD on node-1); reply un-DNATed by IPVS
//                         at FORWARD on node-1.
//   same-node-clusterip   as above, out of cni0 from the host (routed: TTL 63, cni0's MAC as source);
//                         the bridged reply is un-DNATed at the bridge's FORWARD hook.
//   hairpin               KUBE-POSTROUTING's KUBE-LOOP-BACK MASQUERADE (port kept); no request hairpin.
//   no-endpoints          the virtual service has no real server: ICMP port unreachable from 10.96.1.30.
//   nodeport-external     KUBE-NODE-PORT marks (KUBE-NODE-PORT-TCP), IPVS takes 192.168.1.11:30080 at LOCAL_IN,
//                         MASQUERADE to flannel.1's 10.244.1.0; the reply un-SNATed, then un-DNATed by IPVS
//                         at FORWARD on node-1 (proxier.go syncProxyRules: one virtual service per node IP).
//   nodeport-local        KUBE-NODE-PORT-LOCAL-TCP RETURNs before the mark: no masquerade, the pod sees
//                         192.168.1.50; node-2's virtual service has only its local real server
//                         (proxier_test.go TestOnlyLocalNodePorts).
//   nodeport-local-no-endpoint  node-1 has no local endpoint, so syncEndpoint falls back to the cluster's
//                         endpoints (kubernetes#97081: "Traffic from an external source will be routed but
//                         the reply will have the POD address and will be discarded"): no DROP rule in IPVS
//                         mode, and kube-proxy does not mark it; on Flannel, FLANNEL-POSTRTG's
//                         "! -s 10.244.0.0/16 -d 10.244.0.0/16" MASQUERADE still SNATs it to 10.244.1.0, so
//                         the reply comes back through node-1 and the connection works, without the client IP.
//   session-affinity      persistent 10800: ip_vs_sched_persist's template keeps the second connection on the
//                         first connection's real server (ip_vs_core.c).
//   internal-local(-no-endpoint)  the ClusterIP's virtual service holds only local endpoints; without any,
//                         it is empty and IPVS answers ICMP port unreachable (no DROP rule in IPVS mode).
// UPDATE_GOLDEN=1 npx vitest run test/core/trace rewrites them; review every change before committing.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { withProxyMode } from '../../../src/core/cluster/proxy-mode.js';
import { ALL_SCENARIOS, scenarioCluster } from '../../../src/core/scenarios.js';
import type { AnyScenarioName } from '../../../src/core/request.js';
import { simulate } from '../../../src/core/trace.js';
import type { Trace } from '../../../src/core/trace-model.js';
import { formatTrace } from './golden-format.js';

const GOLDEN_DIR = fileURLToPath(new URL('../../fixtures/traces/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const IPVS = withProxyMode(BUILTIN_CLUSTER, 'ipvs');
const NAMES: readonly AnyScenarioName[] = [
  'cross-node-clusterip', 'same-node-clusterip', 'hairpin', 'no-endpoints', 'dns-lookup',
  'nodeport-external', 'nodeport-local', 'nodeport-local-no-endpoint', 'session-affinity', 'headless', 'internal-local', 'internal-local-no-endpoint',
];

function trace(name: AnyScenarioName, options = {}): Trace {
  const s = ALL_SCENARIOS[name];
  const r = simulate(scenarioCluster(s, IPVS), s.request, { ...s.options, ...options });
  if (!r.ok) throw new Error(r.error.message);
  return r.trace;
}

describe('golden traces, IPVS mode (test/fixtures/traces/*.ipvs.txt)', () => {
  for (const name of NAMES) {
    it(name, () => {
      const actual = formatTrace(`${name} (ipvs)`, trace(name));
      const file = `${GOLDEN_DIR}${name}.ipvs.txt`;
      if (UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, actual);
      }
      expect(existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(actual).toBe(readFileSync(file, 'utf8'));
    });
  }
});

describe('what each IPVS golden must show', () => {
  it('cross-node: IPVS DNAT at INPUT after filter INPUT, no FORWARD on node-1, IPVS un-DNAT at FORWARD', () => {
    const t = trace('cross-node-clusterip');
    const n1 = t.hops.filter((h) => h.direction === 'request' && h.node === 'node-1').map((h) => `${h.step}/${h.hook ?? '-'}/${h.component}`);
    expect(n1).toEqual([
      'send/-/app', 'veth/-/veth', 'bridge-in/-/bridge', 'conntrack-new/PREROUTING/conntrack', 'no-dnat/PREROUTING/netfilter',
      'route/-/routing', 'filter-input/INPUT/netfilter', 'dnat/INPUT/ipvs', 'route/OUTPUT/ipvs', 'postrouting/POSTROUTING/netfilter', 'encap/-/vxlan', 'wire/-/wire',
    ]);
    const prerouting = t.hops.find((h) => h.step === 'no-dnat')!;
    expect(prerouting.rules.at(-1)).toBe('nat KUBE-SERVICES: -A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT');
    const dnat = t.hops.find((h) => h.rewrite?.kind === 'DNAT')!;
    expect(dnat.rewrite).toEqual({ kind: 'DNAT', from: '10.96.1.20:80', to: '10.244.2.6:8080', table: 'ipvs', chain: 'TCP 10.96.1.20:80 rr', rule: '-a -t 10.96.1.20:80 -r 10.244.2.6:8080 -m -w 1' });
    expect(dnat.conntrackPending).toContain('src=10.244.1.10 dst=10.96.1.20 sport=43512 dport=80 [UNREPLIED] src=10.244.2.6 dst=10.244.1.10 sport=8080 dport=43512');
    const un = t.hops.find((h) => h.rewrite?.kind === 'un-DNAT')!;
    expect([un.node, un.hook, un.component, un.rewrite!.from, un.rewrite!.to]).toEqual(['node-1', 'FORWARD', 'ipvs', '10.244.2.6:8080', '10.96.1.20:80']);
    expect(t.hops.filter((h) => h.direction === 'request').at(-1)!.packet.ttl).toBe(62);
  });

  it('same-node: the host sends the packet out of cni0 (TTL 63, cni0 MAC), no bridge hairpin', () => {
    const t = trace('same-node-clusterip');
    const seen = t.hops.filter((h) => h.direction === 'request').at(-1)!;
    const node1 = IPVS.nodes[0]!;
    expect([seen.packet.ttl, seen.packet.srcMac]).toEqual([63, node1.bridgeMac]);
    expect(t.hops.filter((h) => h.step === 'hairpin')).toEqual([]);
  });

  it('hairpin: KUBE-LOOP-BACK MASQUERADE to 10.244.1.1 keeping the port; delivered', () => {
    const t = trace('hairpin');
    const m = t.hops.find((h) => h.rewrite?.kind === 'MASQUERADE')!;
    expect(m.rewrite).toMatchObject({ from: '10.244.1.5:43512', to: '10.244.1.1:43512', chain: 'KUBE-POSTROUTING' });
    expect(t.verdict).toBe('delivered');
  });

  it('no endpoints: rejected by IPVS with ICMP port unreachable from the ClusterIP', () => {
    const t = trace('no-endpoints');
    expect(t.verdict).toBe('rejected');
    expect(t.hops.at(-1)).toMatchObject({ step: 'icmp-error', packet: { src: '10.96.1.30', dst: '10.244.1.10', proto: 'ICMP' } });
    expect(t.hops.some((h) => h.rules.some((r) => r.includes('REJECT')))).toBe(false);
  });
});

describe('the traffic scenarios in IPVS mode', () => {
  it('nodeport-external: marked by KUBE-NODE-PORT, IPVS at INPUT on the node address, masqueraded, un-DNATed by IPVS at FORWARD', () => {
    const t = trace('nodeport-external');
    expect(t.verdict).toBe('delivered');
    const pre = t.hops.find((h) => h.step === 'no-dnat')!;
    expect(pre.rules).toContain('nat KUBE-NODE-PORT: -A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ');
    const dnat = t.hops.find((h) => h.rewrite?.kind === 'DNAT')!;
    expect([dnat.node, dnat.hook, dnat.component, dnat.rewrite!.chain, dnat.rewrite!.to]).toEqual(['node-1', 'INPUT', 'ipvs', 'TCP 192.168.1.11:30080 rr', '10.244.2.7:8080']);
    const masq = t.hops.find((h) => h.rewrite?.kind === 'MASQUERADE')!;
    expect([masq.node, masq.rewrite!.to.split(':')[0]]).toEqual(['node-1', '10.244.1.0']);
    const seen = t.hops.filter((h) => h.direction === 'request').at(-1)!;
    expect(seen.packet.src.split(':')[0]).toBe('10.244.1.0');
    const un = t.hops.find((h) => h.rewrite?.kind === 'un-DNAT')!;
    expect([un.node, un.hook, un.component, un.rewrite!.to]).toEqual(['node-1', 'FORWARD', 'ipvs', '192.168.1.11:30080']);
    expect(t.hops.at(-1)!.packet.src).toBe('192.168.1.11:30080');
  });

  it('nodeport-local: KUBE-NODE-PORT-LOCAL-TCP RETURNs before the mark; the pod sees the client; only the local real server', () => {
    const t = trace('nodeport-local');
    expect(t.verdict).toBe('delivered');
    expect(t.hops.find((h) => h.step === 'no-dnat')!.rules).toContain('nat KUBE-NODE-PORT: -A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port with externalTrafficPolicy=local" -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN');
    expect(t.hops.some((h) => h.rewrite?.kind === 'MASQUERADE')).toBe(false);
    const seen = t.hops.filter((h) => h.direction === 'request').at(-1)!;
    expect([seen.node, seen.packet.src.split(':')[0], seen.packet.dst]).toEqual(['node-2', '192.168.1.50', '10.244.2.7:8080']);
    const un = t.hops.find((h) => h.rewrite?.kind === 'un-DNAT')!;
    expect([un.node, un.hook, un.rewrite!.to]).toEqual(['node-2', 'FORWARD', '192.168.1.12:30081']);
  });

  it('nodeport-local-no-endpoint: no DROP in IPVS mode; node-1 serves it from the cluster endpoint, and Flannel masquerades it', () => {
    const t = trace('nodeport-local-no-endpoint');
    expect(t.verdict).toBe('delivered');
    expect(t.hops.some((h) => h.rules.some((r) => r.includes('has no local endpoints')))).toBe(false);
    const dnat = t.hops.find((h) => h.rewrite?.kind === 'DNAT')!;
    expect([dnat.node, dnat.rewrite!.chain, dnat.rewrite!.to]).toEqual(['node-1', 'TCP 192.168.1.11:30081 rr', '10.244.2.7:8080']);
    expect(dnat.action).toContain('kubernetes#97081');
    expect(trace('nodeport-local').hops.find((h) => h.rewrite?.kind === 'DNAT')!.action).not.toContain('kubernetes#97081');
    // KUBE-NODE-PORT-LOCAL-TCP kept kube-proxy from marking it, but flanneld's "! -s pod-net -d pod-net" rule masquerades it.
    const masq = t.hops.find((h) => h.rewrite?.kind === 'MASQUERADE')!;
    expect([masq.node, masq.rewrite!.chain, masq.rules.at(-1)]).toEqual(['node-1', 'FLANNEL-POSTRTG', 'nat FLANNEL-POSTRTG: -A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully']);
    expect(masq.action).toContain('from outside the pod network to a pod on another node');
    const seen = t.hops.filter((h) => h.direction === 'request').at(-1)!;
    expect([seen.node, seen.packet.src.split(':')[0]]).toEqual(['node-2', '10.244.1.0']);
    const un = t.hops.find((h) => h.rewrite?.kind === 'un-DNAT')!;
    expect([un.node, un.hook, un.rewrite!.to]).toEqual(['node-1', 'FORWARD', '192.168.1.11:30081']);
  });

  it('session-affinity: the second connection reuses the first one\'s real server, whatever the seed (persistence template)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const t = trace('session-affinity', { seed });
      expect(t.earlier?.[0]?.endpoint, `seed ${seed}`).toBe(t.endpoint);
      const dnat = t.hops.find((h) => h.rewrite?.kind === 'DNAT')!;
      expect(dnat.rewrite!.chain).toBe('TCP 10.96.1.50:80 rr');
      expect(dnat.action).toContain('persistent 10800');
      expect(dnat.action).toContain('NONE');
    }
  });

  it('internal-local-no-endpoint: an empty virtual service answers ICMP port unreachable, and the reason says why it is empty', () => {
    const t = trace('internal-local-no-endpoint');
    expect(t.verdict).toBe('rejected');
    expect(t.reason).toContain('internalTrafficPolicy is Local');
    expect(t.hops.some((h) => h.rules.some((r) => r.includes('has no local endpoints')))).toBe(false);
  });

  it.each([['host-network-clusterip', /host-network client/], ['stale-udp-conntrack', /stale UDP flow/], ['networkpolicy-deny', /NetworkPolicy/]] as const)(
    '%s is not modelled in IPVS mode: refused with one line, never a wrong trace', (name, message) => {
      const s = ALL_SCENARIOS[name];
      const r = simulate(scenarioCluster(s, IPVS), s.request, s.options);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.field).toBe('proxy-mode');
        expect(r.error.message).toMatch(message);
        expect(r.error.message).not.toContain('\n');
      }
    },
  );
});

describe('IPVS edge cases', () => {
  const run = (to: string): Trace => {
    const r = simulate(IPVS, { from: 'pod-a', to });
    if (!r.ok) throw new Error(r.error.message);
    return r.trace;
  };

  it('a real server on the node itself (the apiserver behind kubernetes.default): delivered up the stack, TTL kept, un-DNAT at LOCAL_OUT', () => {
    const t = run('kubernetes.default');
    expect(t.verdict).toBe('delivered');
    const seen = t.hops.filter((h) => h.direction === 'request').at(-1)!;
    expect([seen.step, seen.component, seen.packet.dst, seen.packet.ttl]).toEqual(['deliver', 'socket', '192.168.1.11:6443', 64]);
    expect(t.hops.some((h) => h.rewrite?.kind === 'MASQUERADE')).toBe(false);
    const un = t.hops.find((h) => h.rewrite?.kind === 'un-DNAT')!;
    expect([un.hook, un.component, un.rewrite!.to]).toEqual(['OUTPUT', 'ipvs', '10.96.0.1:443']);
  });

  it('a ClusterIP on a port no Service has: KUBE-IPVS-FILTER REJECTs, and the ICMP error comes from the ClusterIP', () => {
    const t = run('10.96.1.20:81');
    expect(t.verdict).toBe('rejected');
    const reject = t.hops.find((h) => h.step === 'reject')!;
    expect(reject.rules.at(-1)).toBe('filter KUBE-IPVS-FILTER: -A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT');
    expect(t.hops.at(-1)!.packet.src).toBe('10.96.1.20');
  });
});
