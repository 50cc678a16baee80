// Variants of the built-in cluster and edge cases beyond the named scenarios: br_netfilter off,
// host-gw, masqueradeAll, a pod calling its own IP, the kubernetes Service (endpoint = a node IP),
// a port the Service does not have. Each expectation cites the reference section or upstream source.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import type { ClusterModel } from '../../../src/core/cluster/model.js';
import type { TraceOptions, TraceRequest } from '../../../src/core/request.js';
import { simulate } from '../../../src/core/trace.js';
import type { Hop, Trace } from '../../../src/core/trace-model.js';

function trace(cluster: ClusterModel, request: TraceRequest, options: TraceOptions = {}): Trace {
  const r = simulate(cluster, request, options);
  if (!r.ok) throw new Error(r.error.message);
  return r.trace;
}

const pod = (name: string) => BUILTIN_CLUSTER.pods.find((p) => p.name === name)!;
const rewrites = (t: Trace, kind: NonNullable<Hop['rewrite']>['kind']) => t.hops.filter((h) => h.rewrite?.kind === kind);
const req = (t: Trace) => t.hops.filter((h) => h.direction === 'request');

describe('br_netfilter off (bridge-nf-call-iptables=0; reference 5.2, 5.3 a, 9.5)', () => {
  const cluster: ClusterModel = { ...BUILTIN_CLUSTER, network: { ...BUILTIN_CLUSTER.network, brNetfilter: false } };

  it('same-node ClusterIP: the request is DNATed in the host stack (routed, TTL 63), the bridged reply skips conntrack, and the client RSTs (issue #122174)', () => {
    const t = trace(cluster, { from: 'pod-a', to: '10.96.1.20' }, { endpoint: '10.244.1.5' });
    expect(rewrites(t, 'DNAT')).toHaveLength(1);
    const seen = req(t).at(-1)!;
    // Routed by the host: the frame reaches pod-c from cni0's MAC with TTL 63 (the #122174 capture shows the bridge MAC).
    expect([seen.packet.ttl, seen.packet.srcMac, seen.packet.dstMac]).toEqual([63, BUILTIN_CLUSTER.nodes[0]!.bridgeMac, pod('pod-c').mac]);
    expect(rewrites(t, 'un-DNAT')).toEqual([]);
    expect(t.hops.filter((h) => h.direction === 'reply' && h.hook !== null)).toEqual([]);
    expect([t.verdict, t.outcome]).toEqual(['rejected', 'reset']);
    expect(t.hops.at(-1)!.packet.src).toBe('10.244.1.5:8080');
  });

  it('same-node pod IP: pure L2, no netfilter hook at all', () => {
    const t = trace(cluster, { from: 'pod-a', to: '10.244.1.5:8080' });
    expect(t.verdict).toBe('delivered');
    expect(t.hops.every((h) => h.hook === null && h.packet.ttl === 64)).toBe(true);
  });
});

describe('flannel host-gw (reference 6.5)', () => {
  const cluster: ClusterModel = { ...BUILTIN_CLUSTER, network: { ...BUILTIN_CLUSTER.network, cni: 'flannel-host-gw' } };

  it('routes via the peer node IP on eth0, with no encapsulation; the inner frame carries the eth0 MACs', () => {
    const t = trace(cluster, { from: 'pod-a', to: '10.96.1.20' }, { endpoint: '10.244.2.6' });
    expect(t.verdict).toBe('delivered');
    expect(t.hops.every((h) => h.packet.outer === null)).toBe(true);
    expect(t.hops.some((h) => h.device === 'flannel.1')).toBe(false);
    const wire = req(t).find((h) => h.step === 'wire')!;
    expect([wire.packet.srcMac, wire.packet.dstMac]).toEqual([BUILTIN_CLUSTER.nodes[0]!.eth0Mac, BUILTIN_CLUSTER.nodes[1]!.eth0Mac]);
    expect([req(t).at(-1)!.packet.ttl, t.hops.at(-1)!.packet.ttl]).toEqual([62, 62]);
    expect(rewrites(t, 'un-DNAT')[0]?.rewrite?.to).toBe('10.96.1.20:80');
  });
});

