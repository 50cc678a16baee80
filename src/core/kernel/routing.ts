// Routing tables of pods and nodes as the CNI and flanneld build them, and the kernel's
// longest-prefix lookup. Lines are printed the way `ip route` prints them.

import type { ClusterModel, NodeModel, PodModel } from '../cluster/model.js';
import { memoByObject, memoByObjectAndKey } from '../memo.js';
import { cidrContains, cidrHolds, cidrHost, cidrNetwork, parseCidr, parseIPv4, type Cidr } from '../net/ipv4.js';
import { calicoNodeRoutes, calicoPodRoutes } from '../cni/calico/routes.js';
import { CALICO_VXLAN_DEV, IPIP_DEV, isCalico } from '../cni/calico/names.js';
import { calicoNode, tunnelAddress } from '../cni/calico/ipam.js';

/** The node whose pod addresses hold `ip`: its podCIDR (Flannel, the bridge CNI), or its affine IPAM blocks (Calico). */
export function nodeOfPodAddress(cluster: ClusterModel, ip: string): NodeModel | null {
  const calico = isCalico(cluster.network.cni);
  return cluster.nodes.find((n) => (calico ? calicoNode(cluster, n).blocks.some((b) => cidrContains(b, ip)) : cidrContains(n.podCIDR, ip))) ?? null;
}

/**
 * The address the kernel gives a packet leaving `node` through `dev` (an unbound socket's source, or
 * MASQUERADE's): the device's own address, or the node's primary one for a device without any.
 */
export function deviceAddress(cluster: ClusterModel, node: NodeModel, dev: string): string {
  if (isCalico(cluster.network.cni)) {
    // A cali veth has no address, so the kernel picks the node's primary one (inet_select_addr
    // falls back to another device's address); tunl0 and vxlan.calico have the tunnel address.
    if (dev === IPIP_DEV || dev === CALICO_VXLAN_DEV) return tunnelAddress(cluster, node) ?? node.internalIP;
    return node.internalIP;
  }
  if (dev === 'cni0') return bridgeIP(node);
  if (dev === 'flannel.1') return vtepIP(node);
  return node.internalIP;
}

export interface Route {
  /** "default" or a CIDR. */
  readonly dst: string;
  readonly via: string | null;
  readonly dev: string;
  readonly onlink: boolean;
  /** A blackhole route (Calico's own blocks): a match drops the packet. */
  readonly blackhole?: boolean;
  /** The `ip route` line. */
  readonly text: string;
}

/** The node network: the /24 around the node's address (the underlay is not in any kubectl output). */
export const nodeSubnet = memoByObject((node: NodeModel): string => `${cidrNetwork(`${node.internalIP}/24`)}/24`);

export const nodeGateway = memoByObject((node: NodeModel): string => cidrHost(nodeSubnet(node), 1));

/** cni0's address: the first host of the node's pod CIDR (bridge plugin calcGatewayIP). */
export const bridgeIP = memoByObject((node: NodeModel): string => cidrHost(node.podCIDR, 1));

/** flannel.1's address: the lease's network address, as a /32. */
export const vtepIP = memoByObject((node: NodeModel): string => cidrNetwork(node.podCIDR));

const nodesByVtep = memoByObject((cluster: ClusterModel): ReadonlyMap<string, NodeModel> => {
  const byVtep = new Map<string, NodeModel>();
  for (const n of cluster.nodes) if (!byVtep.has(vtepIP(n))) byVtep.set(vtepIP(n), n);
  return byVtep;
});

/** The (first) node whose flannel.1 has this address. */
export function nodeWithVtep(cluster: ClusterModel, ip: string): NodeModel | null {
  return nodesByVtep(cluster).get(ip) ?? null;
}

const podRoutesOfCluster = memoByObject((_: ClusterModel) => new Map<PodModel, Route[]>());

/** The pod's routing table as the bridge plugin and Flannel set it up (cached per cluster). */
export function podRoutes(cluster: ClusterModel, pod: PodModel, node: NodeModel): Route[] {
  const cache = podRoutesOfCluster(cluster);
  let routes = cache.get(pod);
  if (routes === undefined) {
    routes = buildPodRoutes(cluster, pod, node);
    cache.set(pod, routes);
  }
  return routes;
}

function buildPodRoutes(cluster: ClusterModel, pod: PodModel, node: NodeModel): Route[] {
  if (isCalico(cluster.network.cni)) return sortRoutes(calicoPodRoutes());
  const gw = bridgeIP(node);
  const net = cluster.network.podNetwork;
  return sortRoutes([
    { dst: 'default', via: gw, dev: 'eth0', onlink: false, text: `default via ${gw} dev eth0` },
    { dst: net, via: gw, dev: 'eth0', onlink: false, text: `${net} via ${gw} dev eth0` },
    { dst: node.podCIDR, via: null, dev: 'eth0', onlink: false, text: `${node.podCIDR} dev eth0 proto kernel scope link src ${pod.ip}` },
  ]);
}

function sortRoutes(routes: Route[]): Route[] {
  return routes.sort((a, b) => routeSortKey(a).localeCompare(routeSortKey(b)));
}

const routesOfCluster = memoByObject((_: ClusterModel) => new Map<string, Route[]>());

