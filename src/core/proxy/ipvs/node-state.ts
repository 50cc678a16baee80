// What kube-proxy in IPVS mode programs on one node, apart from iptables (see iptables.ts):
// the addresses bound to kube-ipvs0, one IPVS virtual server per ClusterIP:port (and per node
// address:NodePort), each ready endpoint a Masq real server of weight 1, and the ipset entries.
// Follows syncProxyRules / syncService / syncEndpoint in pkg/proxy/ipvs/proxier.go (v1.30+).

import type { ClusterModel, NodeModel, Protocol } from '../../cluster/model.js';
import { memoByObject } from '../../memo.js';
import { parseIPv4 } from '../../net/ipv4.js';
import { bridgeIP, vtepIP } from '../../kernel/routing.js';
import { proxyServicePorts, stickySeconds, usableEndpoints, type ProxyEndpoint, type ProxyServicePort } from '../service-ports.js';
import { DEFAULT_SCHEDULER, IPSET_INFO } from './names.js';

export interface RealServer {
  readonly ip: string;
  readonly port: number;
  /** kube-proxy sets no forwarding flags: 0 is IP_VS_CONN_F_MASQ, which ipvsadm prints as "Masq". */
  readonly forward: 'Masq';
  readonly weight: number;
  /** The endpoint's node (for the trace's default choice), null when the slice does not say. */
  readonly nodeName: string | null;
}

export interface VirtualServer {
  readonly protocol: Protocol;
  readonly address: string;
  readonly port: number;
  readonly scheduler: string;
  /** sessionAffinity ClientIP: the persistence timeout in seconds (FlagPersistent), else null. */
  readonly persistent: number | null;
  /** The Service port it stands for ("ns/name:port"). */
  readonly spn: string;
  readonly kind: 'cluster-ip' | 'node-port';
  /** Sorted by address then port, as `ipvsadm -L` sorts them. */
  readonly realServers: readonly RealServer[];
}

export interface IpvsNodeState {
  readonly node: string;
  /** Addresses on kube-ipvs0 (every ClusterIP), numerically sorted. */
  readonly dummyAddresses: readonly string[];
  /** Sorted as `ipvsadm -Ln` sorts them: protocol, then address, then port. */
  readonly virtualServers: readonly VirtualServer[];
  /** Set name -> entries in kube-proxy's Entry.String() form, sorted; every set in IPSET_INFO. */
  readonly ipsets: ReadonlyMap<string, readonly string[]>;
}

const byIPThenPort = (a: { ip: string; port: number }, b: { ip: string; port: number }): number =>
  (parseIPv4(a.ip) ?? 0) - (parseIPv4(b.ip) ?? 0) || a.port - b.port;

/** IPv4 numeric order for dotted strings. */
export function compareIPs(a: string, b: string): number {
  return (parseIPv4(a) ?? 0) - (parseIPv4(b) ?? 0);
}

/** The node addresses a NodePort virtual server is created on: every local address but kube-ipvs0's (no loopback). */
export function nodePortAddresses(cluster: ClusterModel, node: NodeModel): string[] {
  const out = [node.internalIP, bridgeIP(node)];
  if (cluster.network.cni === 'flannel-vxlan') out.push(vtepIP(node));
  return out.sort(compareIPs);
}

const statesOf = memoByObject((_: ClusterModel) => new Map<string, IpvsNodeState>());

export function ipvsNodeState(cluster: ClusterModel, node: NodeModel): IpvsNodeState {
  const cache = statesOf(cluster);
  let s = cache.get(node.name);
  if (s === undefined) {
    s = buildIpvsNodeState(cluster, node);
    cache.set(node.name, s);
  }
  return s;
}

/** syncEndpoint's choice: CategorizeEndpoints, then the local ones when the policy is Local (else the cluster ones). */
function endpointsFor(sp: ProxyServicePort, nodeName: string, onlyNodeLocal: boolean): readonly ProxyEndpoint[] {
  const internalLocal = sp.service.internalTrafficPolicy === 'Local';
  const externallyAccessible = (sp.service.type === 'NodePort' || sp.service.type === 'LoadBalancer') && sp.port.nodePort !== null;
  const usesCluster = !internalLocal || externallyAccessible;
  const cluster = usesCluster ? usableEndpoints(sp.allEndpoints) : [];
  if (!onlyNodeLocal) return cluster;
  const local = usableEndpoints(sp.allEndpoints.filter((e) => e.nodeName === nodeName));
  return local.length > 0 ? local : cluster;
}

function realServers(eps: readonly ProxyEndpoint[]): RealServer[] {
  return eps.map((e) => ({ ip: e.ip, port: e.port, forward: 'Masq' as const, weight: 1, nodeName: e.nodeName })).sort(byIPThenPort);
}