describe('kube-proxy masqueradeAll: true (reference 3.1 "masqueradeAll: every ClusterIP packet")', () => {
  const cluster: ClusterModel = { ...BUILTIN_CLUSTER, proxy: { ...BUILTIN_CLUSTER.proxy, masqueradeAll: true } };
  const t = trace(cluster, { from: 'pod-a', to: '10.96.1.20' }, { endpoint: '10.244.2.6' });

  it('marks in KUBE-SVC and MASQUERADEs on node-1 to the flannel.1 address 10.244.1.0 (reference 3.1, 6.6, derived)', () => {
    const masq = rewrites(t, 'MASQUERADE');
    expect(masq).toHaveLength(1);
    expect([masq[0]!.node, masq[0]!.rewrite!.chain, masq[0]!.rewrite!.to.split(':')[0]]).toEqual(['node-1', 'KUBE-POSTROUTING', '10.244.1.0']);
    expect(req(t).at(-1)!.packet.src.split(':')[0]).toBe('10.244.1.0');
    expect(rewrites(t, 'un-SNAT')).toHaveLength(1);
  });

  // Reference 3.3 (nf_nat_packet): an entry with IPS_SRC_NAT | IPS_DST_NAT gets both manips on the reply,
  // the source one at POSTROUTING. (Same root cause as the hairpin bug fixed in 8239df0.)
  it('un-DNATs the reply too, so pod-a receives it from 10.96.1.20:80 and the connection is delivered', () => {
    const un = rewrites(t, 'un-DNAT');
    expect(un).toHaveLength(1);
    expect([un[0]!.node, un[0]!.hook, un[0]!.rewrite!.to]).toEqual(['node-1', 'POSTROUTING', '10.96.1.20:80']);
    expect(t.hops.at(-1)!.packet.src).toBe('10.96.1.20:80');
    expect(t.verdict).toBe('delivered');
  });
});

describe('a pod connecting to its own pod IP', () => {
  // Was a bug: the packet left pod-a through its veth and hairpinned back.
  // Linux adds a `local` route for every address it assigns (net/ipv4/fib_frontend.c fib_add_ifaddr:
  // fib_magic(RTM_NEWROUTE, RTN_LOCAL, addr, 32, ...) into RT_TABLE_LOCAL), and the local table is
  // consulted before main, so traffic to the pod's own IP is delivered over lo inside the pod's netns:
  // no veth, no bridge, no host conntrack entry.
  it('never leaves the pod network namespace', () => {
    const t = trace(BUILTIN_CLUSTER, { from: 'pod-a', to: '10.244.1.10:8080' });
    expect(t.hops.filter((h) => h.netns !== 'pod-a').map((h) => `${h.index} ${h.netns}/${h.device} ${h.step}`)).toEqual([]);
  });
});

describe('the kubernetes Service (its endpoint is a node IP, 192.168.1.11:6443)', () => {
  it('from node-2: DNAT to 192.168.1.11:6443, then FLANNEL-POSTRTG MASQUERADEs to node-2\'s IP (reference 6.6: pod -> outside the pod network)', () => {
    const t = trace(BUILTIN_CLUSTER, { from: 'pod-b', to: '10.96.0.1' });
    expect(rewrites(t, 'DNAT')[0]?.rewrite?.to).toBe('192.168.1.11:6443');
    const masq = rewrites(t, 'MASQUERADE');
    expect([masq[0]?.rewrite?.chain, masq[0]?.rewrite?.to.split(':')[0], masq[0]?.node]).toEqual(['FLANNEL-POSTRTG', '192.168.1.12', 'node-2']);
  });

  // Was a bug: on node-1 the DNAT target 192.168.1.11 is node-1's own address, so after nat PREROUTING the
  // routing decision is RTN_LOCAL (the local table, see fib_add_ifaddr above) and the packet is delivered
  // locally through INPUT (reference 3.2 "Locally delivered: PREROUTING -> INPUT"; with br_netfilter,
  // br_nf_pre_routing_finish sends a re-routed non-bridge destination up the IP stack, reference 5.3 b).
  // The simulator instead forwards it out of eth0: FORWARD, a TTL decrement and a FLANNEL-POSTRTG
  // MASQUERADE (which only exists at POSTROUTING, never on the local-delivery path).
  it('from node-1: the DNATed packet is delivered locally: no FORWARD, no TTL decrement, no MASQUERADE', () => {
    const t = trace(BUILTIN_CLUSTER, { from: 'pod-a', to: '10.96.0.1' });
    expect(rewrites(t, 'DNAT')[0]?.rewrite?.to).toBe('192.168.1.11:6443');
    const after = req(t).filter((h) => h.node === 'node-1');
    expect(after.filter((h) => h.hook === 'FORWARD' || h.hook === 'POSTROUTING').map((h) => h.step)).toEqual([]);
    expect(after.every((h) => h.packet.ttl === 64)).toBe(true);
    expect(rewrites(t, 'MASQUERADE')).toEqual([]);
  });
});

describe('a port the Service does not have (reference 2.4, 4.1: rules match only the Service\'s protocol and port)', () => {
  it('no KUBE-SERVICES rule matches: no DNAT; the packet follows the default route and flannel masquerades it', () => {
    const t = trace(BUILTIN_CLUSTER, { from: 'pod-a', to: '10.96.1.20:81' });
    expect(rewrites(t, 'DNAT')).toEqual([]);
    expect(t.hops.find((h) => h.step === 'route')?.device).toBe('eth0');
    expect(rewrites(t, 'MASQUERADE')[0]?.rewrite?.chain).toBe('FLANNEL-POSTRTG');
    expect(t.verdict).toBe('dropped');
  });
});