/** The node's main routing table (cached per cluster and node). */
export function nodeRoutes(cluster: ClusterModel, node: NodeModel): Route[] {
  const cache = routesOfCluster(cluster);
  let routes = cache.get(node.name);
  if (routes === undefined) {
    routes = buildNodeRoutes(cluster, node);
    cache.set(node.name, routes);
  }
  return routes;
}

function buildNodeRoutes(cluster: ClusterModel, node: NodeModel): Route[] {
  const gw = nodeGateway(node);
  const subnet = nodeSubnet(node);
  if (isCalico(cluster.network.cni)) return sortRoutes(calicoNodeRoutes(cluster, node, gw, subnet));
  const routes: Route[] = [
    { dst: 'default', via: gw, dev: 'eth0', onlink: false, text: `default via ${gw} dev eth0 proto static` },
  ];
  for (const other of cluster.nodes) {
    if (other.name === node.name) {
      routes.push({ dst: node.podCIDR, via: null, dev: 'cni0', onlink: false, text: `${node.podCIDR} dev cni0 proto kernel scope link src ${bridgeIP(node)}` });
    } else if (cluster.network.cni === 'flannel-host-gw') {
      routes.push({ dst: other.podCIDR, via: other.internalIP, dev: 'eth0', onlink: false, text: `${other.podCIDR} via ${other.internalIP} dev eth0` });
    } else {
      const gwVtep = vtepIP(other);
      routes.push({ dst: other.podCIDR, via: gwVtep, dev: 'flannel.1', onlink: true, text: `${other.podCIDR} via ${gwVtep} dev flannel.1 onlink` });
    }
  }
  routes.push({ dst: subnet, via: null, dev: 'eth0', onlink: false, text: `${subnet} dev eth0 proto kernel scope link src ${node.internalIP}` });
  return sortRoutes(routes);
}

/** `ip route` order: default first, then by address, and for the same address the longer prefix first. */
function routeSortKey(r: Route): string {
  if (r.dst === 'default') return '0';
  const c = parseCidr(r.dst);
  return c === null ? r.dst : `1${c.base.toString(16).padStart(8, '0')}${(99 - c.prefix).toString().padStart(2, '0')}`;
}

/** Longest-prefix match. */
export function lookupRoute(routes: readonly Route[], ip: string): Route | null {
  const addr = parseIPv4(ip);
  for (const { route, cidr } of lookupOrder(routes)) {
    if (cidr === null || (addr !== null && cidrHolds(cidr, addr))) return route;
  }
  return null;
}

/**
 * A route table in the order a lookup tries it: longest prefix first, and among equal prefixes the
 * table's own order, so the first hit is the kernel's choice. Built once per table (the tables are
 * themselves built once per node or pod); a route whose destination does not parse never matches.
 */
const lookupOrder = memoByObject((routes: readonly Route[]): readonly { route: Route; cidr: Cidr | null }[] =>
  routes
    .map((route, i) => ({ route, i, cidr: route.dst === 'default' ? null : parseCidr(route.dst) }))
    .filter((r) => r.route.dst === 'default' || r.cidr !== null)
    .sort((a, b) => (b.cidr?.prefix ?? 0) - (a.cidr?.prefix ?? 0) || a.i - b.i)
    .map(({ route, cidr }) => ({ route, cidr })),
);

/**
 * The device a node's own address sits on (its "local ... dev X" route in table local), or null when
 * the address is not the node's: what `-m addrtype --limit-iface-out` compares with the outgoing device.
 */
export function localAddressDevice(cluster: ClusterModel, node: NodeModel, ip: string): string | null {
  if (ip === node.internalIP) return 'eth0';
  if (ip.startsWith('127.')) return 'lo';
  if (isCalico(cluster.network.cni)) {
    return ip === tunnelAddress(cluster, node) ? (cluster.network.cni === 'calico-ipip' ? IPIP_DEV : CALICO_VXLAN_DEV) : null;
  }
  if (ip === bridgeIP(node)) return 'cni0';
  if (cluster.network.cni === 'flannel-vxlan' && ip === vtepIP(node)) return 'flannel.1';
  return null;
}

/** Addresses the node owns (addrtype LOCAL): its IP, cni0's, flannel.1's, loopback (cached per cluster and node). */
export const nodeLocalAddresses = memoByObjectAndKey((cluster: ClusterModel, node: NodeModel): readonly string[] => {
  if (isCalico(cluster.network.cni)) {
    const tunnel = tunnelAddress(cluster, node);
    return tunnel === null ? [node.internalIP] : [node.internalIP, tunnel];
  }
  const out = [node.internalIP, bridgeIP(node)];
  if (cluster.network.cni === 'flannel-vxlan') out.push(vtepIP(node));
  return out;
});

/**
 * What `ip route get <dst> from <src> iif <dev>` prints on the node for a forwarded packet
 * (iproute2 print_route: the route on the first line, then "cache iif <dev>" on its own line).
 */
export function routeGetLine(route: Route, dst: string, src: string | null, iif: string | null): string {
  const via = route.via ? ` via ${route.via}` : '';
  const from = src ? ` from ${src}` : '';
  const first = `${dst}${from}${via} dev ${route.dev}`;
  return iif ? `${first}\n    cache iif ${iif}` : first;
}
