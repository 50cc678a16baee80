// The named failure scenarios ("what goes wrong"), each on its own variant of the built-in cluster:
//
//   no-br-netfilter   reference 5.3 (a) and 5.2 (kubernetes/kubernetes#122174): with
//                     bridge-nf-call-iptables=0 the same-node request still goes up to the host's IP
//                     stack (its destination MAC is cni0's, so it is routed: DNAT, TTL 63), but pod-c's
//                     reply to pod-a is on-link, bridged pod to pod with no hook, never un-DNATed;
//                     pod-a sees 10.244.1.5:8080 instead of 10.96.1.20:80 and resets.
//   wrong-targetport  Kubernetes API: a Service port's targetPort defaults to its port; the
//                     EndpointSlice publishes that port; a SYN to a port nobody listens on gets a RST
//                     (tcp_v4_send_reset), which curl reports as "Connection refused".
//   networkpolicy-deny  Kubernetes docs' default-deny-ingress in namespace default, enforced by Calico
//                     (felix rules/endpoints.go): on the destination's node, filter FORWARD ->
//                     cali-FORWARD -> cali-to-wl-dispatch -> cali-tw-<iface> -> the policy chain,
//                     which sets no accept mark -> "Drop if no policies passed packet" DROP. No RST or
//                     ICMP comes back: the client retransmits its SYN and times out.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { ALL_SCENARIOS, scenarioCluster } from '../../../src/core/scenarios.js';
import { simulate } from '../../../src/core/trace.js';
import type { Trace } from '../../../src/core/trace-model.js';

function run(name: keyof typeof ALL_SCENARIOS): Trace {
  const s = ALL_SCENARIOS[name];
  const r = simulate(scenarioCluster(s, BUILTIN_CLUSTER), s.request, s.options);
  if (!r.ok) throw new Error(r.error.message);
  return r.trace;
}

describe('scenario variants', () => {
  it('only the failure scenarios change the cluster, and the base stays as it was', () => {
    const changed = Object.values(ALL_SCENARIOS).filter((s) => scenarioCluster(s, BUILTIN_CLUSTER) !== BUILTIN_CLUSTER).map((s) => s.name);
    expect(changed.sort()).toEqual(['networkpolicy-deny', 'no-br-netfilter', 'stale-udp-conntrack', 'vxlan-mtu', 'wrong-targetport']);
    expect(BUILTIN_CLUSTER.network.brNetfilter).toBe(true);
    expect(BUILTIN_CLUSTER.services.find((s) => s.name === 'myapp')!.ports[0]!.targetPort).toBe(8080);
    // Built once per base, so the core's per-cluster caches keep working.
    const s = ALL_SCENARIOS['no-br-netfilter'];
    expect(scenarioCluster(s, BUILTIN_CLUSTER)).toBe(scenarioCluster(s, BUILTIN_CLUSTER));
  });

  it('every scenario has a title and a one-paragraph summary', () => {
    for (const s of Object.values(ALL_SCENARIOS)) {
      expect(s.title.length).toBeGreaterThan(10);
      expect(s.summary).not.toContain('\n');
    }
  });
});

describe('no-br-netfilter (reference 5.3 a, 5.2)', () => {
  const t = run('no-br-netfilter');
  const rep = t.hops.filter((h) => h.direction === 'reply');

  it('fails with a reset, and the reason says why and cites #122174', () => {
    expect([t.verdict, t.outcome, t.endpoint]).toEqual(['rejected', 'reset', '10.244.1.5:8080']);
    expect(t.reason).toContain('comes from 10.244.1.5:8080');
    expect(t.reason).toContain('bridge-nf-call-iptables=0');
    expect(t.reason).toContain('kubernetes/kubernetes#122174');
    expect(t.assumptions.some((a) => a.includes('bridge-nf-call-iptables is 0'))).toBe(true);
  });

  it('the request is still DNATed, in the host stack after cni0 (routed: TTL 63, source MAC cni0)', () => {
    const dnat = t.hops.filter((h) => h.rewrite?.kind === 'DNAT');
    expect(dnat.map((h) => [h.node, h.hook, h.rewrite!.to])).toEqual([['node-1', 'PREROUTING', '10.244.1.5:8080']]);
    const seen = t.hops.filter((h) => h.direction === 'request').at(-1)!;
    expect([seen.netns, seen.packet.ttl, seen.packet.srcMac]).toEqual(['pod-c', 63, BUILTIN_CLUSTER.nodes[0]!.bridgeMac]);
  });

  it('the reply is bridged pod to pod with no netfilter hook and no un-DNAT', () => {
    expect(rep.map((h) => h.step)).toEqual(['send', 'veth', 'bridge-in', 'bridge-forward', 'deliver']);
    expect(rep.some((h) => h.hook !== null && h.hook !== undefined)).toBe(false);
    const last = rep.at(-1)!;
    expect([last.netns, last.packet.src, last.packet.ttl]).toEqual(['pod-a', '10.244.1.5:8080', 64]);
  });

  it('with br_netfilter on (same-node-clusterip) the same reply is un-DNATed and delivered', () => {
    const ok = run('same-node-clusterip');
    expect(ok.verdict).toBe('delivered');
    expect(ok.hops.filter((h) => h.rewrite?.kind === 'un-DNAT')).toHaveLength(1);
  });
});

