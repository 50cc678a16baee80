// Pieces the lab takes from the core instead of repeating them: the client parse, the pods' MTU per
// data plane, and the DNS section's whole answer.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { podMtu } from '../../../src/core/cni/mtu.js';
import { parseClientRef } from '../../../src/core/request.js';
import { simulate } from '../../../src/core/trace.js';

describe('parseClientRef', () => {
  it('takes a request.from apart without a cluster', () => {
    expect(parseClientRef('external')).toEqual({ kind: 'external', ip: null });
    expect(parseClientRef('external/192.168.1.77')).toEqual({ kind: 'external', ip: '192.168.1.77' });
    expect(parseClientRef('node/node-2')).toEqual({ kind: 'node', node: 'node-2' });
    expect(parseClientRef('pod-a')).toEqual({ kind: 'pod', namespace: 'default', name: 'pod-a' });
    expect(parseClientRef('kube-system/coredns-1')).toEqual({ kind: 'pod', namespace: 'kube-system', name: 'coredns-1' });
  });
});

describe('podMtu', () => {
  it('subtracts the overlay from the underlay', () => {
    expect(podMtu('flannel-vxlan', 1500)).toBe(1450);
    expect(podMtu('calico-vxlan', 1500)).toBe(1450);
    expect(podMtu('calico-ipip', 1500)).toBe(1480);
    expect(podMtu('flannel-host-gw', 1500)).toBe(1500);
    expect(podMtu('calico-bgp', 9000)).toBe(9000);
    expect(podMtu('bridge', 1500)).toBe(1500);
  });
});

describe('dns.answers', () => {
  it('a headless Service: every ready endpoint, the first one the target', () => {
    const r = simulate(BUILTIN_CLUSTER, { from: 'pod-a', to: 'myapp-headless.default.svc.cluster.local:8080' });
    if (!r.ok) throw new Error(r.error.message);
    const answers = r.trace.dns!.answers;
    expect(answers.length).toBeGreaterThan(1);
    expect(r.trace.target).toBe(`${answers[0]}:8080`);
    // The nslookup text lists the same addresses.
    expect([...(r.trace.dns!.nslookup ?? '').matchAll(/^Address: (\S+)$/gm)].map((m) => m[1])).toEqual(answers);
  });

  it('a ClusterIP Service: its one address; a name that does not exist: none', () => {
    const svc = simulate(BUILTIN_CLUSTER, { from: 'pod-a', to: 'myapp' });
    expect(svc.ok && svc.trace.dns!.answers).toEqual(['10.96.1.20']);
    const nx = simulate(BUILTIN_CLUSTER, { from: 'pod-a', to: 'kpt-no-such-name' });
    expect(nx.ok && nx.trace.dns!.answers).toEqual([]);
  });
});
