// Pieces the lab takes from the core instead of repeating them: the client parse, the pods' MTU per
// data plane, and the DNS section's whole answer.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import type { CniKind } from '../../../src/core/cluster/model.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { deviceMtu, podMtu } from '../../../src/core/cni/mtu.js';
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

describe('deviceMtu', () => {
  it('eth0 has the underlay MTU, a tunnel device loses its own headers, pod-side devices have the pod MTU', () => {
    const cases: [CniKind, string, number][] = [
      ['flannel-vxlan', 'eth0', 1500], ['flannel-vxlan', 'flannel.1', 1450], ['flannel-vxlan', 'cni0', 1450], ['flannel-vxlan', 'veth1a2b3c4d', 1450],
      ['flannel-host-gw', 'cni0', 1500],
      ['calico-vxlan', 'vxlan.calico', 1450], ['calico-vxlan', 'cali1234567890a', 1450],
      ['calico-ipip', 'tunl0', 1480], ['calico-ipip', 'cali1234567890a', 1480],
      ['calico-bgp', 'cali1234567890a', 1500], ['calico-bgp', 'eth0', 1500],
    ];
    for (const [cni, dev, mtu] of cases) expect([cni, dev, deviceMtu(cni, 1500, dev)]).toEqual([cni, dev, mtu]);
  });

  it('a full-size reply reaches the client on every data plane (the last hop to a cali veth is not checked against a VXLAN MTU)', () => {
    for (const cni of ['flannel-vxlan', 'flannel-host-gw', 'calico-bgp', 'calico-ipip', 'calico-vxlan'] as const) {
      const cluster = withCni(BUILTIN_CLUSTER, cni);
      const bytes = podMtu(cni, cluster.network.underlayMtu);
      const r = simulate(cluster, { from: 'pod-a', to: 'myapp.default.svc.cluster.local' }, { endpoint: '10.244.2.6', responseBytes: bytes });
      if (!r.ok) throw new Error(r.error.message);
      expect([cni, r.trace.verdict, r.trace.reason]).toEqual([cni, 'delivered', null]);
    }
  });
});