describe('wrong-targetport', () => {
  const t = run('wrong-targetport');

  it('DNATs to the Service port 80 on pod-b, which listens on 8080: reset, "Connection refused"', () => {
    expect([t.verdict, t.outcome, t.target, t.endpoint]).toEqual(['rejected', 'reset', '10.96.1.20:80', '10.244.2.6:80']);
    expect(t.reason).toContain('Nothing in pod-b listens on 80/TCP');
    expect(t.reason).toContain('Connection refused');
  });

  it('the SYN reaches pod-b (the network is fine) and no reply is sent', () => {
    const last = t.hops.at(-1)!;
    expect([last.direction, last.netns, last.step, last.packet.dst]).toEqual(['request', 'pod-b', 'deliver', '10.244.2.6:80']);
    expect(t.hops.some((h) => h.direction === 'reply')).toBe(false);
    const dnat = t.hops.find((h) => h.rewrite?.kind === 'DNAT')!;
    expect(dnat.rewrite!.rule).toContain('--to-destination 10.244.2.6:80');
  });
});

describe('networkpolicy-deny (Calico: felix rules/static.go, endpoints.go, dispatch.go)', () => {
  const t = run('networkpolicy-deny');

  it('is dropped on node-2 in filter FORWARD by pod-b\'s cali-tw chain, after crossing the IPIP tunnel', () => {
    expect([t.verdict, t.outcome, t.endpoint]).toEqual(['dropped', 'dropped', '10.244.2.6:8080']);
    const last = t.hops.at(-1)!;
    expect([last.node, last.step, last.hook, last.direction]).toEqual(['node-2', 'filter-forward', 'FORWARD', 'request']);
    const chains = last.rules.map((r) => r.split(':')[0]);
    expect(chains).toEqual(expect.arrayContaining(['filter FORWARD', 'filter cali-FORWARD', 'filter cali-to-wl-dispatch', 'filter cali-tw-cali2f5353dd8c5']));
    expect(last.rules.at(-1)).toBe('filter cali-tw-cali2f5353dd8c5: -A cali-tw-cali2f5353dd8c5 -m comment --comment cali:YBC2l7MorRltY2UP -m comment --comment "Drop if no policies passed packet" -m mark --mark 0x0/0x20000 -j DROP');
    expect(t.hops.some((h) => h.step === 'encap' && h.device === 'tunl0')).toBe(true);
    expect(t.hops.some((h) => h.direction === 'reply')).toBe(false);
  });

  it('tells the learner the symptom: no answer, SYN retransmits, curl times out', () => {
    expect(t.reason).toContain('default/default-deny-ingress');
    expect(t.reason).toContain('retransmits the SYN');
    expect(t.reason).toContain('Connection timed out');
    expect(t.assumptions.some((a) => a.includes('Flannel enforces no NetworkPolicy'))).toBe(true);
  });

  it('the same request without the policy is delivered on the same data plane', () => {
    const s = ALL_SCENARIOS['cross-node-clusterip'];
    const base = scenarioCluster(ALL_SCENARIOS['networkpolicy-deny'], BUILTIN_CLUSTER);
    const r = simulate({ ...base, networkPolicies: [] }, s.request, s.options);
    expect(r.ok && r.trace.verdict).toBe('delivered');
  });
});
