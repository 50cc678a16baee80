// The Trace: everything a view needs to show one packet's journey. Pure data, JSON-serialisable.
// The stable JSON fields are a contract (see docs/design.md); add fields, never rename or drop them.

import type { Protocol, ProxyMode } from './cluster/model.js';

export type Direction = 'request' | 'reply';

export type Component =
  | 'app'
  | 'socket'
  | 'resolver'
  | 'veth'
  | 'bridge'
  | 'routing'
  | 'netfilter'
  | 'conntrack'
  | 'ipvs'
  | 'vxlan'
  | 'ipip'
  | 'wire';

/** Where a hop sits in the stack; lessons and predictions name hops by it. */
export type HopStep =
  | 'send'            // the app writes to its socket; the pod routes and ARPs
  | 'veth'            // the frame crosses the veth pair into the host
  | 'bridge-in'       // the frame enters cni0 through a bridge port
  | 'conntrack-new'   // conntrack creates an entry (first packet)
  | 'conntrack-match' // conntrack finds the existing entry (reply or later packet)
  | 'dnat'            // nat PREROUTING / OUTPUT: KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP DNAT
  | 'no-dnat'         // nat PREROUTING traversed, nothing matched
  | 'route'           // the routing decision
  | 'filter-forward'  // filter FORWARD: KUBE-FORWARD, KUBE-SERVICES, FLANNEL-FWD
  | 'filter-input'    // filter INPUT: a packet for the node's own address (host-network endpoints)
  | 'reject'          // filter KUBE-SERVICES REJECT (no endpoints)
  | 'postrouting'     // nat POSTROUTING: KUBE-POSTROUTING, FLANNEL-POSTRTG
  | 'masquerade'      // nat POSTROUTING MASQUERADE (hairpin, masqueradeAll, off-cluster source)
  | 'un-dnat'         // conntrack restores the ClusterIP as the reply's source
  | 'un-snat'         // conntrack restores the client as the reply's destination
  | 'bridge-forward'  // cni0 forwards the frame at L2 to a port (FDB lookup)
  | 'hairpin'         // cni0 sends the frame back out of the port it came in on
  | 'encap'           // flannel.1 wraps the frame in VXLAN/UDP/IP
  | 'wire'            // the outer packet crosses the node network
  | 'decap'           // the receiving node's vxlan socket unwraps it
  | 'deliver'         // the packet reaches the destination pod's socket
  | 'icmp-error';     // an ICMP error travels back to the client

export interface OuterHeader {
  readonly src: string;
  readonly dst: string;
  readonly srcMac: string;
  readonly dstMac: string;
  readonly proto: 'UDP' | 'IPIP';
  /** UDP source port, from the packet's flow hash (udp_flow_src_port). */
  readonly sport: number | null;
  readonly dport: number | null;
  readonly vni: number | null;
  readonly ttl: number;
}

export interface PacketView {
  /** "ip:port" */
  readonly src: string;
  readonly dst: string;
  readonly proto: Protocol | 'ICMP';
  readonly srcMac: string | null;
  readonly dstMac: string | null;
  readonly ttl: number;
  /** TCP flags of this packet ("S", "S.", ...); null for UDP. */
  readonly flags: string | null;
  readonly outer: OuterHeader | null;
  /** The IP total length in bytes and the DF bit: present only where the size matters (a full-size segment). */
  readonly length?: number;
  readonly df?: boolean;
}

export type RewriteKind = 'DNAT' | 'SNAT' | 'MASQUERADE' | 'un-DNAT' | 'un-SNAT';

export interface Rewrite {
  readonly kind: RewriteKind;
  readonly from: string;
  readonly to: string;
  /** 'ipvs': the kernel's IPVS did it (kube-proxy IPVS mode); chain then names the virtual service. */
  readonly table: 'nat' | 'ipvs' | null;
  readonly chain: string | null;
  /** The rule as kube-proxy (or flanneld) wrote it, restore syntax; null when conntrack did it. */
  readonly rule: string | null;
}

export interface Hop {
  readonly index: number;
  readonly direction: Direction;
  readonly node: string | null;
  readonly netns: string;
  readonly device: string;
  readonly component: Component;
  readonly step: HopStep;
  readonly action: string;
  readonly packet: PacketView;
  readonly rewrite: Rewrite | null;
  /** The `conntrack -L` line for this flow after this hop, on this hop's node (null until confirmed). */
  readonly conntrack: string | null;
  /**
   * A NEW connection's entry before it is confirmed at the end of POSTROUTING: the kernel already
   * holds it (with the DNATed reply tuple) but `conntrack -L` does not list it yet.
   */
  readonly conntrackPending: string | null;
  /** The netfilter hook this hop runs in, if any. */
  readonly hook: 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING' | null;
  /** Rules this hop traversed, in order, as "table chain: rule" lines (restore syntax). */
  readonly rules: readonly string[];
  /** Packet fields this hop changed, e.g. ["dst", "dstMac"]. */
  readonly changed: readonly string[];
}

export interface DnsQuery {
  readonly name: string;
  readonly type: 'A' | 'AAAA';
  readonly rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL';
  readonly answer: string | null;
}

export interface DnsSection {
  readonly resolvConf: string;
  readonly queries: readonly DnsQuery[];
  /** The server the queries went to (kube-dns ClusterIP) and the CoreDNS pod that answered. */
  readonly server: string | null;
  readonly answeredBy: string | null;
  /** How `nslookup` in the pod would print the answer. */
  readonly nslookup: string | null;
  /**
   * The whole answer the client's resolver returns (getaddrinfo's list), in order: one address, or
   * one A record per ready endpoint of a headless Service; empty when the name did not resolve.
   * `queries[].answer` holds only each query's first address.
   */
  readonly answers: readonly string[];
  /** The query whose own journey `hops` follows: the last A query (the answer, or the last NXDOMAIN). */
  readonly journeyQuery: DnsQuery | null;
  /** That query's journey: UDP to the kube-dns ClusterIP, DNATed to a CoreDNS pod, and back. */
  readonly hops: readonly Hop[];
}

/** The stable, coarse verdict (the JSON contract). */
export type Verdict = 'delivered' | 'dropped' | 'rejected';

/** The finer outcome: a reset and an unresolvable name are both 'rejected' verdicts. */
export type Outcome = 'delivered' | 'dropped' | 'rejected' | 'reset' | 'nxdomain';

export interface Trace {
  readonly request: { readonly from: string; readonly to: string; readonly proto: Protocol };
  readonly scenario: string | null;
  /** The destination after DNS: ip:port the app connects to. */
  readonly target: string | null;
  /** The endpoint kube-proxy's rules chose (ip:port), null when there was no Service. */
  readonly endpoint: string | null;
  readonly dns: DnsSection | null;
  readonly hops: readonly Hop[];
  readonly verdict: Verdict;
  readonly outcome: Outcome;
  readonly reason: string | null;
  /** What the simulator assumed that the cluster did not say. */
  readonly assumptions: readonly string[];
  /** kube-proxy's mode this trace was simulated in (absent in traces made before the field existed). */
  readonly proxyMode?: ProxyMode;
  /** Earlier connections this trace depends on (session affinity: the one that --set the recent list). Absent when none. */
  readonly earlier?: readonly EarlierConnection[];
}

export interface EarlierConnection {
  /** The client's ip:port for that connection. */
  readonly from: string;
  readonly target: string | null;
  readonly endpoint: string | null;
  readonly verdict: Verdict;
  readonly hops: readonly Hop[];
}
