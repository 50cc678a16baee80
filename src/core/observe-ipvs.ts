// observeHop's commands for the hops kube-proxy's IPVS mode adds or changes: the ipset match in nat
// PREROUTING, the local route to a ClusterIP on kube-ipvs0, IPVS's DNAT (the virtual service and its
// connection table), ip_vs_nat_xmit's route lookup, the reply's un-DNAT, and an empty virtual service.
// Pure: what each command prints for this hop, computed from the hop and the cluster.

import type { ClusterModel, NodeModel, Protocol } from './cluster/model.js';
import { connView, type IpvsConn } from './kernel/ipvs.js';
import { bridgeIP, lookupRoute, nodeRoutes, vtepIP } from './kernel/routing.js';
import { splitHostPort } from './net/ipv4.js';
import { findVirtualServer, ipvsNodeState, type VirtualServer } from './proxy/ipvs/node-state.js';
import { connLine, dummyIfindex, ipsetTestLine, ipvsadmFlag, IPVSADM_CONN_TITLE, renderDummyAddresses, renderIpvsadmService } from './proxy/ipvs/render.js';
import { nodeTables } from './proxy/node-tables.js';
import { saveLine } from './proxy/save-format.js';
import type { Observation, ObserveContext } from './observe.js';
import type { Hop } from './trace-model.js';

export interface IpvsObservations {
  readonly first: readonly Observation[];
  /** Also show the commands observeHop gives such a hop in iptables mode (e.g. the conntrack line). */
  readonly keepDefault: boolean;
}

const ipOf = (hp: string) => splitHostPort(hp).ip;

/** The virtual service a rewrite names ("TCP 10.96.1.20:80 rr") or a packet is for. */
function virtualServer(cluster: ClusterModel, node: NodeModel, proto: Protocol, vip: string): VirtualServer | null {
  const { ip, port } = splitHostPort(vip);
  return port === null ? null : findVirtualServer(ipvsNodeState(cluster, node), proto, ip, port);
}

function connOf(hop: Hop, vs: VirtualServer, client: string, dest: string): IpvsConn {
  const c = splitHostPort(client);
  const d = splitHostPort(dest);
  const rs = vs.realServers.find((r) => r.ip === d.ip && r.port === d.port) ?? vs.realServers[0]!;
  return { protocol: hop.packet.proto === 'ICMP' ? 'TCP' : hop.packet.proto, clientIP: c.ip, clientPort: c.port ?? 0, vs, rs };
}

function connObservation(node: NodeModel, conn: IpvsConn): Observation {
  return {
    where: { kind: 'node', node: node.name },
    command: 'ipvsadm -Lnc',
    output: [...IPVSADM_CONN_TITLE, connLine(connView(conn)).trimEnd()],
    note: 'IPVS\'s own connection table (/proc/net/ip_vs_conn), separate from conntrack; expire counts down from the state\'s timeout.',
  };
}

/** The address the kernel would choose as source for a new flow out of `dev` (ip route get prints it). */
function sourceFor(cluster: ClusterModel, node: NodeModel, dev: string): string {
  if (dev === 'cni0') return bridgeIP(node);
  if (dev === 'flannel.1') return vtepIP(node);
  return node.internalIP;
}

