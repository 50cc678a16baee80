// Routing tables as the bridge CNI and flanneld build them (reference 5.1, 6.3, 6.5), printed the
// way `ip route` prints them, and the kernel's longest-prefix lookup.

import { describe, expect, it } from 'vitest';
import { BUILTIN_CLUSTER } from '../../../src/core/cluster/builtin.js';
import { makeNode, makePod } from '../../../src/core/cluster/make.js';
import type { ClusterModel } from '../../../src/core/cluster/model.js';
import {
  bridgeIP, deviceAddress, lookupRoute, nodeGateway, nodeLocalAddresses, nodeOfPodAddress, nodeRoutes, nodeSubnet, podRoutes, routeGetLine, vtepIP, type Route,
} from '../../../src/core/kernel/routing.js';
import { withCni } from '../../../src/core/cluster/variants.js';
import { calicoOf } from '../../../src/core/cni/calico/ipam.js';

/** The reference scenario (section 0): three nodes with leases 10.244.0-2.0/24. */
const reference: ClusterModel = {
  ...BUILTIN_CLUSTER,
  nodes: [
    makeNode({ name: 'node0', internalIP: '192.168.1.10', podCIDR: '10.244.0.0/24' }),
    makeNode({ name: 'node1', internalIP: '192.168.1.11', podCIDR: '10.244.1.0/24' }),
    makeNode({ name: 'node2', internalIP: '192.168.1.12', podCIDR: '10.244.2.0/24' }),
  ],
};
const node1 = reference.nodes[1]!;
const podA = makePod({ namespace: 'default', name: 'pod-a', ip: '10.244.1.10', nodeName: 'node1' });

const texts = (routes: readonly Route[]) => routes.map((r) => r.text);

describe('`ip route` as the CNI and flanneld leave it', () => {
  it('node1 (Flannel VXLAN): the three pod-network lines of reference 6.3, in order', () => {
    const pod = texts(nodeRoutes(reference, node1)).filter((t) => t.startsWith('10.244.'));
    expect(pod).toEqual([
      '10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink',
      '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1',
      '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
    ]);
  });

  it('node1: the whole table, default first, then by destination', () => {
    expect(texts(nodeRoutes(reference, node1))).toEqual([
      'default via 192.168.1.1 dev eth0 proto static',
      '10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink',
      '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1',
      '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
      '192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.11',
    ]);
  });

  it('host-gw: a remote lease via the remote node IP on eth0 (reference 6.5)', () => {
    const hostgw: ClusterModel = { ...reference, network: { ...reference.network, cni: 'flannel-host-gw' } };
    expect(texts(nodeRoutes(hostgw, node1))).toContain('10.244.2.0/24 via 192.168.1.12 dev eth0');
    expect(nodeRoutes(hostgw, node1).some((r) => r.dev === 'flannel.1')).toBe(false);
    expect(nodeLocalAddresses(hostgw, node1)).toEqual(['192.168.1.11', '10.244.1.1']);
  });

  it('a pod: the bridge plugin table of reference 5.1', () => {
    expect(texts(podRoutes(reference, podA, node1))).toEqual([
      'default via 10.244.1.1 dev eth0',
      '10.244.0.0/16 via 10.244.1.1 dev eth0',
      '10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.10',
    ]);
  });

  it('addresses: cni0 = first host of the lease, flannel.1 = the lease network address (reference 0, 6.2)', () => {
    expect([bridgeIP(node1), vtepIP(node1), nodeSubnet(node1), nodeGateway(node1)]).toEqual(['10.244.1.1', '10.244.1.0', '192.168.1.0/24', '192.168.1.1']);
    expect(nodeLocalAddresses(reference, node1)).toEqual(['192.168.1.11', '10.244.1.1', '10.244.1.0']);
  });
});