/** The node's state; `nodeIPs` overrides the addresses NodePort services bind (kube-proxy's unit tests inject them). */
export function buildIpvsNodeState(cluster: ClusterModel, node: NodeModel, nodeIPs: readonly string[] = nodePortAddresses(cluster, node)): IpvsNodeState {
  const sets = new Map<string, Set<string>>(IPSET_INFO.map((i) => [i.name, new Set<string>()]));
  const add = (set: string, entry: string): void => void sets.get(set)!.add(entry);
  const servers: VirtualServer[] = [];
  const bound = new Set<string>();

  for (const sp of proxyServicePorts(cluster)) {
    const protocol = sp.protocol.toLowerCase();
    const persistent = stickySeconds(sp.service);
    // Hairpin: every endpoint on this node (ready or not), "IP,proto:port,IP".
    for (const e of sp.allEndpoints) {
      if (e.nodeName === node.name) add('KUBE-LOOP-BACK', `${e.ip},${protocol}:${e.port},${e.ip}`);
    }
    add('KUBE-CLUSTER-IP', `${sp.service.clusterIP},${protocol}:${sp.port.port}`);
    servers.push({
      protocol: sp.protocol, address: sp.service.clusterIP, port: sp.port.port, scheduler: DEFAULT_SCHEDULER, persistent, spn: sp.spn, kind: 'cluster-ip',
      realServers: realServers(endpointsFor(sp, node.name, sp.service.internalTrafficPolicy === 'Local')),
    });
    bound.add(sp.service.clusterIP);

    const nodePort = (sp.service.type === 'NodePort' || sp.service.type === 'LoadBalancer') ? sp.port.nodePort : null;
    if (nodePort !== null && nodePort !== 0) {
      const externalLocal = sp.service.externalTrafficPolicy === 'Local';
      if (sp.protocol === 'SCTP') {
        for (const ip of nodeIPs) {
          add('KUBE-NODE-PORT-SCTP-HASH', `${ip},sctp:${nodePort}`);
          if (externalLocal) add('KUBE-NODE-PORT-LOCAL-SCTP-HASH', `${ip},sctp:${nodePort}`);
        }
      } else {
        add(`KUBE-NODE-PORT-${sp.protocol}`, String(nodePort));
        if (externalLocal) add(`KUBE-NODE-PORT-LOCAL-${sp.protocol}`, String(nodePort));
      }
      for (const ip of nodeIPs) {
        servers.push({
          protocol: sp.protocol, address: ip, port: nodePort, scheduler: DEFAULT_SCHEDULER, persistent, spn: sp.spn, kind: 'node-port',
          realServers: realServers(endpointsFor(sp, node.name, externalLocal)),
        });
      }
    }
  }
  const dummyAddresses = [...bound].sort(compareIPs);
  for (const ip of dummyAddresses) add('KUBE-IPVS-IPS', ip);

  const protoOrder: Record<Protocol, number> = { TCP: 6, UDP: 17, SCTP: 132 };
  servers.sort((a, b) => protoOrder[a.protocol] - protoOrder[b.protocol] || compareIPs(a.address, b.address) || a.port - b.port);
  const ipsets = new Map<string, readonly string[]>();
  for (const [name, entries] of sets) ipsets.set(name, [...entries].sort(compareEntries));
  return { node: node.name, dummyAddresses, virtualServers: servers, ipsets };
}

/** Entries sorted by their leading address, then by the rest of the text. */
function compareEntries(a: string, b: string): number {
  const ipA = a.split(',')[0]!;
  const ipB = b.split(',')[0]!;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b);
  return compareIPs(ipA, ipB) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The virtual server a packet to ip:port/proto hits on this node, if any. */
export function findVirtualServer(state: IpvsNodeState, protocol: Protocol, ip: string, port: number): VirtualServer | null {
  return state.virtualServers.find((v) => v.protocol === protocol && v.address === ip && v.port === port) ?? null;
}

/**
 * Whether a packet matches `-m set --match-set NAME FLAGS` on this node: each flag names the packet
 * field (src/dst) that fills the set type's next dimension (ip, port with its protocol, ip).
 */
export function ipsetMatches(state: IpvsNodeState, name: string, flags: string, p: { src: string; dst: string; sport: number; dport: number; proto: string }): boolean {
  const entries = state.ipsets.get(name);
  if (entries === undefined || entries.length === 0) return false;
  const info = IPSET_INFO.find((i) => i.name === name);
  if (info === undefined) return false;
  const f = flags.split(',');
  const ipOf = (dir: string | undefined) => (dir === 'src' ? p.src : p.dst);
  const portOf = (dir: string | undefined) => (dir === 'src' ? p.sport : p.dport);
  let key: string;
  switch (info.type) {
    case 'hash:ip':
      key = ipOf(f[0]);
      break;
    case 'hash:ip,port':
      key = `${ipOf(f[0])},${p.proto}:${portOf(f[1])}`;
      break;
    case 'hash:ip,port,ip':
      key = `${ipOf(f[0])},${p.proto}:${portOf(f[1])},${ipOf(f[2])}`;
      break;
    case 'bitmap:port':
      key = String(portOf(f[0]));
      break;
    default:
      return false;
  }
  return entries.includes(key);
}