export function observeIpvsHop(hop: Hop, cluster: ClusterModel, _context: ObserveContext = {}): IpvsObservations | null {
  const node = cluster.nodes.find((n) => n.name === hop.node) ?? null;
  if (node === null || hop.packet.proto === 'ICMP') return null;
  const where = { kind: 'node' as const, node: node.name };
  const state = ipvsNodeState(cluster, node);
  const proto = hop.packet.proto;
  const dst = splitHostPort(hop.packet.dst);
  const isVip = state.dummyAddresses.includes(dst.ip);

  if (hop.step === 'dnat' && hop.component === 'ipvs' && hop.rewrite !== null) {
    const vs = virtualServer(cluster, node, proto, hop.rewrite.from);
    if (vs === null) return null;
    const to = splitHostPort(hop.rewrite.to);
    return {
      first: [
        {
          where,
          command: `ipvsadm -Ln ${ipvsadmFlag(vs)} ${vs.address}:${vs.port}`,
          output: renderIpvsadmService(vs, { ip: to.ip, port: to.port ?? 0, tcp: proto === 'TCP' }),
          note: proto === 'TCP' ? 'This connection counts in InActConn until its handshake completes (SYN_RECV), then in ActiveConn.' : null,
        },
        connObservation(node, connOf(hop, vs, hop.packet.src, hop.rewrite.to)),
      ],
      keepDefault: false,
    };
  }
  if (hop.step === 'un-dnat' && hop.component === 'ipvs' && hop.rewrite !== null) {
    const vs = virtualServer(cluster, node, proto, hop.rewrite.to);
    if (vs === null) return null;
    return { first: [connObservation(node, connOf(hop, vs, hop.packet.dst, hop.rewrite.from))], keepDefault: true };
  }
  if (hop.step === 'reject' && hop.component === 'ipvs') {
    const vs = dst.port === null ? null : findVirtualServer(state, proto, dst.ip, dst.port);
    if (vs === null) return null;
    return {
      first: [
        { where, command: `ipvsadm -Ln ${ipvsadmFlag(vs)} ${vs.address}:${vs.port}`, output: renderIpvsadmService(vs), note: 'The virtual service is there, with no real server under it.' },
        { where, command: 'dmesg | grep IPVS', output: [`IPVS: ${vs.scheduler}: ${vs.protocol} ${vs.address}:${vs.port} - no destination available`], note: 'dmesg puts a timestamp before the line; the kernel rate-limits it.' },
      ],
      keepDefault: false,
    };
  }
  if (hop.step === 'no-dnat' && isVip && dst.port !== null) {
    const entry = `${dst.ip},${proto.toLowerCase()}:${dst.port}`;
    const services = nodeTables(cluster, node).nat.rules.filter((r) => r.chain === 'KUBE-SERVICES').map(saveLine);
    return {
      first: [
        { where, command: `ipset test KUBE-CLUSTER-IP ${entry}`, output: [ipsetTestLine('KUBE-CLUSTER-IP', entry, true)], note: 'ipset prints this on stderr; the exit status is 0 for a member.' },
        { where, command: `iptables-save -t nat | grep -- '-A KUBE-SERVICES'`, output: services, note: 'No rule names the Service: the set match stands for all of them, and none DNATs.' },
      ],
      keepDefault: false,
    };
  }
  if (hop.step === 'route' && hop.component === 'routing' && isVip) {
    const src = ipOf(hop.packet.src);
    return {
      first: [
        { where, command: `ip route get ${dst.ip} from ${src} iif ${hop.device}`, output: [`local ${dst.ip} from ${src} dev lo table local`, `    cache <local> iif ${hop.device}`], note: null },
        { where, command: 'ip -4 addr show kube-ipvs0', output: renderDummyAddresses(state, dummyIfindex(node)), note: "kube-ipvs0's index depends on the order the node created its devices." },
      ],
      keepDefault: false,
    };
  }
  if (hop.step === 'route' && hop.component === 'ipvs') {
    const route = lookupRoute(nodeRoutes(cluster, node), dst.ip);
    if (route === null) return null;
    const via = route.via ? ` via ${route.via}` : '';
    return {
      first: [{
        where,
        command: `ip route get ${dst.ip}`,
        output: [`${dst.ip}${via} dev ${route.dev} src ${sourceFor(cluster, node, route.dev)} uid 0`, '    cache'],
        note: "ip_vs_nat_xmit looks the real server up like a locally sent packet (no iif); the packet keeps the client's source address.",
      }],
      keepDefault: false,
    };
  }
  return null;
}
