// The kernel's IPVS (net/netfilter/ipvs) as kube-proxy's IPVS mode uses it, for the data path:
//
//   hook (ip_vs_core.c ip_vs_ops4)            priority                what it does here
//   LOCAL_IN   ip_vs_in (remote_request4)     NF_IP_PRI_NAT_SRC - 1   after filter INPUT: schedule a real server
//                                                                      (a ClusterIP on kube-ipvs0, or a NodePort
//                                                                      virtual service on a node address),
//                                              (99)                    DNAT, ip_vs_nat_xmit it out (no FORWARD)
//   FORWARD    ip_vs_out (reply4)             100                     after filter FORWARD: a reply of a
//                                                                      known connection gets the VIP back as source
//   LOCAL_OUT  ip_vs_local_request4           NF_IP_PRI_NAT_DST + 2   host-originated requests (not simulated)
//
// ip_vs_nat_xmit routes to the real server, decrements the TTL (ip_vs_xmit.c decrement_ttl, "ipvs:
// Decrement ttl") and sends the packet through LOCAL_OUT and POSTROUTING (ip_vs_nat_send_or_cont).
// With net.ipv4.vs.conntrack=1 (set by kube-proxy) the connection keeps its netfilter conntrack
// entry, whose reply tuple IPVS rewrites to the real server (ip_vs_nfct.c ip_vs_update_conntrack);
// no NAT status bit is set, so conntrack's own NAT does nothing: IPVS un-NATs the replies itself.
// A virtual service without real servers: ip_vs_schedule finds no destination, and ip_vs_leave
// sends ICMP port unreachable (its source is the VIP, a local address) and drops the packet.

import type { Protocol } from '../cluster/model.js';
import type { Traversal } from './netfilter.js';
import type { RealServer, VirtualServer } from '../proxy/ipvs/node-state.js';
import { connLine, type IpvsConnView } from '../proxy/ipvs/render.js';

/** Picks a real server of a virtual service: an index into vs.realServers. */
export type IpvsChooser = (vs: VirtualServer) => number;

export interface IpvsConn {
  readonly protocol: Protocol;
  readonly clientIP: string;
  readonly clientPort: number;
  readonly vs: VirtualServer;
  readonly rs: RealServer;
}

/** ip_vs_proto_tcp.c: a SYN moves NONE to SYN_RECV (timeout 60 s); ip_vs_proto_udp.c: state "UDP", 300 s. */
export function connView(c: IpvsConn): IpvsConnView {
  const tcp = c.protocol === 'TCP';
  return {
    protocol: c.protocol,
    state: tcp ? 'SYN_RECV' : 'UDP',
    expiresSeconds: tcp ? 59 : 299,
    client: `${c.clientIP}:${c.clientPort}`,
    virtual: `${c.vs.address}:${c.vs.port}`,
    destination: `${c.rs.ip}:${c.rs.port}`,
  };
}

export function ipvsConnLine(c: IpvsConn): string {
  return connLine(connView(c));
}

/** A persistence template as ipvsadm -Lnc lists it: state NONE, client port 0, the persistence timeout. */
export function templateLine(c: IpvsConn, timeoutSeconds: number): string {
  return connLine({ protocol: c.protocol, state: 'NONE', expiresSeconds: timeoutSeconds - 1, client: `${c.clientIP}:0`, virtual: `${c.vs.address}:${c.vs.port}`, destination: `${c.rs.ip}:${c.rs.port}` });
}

/** The IPVS connection a reply (real server -> client) belongs to, if any. */
export function findReplyConn(conns: readonly IpvsConn[], protocol: Protocol, src: string, sport: number, dst: string, dport: number): IpvsConn | null {
  return conns.find((c) => c.protocol === protocol && c.rs.ip === src && c.rs.port === sport && c.clientIP === dst && c.clientPort === dport) ?? null;
}

export function vsName(vs: VirtualServer): string {
  return `${vs.protocol} ${vs.address}:${vs.port} ${vs.scheduler}`;
}

/**
 * The nat PREROUTING hop in IPVS mode: KUBE-SERVICES only marks (for masquerade) and ACCEPTs a
 * Service address; it never DNATs. Null when the traversal did not touch kube-proxy's sets.
 */
export function describeIpvsPrerouting(t: Traversal, target: string, clusterCIDR: string | null, src: string | null = null): string | null {
  // A NodePort (the destination is a node address): KUBE-SERVICES -> addrtype LOCAL -> KUBE-NODE-PORT.
  const nodePort = t.fired.find((f) => f.rule.chain === 'KUBE-NODE-PORT' && f.rule.args.includes('--match-set'));
  if (nodePort !== undefined) {
    const set = nodePort.rule.args[nodePort.rule.args.indexOf('--match-set') + 1] ?? '';
    const port = target.slice(target.lastIndexOf(':') + 1);
    return set.includes('-LOCAL-')
      ? `nat PREROUTING (priority -100): ${target} is a local address, so KUBE-SERVICES jumps to KUBE-NODE-PORT, where ${port} is in the ipset ${set} (externalTrafficPolicy Local): RETURN, before the rule that would mark it for masquerade. No DNAT and no mark, so the client's own address${src === null ? '' : ` ${src}`} is kept; IPVS rewrites the destination later, at INPUT.`
      : `nat PREROUTING (priority -100): ${target} is a local address, so KUBE-SERVICES jumps to KUBE-NODE-PORT, where ${port} is in the ipset ${set}: KUBE-MARK-MASQ marks the packet 0x4000 for masquerade. No DNAT: in IPVS mode the nat table only marks; IPVS rewrites the destination later, at INPUT.`;
  }
  const accepted = t.verdict === 'ACCEPT' && t.verdictRule !== null && t.verdictRule.args.includes('KUBE-CLUSTER-IP');
  if (!accepted) {
    return `nat PREROUTING (priority -100): ${target} is not in the ipset KUBE-CLUSTER-IP (no Service has that address and port), so KUBE-SERVICES returns and the destination stays as it is.`;
  }
  const marked = t.fired.some((f) => f.rule.chain === 'KUBE-MARK-MASQ');
  const mark = marked
    ? ' The source is outside the cluster CIDR, so the packet is marked 0x4000 for masquerade.'
    : clusterCIDR !== null ? ` The source is inside the cluster CIDR ${clusterCIDR}, so nothing is marked for masquerade.` : '';
  return `nat PREROUTING (priority -100): KUBE-SERVICES finds ${target} in the ipset KUBE-CLUSTER-IP and ACCEPTs it, with no DNAT: in IPVS mode the nat table only marks, and the destination stays ${target} for now.${mark} (conntrack records the DNAT-less NEW entry; IPVS rewrites the destination later, at INPUT.)`;
}