describe('lookupRoute(): longest prefix wins', () => {
  it('in a pod: on-link /24, then the /16 via cni0, then default', () => {
    const r = podRoutes(reference, podA, node1);
    expect(lookupRoute(r, '10.244.1.11')?.text).toBe('10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.10');
    expect(lookupRoute(r, '10.244.1.11')?.via).toBeNull();
    expect(lookupRoute(r, '10.244.2.20')?.text).toBe('10.244.0.0/16 via 10.244.1.1 dev eth0');
    expect(lookupRoute(r, '10.96.45.10')?.text).toBe('default via 10.244.1.1 dev eth0');
  });

  it('on node1: cni0, flannel.1, eth0 subnet, default', () => {
    const r = nodeRoutes(reference, node1);
    expect(lookupRoute(r, '10.244.1.10')?.dev).toBe('cni0');
    expect(lookupRoute(r, '10.244.2.20')).toMatchObject({ dev: 'flannel.1', via: '10.244.2.0', onlink: true });
    expect(lookupRoute(r, '10.244.0.3')).toMatchObject({ dev: 'flannel.1', via: '10.244.0.0' });
    expect(lookupRoute(r, '192.168.1.12')).toMatchObject({ dev: 'eth0', via: null });
    expect(lookupRoute(r, '10.96.45.10')).toMatchObject({ dst: 'default', via: '192.168.1.1' });
  });

  it('does not depend on the order of the table; /32 beats /24 beats /16; no default means no route', () => {
    const mk = (dst: string, dev: string): Route => ({ dst, via: null, dev, onlink: false, text: `${dst} dev ${dev}` });
    const routes = [mk('10.0.0.0/8', 'a'), mk('10.1.2.3/32', 'd'), mk('10.1.0.0/16', 'b'), mk('10.1.2.0/24', 'c')];
    for (const order of [routes, [...routes].reverse()]) {
      expect(lookupRoute(order, '10.1.2.3')?.dev).toBe('d');
      expect(lookupRoute(order, '10.1.2.4')?.dev).toBe('c');
      expect(lookupRoute(order, '10.1.3.4')?.dev).toBe('b');
      expect(lookupRoute(order, '10.2.0.1')?.dev).toBe('a');
      expect(lookupRoute(order, '11.0.0.1')).toBeNull();
    }
  });

  it('between routes of one prefix length the first in the table wins; a destination that does not parse never matches', () => {
    const mk = (dst: string, dev: string): Route => ({ dst, via: null, dev, onlink: false, text: `${dst} dev ${dev}` });
    expect(lookupRoute([mk('10.1.0.0/16', 'first'), mk('10.1.0.0/16', 'second')], '10.1.2.3')?.dev).toBe('first');
    expect(lookupRoute([mk('10.1.0.0/16', 'second'), mk('10.1.0.0/16', 'first')], '10.1.2.3')?.dev).toBe('second');
    expect(lookupRoute([mk('not-a-cidr', 'x'), mk('default', 'gw')], '10.1.2.3')?.dev).toBe('gw');
    expect(lookupRoute([mk('10.0.0.0/8', 'a'), mk('default', 'gw')], 'not-an-ip')?.dev).toBe('gw');
  });
});

describe('routeGetLine()', () => {
  it('names the destination, gateway, output device and input interface', () => {
    const r = lookupRoute(nodeRoutes(reference, node1), '10.244.2.20')!;
    const line = routeGetLine(r, '10.244.2.20', null, 'cni0');
    expect(line).toMatch(/^10\.244\.2\.20 .*via 10\.244\.2\.0 dev flannel\.1/);
    expect(line).toContain('iif cni0');
  });
});

describe('nodeOfPodAddress and deviceAddress', () => {
  // A Calico pool that is not the nodes' podCIDRs (kubeadm still hands out 10.244.x.0/24 leases; Calico ignores them).
  const calico = withCni(BUILTIN_CLUSTER, 'calico-ipip');
  const own = calicoOf(calico);
  const elsewhere: ClusterModel = {
    ...calico,
    network: {
      ...calico.network,
      calico: {
        pools: own.pools,
        nodes: {
          'node-1': { ...own.nodes['node-1']!, ipipTunnelAddr: '192.168.10.0', blocks: ['192.168.10.0/26'] },
          'node-2': { ...own.nodes['node-2']!, ipipTunnelAddr: '192.168.20.0', blocks: ['192.168.20.0/26'] },
        },
      },
    },
  };

  it("finds a pod address's node by its podCIDR under Flannel and by its IPAM block under Calico", () => {
    expect(nodeOfPodAddress(BUILTIN_CLUSTER, '10.244.2.2')?.name).toBe('node-2');
    expect(nodeOfPodAddress(elsewhere, '192.168.20.7')?.name).toBe('node-2');
    expect(nodeOfPodAddress(elsewhere, '10.244.2.2')).toBeNull();
    expect(nodeOfPodAddress(BUILTIN_CLUSTER, '192.168.20.7')).toBeNull();
  });

  it("gives each output device's source address: cni0's, flannel.1's, tunl0's tunnel address, else the node's", () => {
    const [n1] = BUILTIN_CLUSTER.nodes;
    expect(deviceAddress(BUILTIN_CLUSTER, n1!, 'cni0')).toBe(bridgeIP(n1!));
    expect(deviceAddress(BUILTIN_CLUSTER, n1!, 'flannel.1')).toBe(vtepIP(n1!));
    expect(deviceAddress(BUILTIN_CLUSTER, n1!, 'eth0')).toBe(n1!.internalIP);
    expect(deviceAddress(elsewhere, elsewhere.nodes[0]!, 'tunl0')).toBe('192.168.10.0');
    expect(deviceAddress(elsewhere, elsewhere.nodes[0]!, 'cali1234567890a')).toBe(elsewhere.nodes[0]!.internalIP);
  });
});
