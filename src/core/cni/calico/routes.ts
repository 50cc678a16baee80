// The routes Calico programs, printed as `ip route` prints them.
//   In the pod (cni-plugin dataplane_linux.go): the pod's address is a /32 on eth0, and the only
//   routes are "default via 169.254.1.1 dev eth0" and "169.254.1.1 dev eth0 scope link".
//   On the node: one /32 per local pod ("<ip> dev caliXXXX scope link", the CNI plugin's host
//   route), a blackhole for each block the node owns, and one route per remote block:
//     calico-bgp    <block> via <node IP> dev eth0 proto bird            (BIRD, learned over BGP)
//     calico-ipip   <block> via <node IP> dev tunl0 proto bird onlink    (BIRD)
//     calico-vxlan  <block> via <remote vxlan.calico address> dev vxlan.calico proto 80 onlink
//                   (Felix's own routes carry protocol 80, which iproute2 prints as a number)
//   Sources: reference networking.md 7.1 and 7.3 (felix #1447, bird #61, calico #6619).

import type { ClusterModel, NodeModel, PodModel } from '../../cluster/model.js';
import type { Route } from '../../kernel/routing.js';
import { CALICO_GATEWAY, CALICO_VXLAN_DEV, caliVethName, IPIP_DEV } from './names.js';
import { calicoNode } from './ipam.js';

export function calicoPodRoutes(): Route[] {
  return [
    { dst: 'default', via: CALICO_GATEWAY, dev: 'eth0', onlink: false, text: `default via ${CALICO_GATEWAY} dev eth0` },
    { dst: `${CALICO_GATEWAY}/32`, via: null, dev: 'eth0', onlink: false, text: `${CALICO_GATEWAY} dev eth0 scope link` },
  ];
}

/** The routing protocol of routes to blocks: BIRD's in BGP and IPIP mode, Felix's (80) in VXLAN mode. */
function proto(cluster: ClusterModel): string {
  return cluster.network.cni === 'calico-vxlan' ? '80' : 'bird';
}

/** The node's main table under Calico, before sorting (routing.ts sorts it). */
export function calicoNodeRoutes(cluster: ClusterModel, node: NodeModel, gw: string, subnet: string): Route[] {
  const routes: Route[] = [{ dst: 'default', via: gw, dev: 'eth0', onlink: false, text: `default via ${gw} dev eth0 proto static` }];
  const p = proto(cluster);
  for (const pod of cluster.pods) {
    if (pod.nodeName !== node.name || pod.hostNetwork || pod.ip === null) continue;
    const dev = caliVethName(pod.namespace, pod.name);
    routes.push({ dst: `${pod.ip}/32`, via: null, dev, onlink: false, text: `${pod.ip} dev ${dev} scope link` });
  }
  for (const block of calicoNode(cluster, node).blocks) {
    routes.push({ dst: block, via: null, dev: '', onlink: false, blackhole: true, text: `blackhole ${block} proto ${p}` });
  }
  for (const other of cluster.nodes) {
    if (other.name === node.name) continue;
    const remote = calicoNode(cluster, other);
    for (const block of remote.blocks) {
      if (cluster.network.cni === 'calico-ipip') {
        routes.push({ dst: block, via: other.internalIP, dev: IPIP_DEV, onlink: true, text: `${block} via ${other.internalIP} dev ${IPIP_DEV} proto bird onlink` });
      } else if (cluster.network.cni === 'calico-vxlan') {
        const gwTunnel = remote.vxlanTunnelAddr ?? other.internalIP;
        routes.push({ dst: block, via: gwTunnel, dev: CALICO_VXLAN_DEV, onlink: true, text: `${block} via ${gwTunnel} dev ${CALICO_VXLAN_DEV} proto 80 onlink` });
      } else {
        routes.push({ dst: block, via: other.internalIP, dev: 'eth0', onlink: false, text: `${block} via ${other.internalIP} dev eth0 proto bird` });
      }
    }
  }
  routes.push({ dst: subnet, via: null, dev: 'eth0', onlink: false, text: `${subnet} dev eth0 proto kernel scope link src ${node.internalIP}` });
  return routes;
}

/** The pod behind a cali interface on this node, or null. */
export function podOfCaliVeth(cluster: ClusterModel, node: NodeModel, dev: string): PodModel | null {
  return cluster.pods.find((p) => p.nodeName === node.name && !p.hostNetwork && caliVethName(p.namespace, p.name) === dev) ?? null;
}
