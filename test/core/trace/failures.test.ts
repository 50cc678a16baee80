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
    expect(changed.sort()).toEqual(['no-br-netfilter', 'wrong-targetport']);
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
