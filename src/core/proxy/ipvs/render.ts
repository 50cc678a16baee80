// The IPVS-mode objects in the formats the real tools print them:
//   ipvsadm -Ln            ipvsadm.c list_all/print_title/print_service_entry: the version line,
//                          the two title lines, "TCP  VIP:port rr", then "  -> %-28s %-7s %-6d %-10u %-10u"
//   ipvsadm -Ln -t VIP:P   list_service: the title lines and that one service (no version line)
//   ipvsadm -Lnc           list_conn: "IPVS connection entries", its title, "%-3s %02d:%02d  %-11s %-18s %-18s %-18s"
//   ipvsadm -Sn            the rule form (-A -t VIP:port -s rr / -a -t VIP:port -r RIP:port -m -w 1)
//   ipset save             create/add lines as kube-proxy created them (pkg/proxy/ipvs/ipset: family inet
//                          hashsize 1024 maxelem 65536 for hash types, range 0-65535 for bitmap:port)
//   ip -4 addr show kube-ipvs0

import type { NodeModel } from '../../cluster/model.js';
import { IPSET_INFO, DUMMY_DEVICE } from './names.js';
import type { IpvsNodeState, RealServer, VirtualServer } from './node-state.js';

/** The kernel's IPVS version (1.2.1 since 2.6) and its default connection-table size (2^12). */
export const IPVSADM_VERSION_LINE = 'IP Virtual Server version 1.2.1 (size=4096)';
export const IPVSADM_TITLE = ['Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'];

export function serviceLine(vs: VirtualServer): string {
  const persistent = vs.persistent !== null ? ` persistent ${vs.persistent}` : '';
  return `${vs.protocol}  ${vs.address}:${vs.port} ${vs.scheduler}${persistent}`;
}

export function realServerLine(rs: RealServer, active = 0, inactive = 0): string {
  const pad = (s: string, n: number) => s.padEnd(n);
  return `  -> ${pad(`${rs.ip}:${rs.port}`, 28)} ${pad(rs.forward, 7)} ${pad(String(rs.weight), 6)} ${pad(String(active), 10)} ${pad(String(inactive), 10)}`;
}

/** `ipvsadm -Ln` (no traffic yet: every counter 0). */
export function renderIpvsadmList(state: IpvsNodeState): string[] {
  const out = [IPVSADM_VERSION_LINE, ...IPVSADM_TITLE];
  for (const vs of state.virtualServers) {
    out.push(serviceLine(vs));
    for (const rs of vs.realServers) out.push(realServerLine(rs));
  }
  return out;
}

/** `ipvsadm -Ln -t|-u VIP:port`, with the counters of one connection to `active` when given. */
export function renderIpvsadmService(vs: VirtualServer, active: { ip: string; port: number; tcp: boolean } | null = null): string[] {
  const out = [...IPVSADM_TITLE, serviceLine(vs)];
  for (const rs of vs.realServers) {
    const mine = active !== null && rs.ip === active.ip && rs.port === active.port;
    // A TCP connection in SYN_RECV counts as inactive until it reaches ESTABLISHED; UDP ones too.
    out.push(realServerLine(rs, 0, mine ? 1 : 0));
  }
  return out;
}

export function ipvsadmFlag(vs: VirtualServer): string {
  return vs.protocol === 'UDP' ? '-u' : vs.protocol === 'SCTP' ? '--sctp-service' : '-t';
}

/** One real server in `ipvsadm -Sn` (rule) form: what the DNAT hop names. */
export function realServerRule(vs: VirtualServer, rs: RealServer): string {
  return `-a ${ipvsadmFlag(vs)} ${vs.address}:${vs.port} -r ${rs.ip}:${rs.port} -m -w ${rs.weight}`;
}

export function serviceRule(vs: VirtualServer): string {
  const persistent = vs.persistent !== null ? ` -p ${vs.persistent}` : '';
  return `-A ${ipvsadmFlag(vs)} ${vs.address}:${vs.port} -s ${vs.scheduler}${persistent}`;
}

/** `ipvsadm -Sn`. */
export function renderIpvsadmSave(state: IpvsNodeState): string[] {
  const out: string[] = [];
  for (const vs of state.virtualServers) {
    out.push(serviceRule(vs));
    for (const rs of vs.realServers) out.push(realServerRule(vs, rs));
  }
  return out;
}

export interface IpvsConnView {
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly state: string;
  readonly expiresSeconds: number;
  readonly client: string;
  readonly virtual: string;
  readonly destination: string;
}

export const IPVSADM_CONN_TITLE = ['IPVS connection entries', 'pro expire state       source             virtual            destination'];

export function connLine(c: IpvsConnView): string {
  const mm = String(Math.floor(c.expiresSeconds / 60)).padStart(2, '0');
  const ss = String(c.expiresSeconds % 60).padStart(2, '0');
  return `${c.protocol.padEnd(3)} ${mm}:${ss}  ${c.state.padEnd(11)} ${c.client.padEnd(18)} ${c.virtual.padEnd(18)} ${c.destination.padEnd(18)}`;
}

/** `ipset save`: every set kube-proxy created, in its ipsetInfo order, then its entries. */
export function renderIpsetSave(state: IpvsNodeState, only: string | null = null): string[] {
  const out: string[] = [];
  for (const info of IPSET_INFO) {
    if (only !== null && info.name !== only) continue;
    out.push(`create ${info.name} ${info.type} ${info.type === 'bitmap:port' ? 'range 0-65535' : 'family inet hashsize 1024 maxelem 65536'}`);
    for (const e of state.ipsets.get(info.name) ?? []) out.push(`add ${info.name} ${e}`);
  }
  return out;
}

/** `ipset test SET ENTRY` (its message goes to stderr; the exit status is 0 or 1). */
export function ipsetTestLine(set: string, entry: string, member: boolean): string {
  return member ? `${entry} is in set ${set}.` : `${entry} is NOT in set ${set}.`;
}

/**
 * `ip -4 addr show kube-ipvs0`. The ifindex depends on the order devices were created on the
 * node; `ifindex` is the simulator's choice.
 */
export function renderDummyAddresses(state: IpvsNodeState, ifindex: number, only: string | null = null): string[] {
  const out = [`${ifindex}: ${DUMMY_DEVICE}: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default qlen 1000`];
  for (const ip of state.dummyAddresses) {
    if (only !== null && ip !== only) continue;
    out.push(`    inet ${ip}/32 scope global ${DUMMY_DEVICE}`, '       valid_lft forever preferred_lft forever');
  }
  return out;
}

/** The local-table route the kernel adds for an address on kube-ipvs0 (`ip route show table local`). */
export function dummyLocalRoute(ip: string): string {
  return `local ${ip} dev ${DUMMY_DEVICE} proto kernel scope host src ${ip}`;
}

/**
 * kube-ipvs0's ifindex: kube-proxy creates it when it starts, before Flannel creates flannel.1 and
 * the first pod creates cni0, so here it is 3 (after lo and eth0). Illustrative: a node's own
 * history decides the real number.
 */
export function dummyIfindex(_node: NodeModel): number {
  return 3;
}
