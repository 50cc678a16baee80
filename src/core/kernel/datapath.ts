// The data path: one packet walked through pods and nodes, hop by hop, the way Linux handles it
// on a kubeadm + Flannel node: pod routing and ARP, the veth pair, the cni0 bridge (br_netfilter),
// netfilter hooks in priority order (conntrack -200, nat -100, filter 0, nat +100), routing,
// Flannel's VXLAN encapsulation, and delivery to a socket. Every hop is recorded for the Trace.

import type { ClusterModel, NodeModel, PodModel, Protocol } from '../cluster/model.js';
import { nodeNamed, podWithIP, serviceOfPortName } from '../cluster/lookup.js';
import { policiesFor, policyChainName } from '../cni/calico/policy.js';
import { macFor } from '../net/mac.js';
import { cidrContains, hostPort, splitHostPort } from '../net/ipv4.js';
import { nodeTables, type NodeTables } from '../proxy/node-tables.js';
import { restoreLine, ruleArg, ruleComment, type IptRule } from '../proxy/rule.js';
import type { Component, Direction, Hop, HopStep, OuterHeader, PacketView, Rewrite } from '../trace-model.js';
import { conntrackLine, invert, lookup, newEntry, type CtEntry, type CtProto, type Tuple } from './conntrack.js';
import { traverse, type CtState, type PacketContext, type RecentLists, type StatisticChooser, type Traversal } from './netfilter.js';
import { dnatText, noDnatText } from './nat-text.js';
import { AddressTexts, changedFields, viewOf } from './packet-view.js';
import { ANY_SOCKET, socketProblem, type SocketExpectation } from './socket-expectation.js';
import { bridgeIP, deviceAddress, localAddressDevice, lookupRoute, nodeLocalAddresses, nodeRoutes, nodeSubnet, nodeWithVtep, podRoutes, type Route } from './routing.js';
import { vxlanSourcePort, VXLAN_OVERHEAD } from '../cni/vxlan.js';
import { deviceMtu } from '../cni/mtu.js';
import { CALICO_GATEWAY, CALICO_MARK_BITS, CALICO_VETH_MAC, CALICO_VXLAN_DEV, calicoVxlanMac, CALICO_VXLAN_PORT, CALICO_VXLAN_VNI, caliVethName, IPIP_DEV, IPIP_OVERHEAD, isCalico } from '../cni/calico/names.js';
import { calicoNode, ipsetMembers } from '../cni/calico/ipam.js';
import { podOfCaliVeth } from '../cni/calico/routes.js';
import { inPolicySet } from '../cni/calico/policy.js';
import { findVirtualServer, ipsetMatches, ipvsNodeState } from '../proxy/ipvs/node-state.js';
import { dummyLocalRoute, realServerRule } from '../proxy/ipvs/render.js';
import { describeIpvsPrerouting, findReplyConn, ipvsConnLine, templateLine, vsName, type IpvsChooser, type IpvsConn } from './ipvs.js';
import type { VirtualServer } from '../proxy/ipvs/node-state.js';

export interface Packet {
  proto: Protocol;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  ttl: number;
  srcMac: string;
  dstMac: string;
  flags: string | null;
  outer: OuterHeader | null;
  /** skb->mark (kube-proxy's 0x4000 masquerade mark lives here, not in conntrack). */
  mark: number;
  /** A note carried to the delivering hop, e.g. the DNS question. */
  payload: string | null;
  /** The IP packet's total length in bytes, when it matters (a full-size data segment); absent: a small packet. */
  length?: number;
  /** The IP header's DF bit, shown with `length`. */
  df?: boolean;
}

/** A host outside the cluster, on the nodes' own network (no router in between). */
export interface ExternalHost {
  readonly ip: string;
  readonly mac: string;
}

export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly pod: PodModel | null; readonly host: NodeModel | null; readonly packet: Packet; readonly external?: ExternalHost }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'dropped'; readonly reason: string }
  | { readonly kind: 'reset'; readonly reason: string };

export interface DatapathOptions {
  readonly chooser: StatisticChooser;
  /** Source-port choices for MASQUERADE --random-fully. */
  readonly randomPort: () => number;
  /** kube-proxy IPVS mode: which real server the scheduler picks (default: the first). */
  readonly ipvsChooser?: IpvsChooser;
}

interface NodeContext {
  readonly isLocalAddress: (ip: string) => boolean;
  readonly localAddressDevice: (ip: string) => string | null;
  readonly recent: RecentLists;
}

interface Arrival {
  readonly node: NodeModel;
  /** The device the packet came in on: a pod's host veth, flannel.1 or eth0. */
  readonly inDev: string;
  /** The pod it came from when it entered through a bridge port. */
  readonly fromPod: PodModel | null;
}

export class Datapath {
  hops: Hop[] = [];
  private direction: Direction = 'request';
  private readonly conntrack = new Map<string, CtEntry[]>();
  private readonly lastView = new Map<Direction, PacketView>();
  private readonly addressTexts = new AddressTexts();
  /** Per node: its local addresses and xt_recent lists (sessionAffinity: ClientIP), kept across connections of one Datapath. */
  private readonly nodeContexts = new Map<string, NodeContext>();
  /** Per node: IPVS's own connection table (kube-proxy IPVS mode). */
  private readonly ipvsConns = new Map<string, IpvsConn[]>();
  /** Per node: IPVS persistence templates (sessionAffinity ClientIP), kept across the connections of one trace. */
  private readonly ipvsPersistence = new Map<string, IpvsConn[]>();
  /** The outside client, when there is one: the node network delivers to it. */
  external: ExternalHost | null = null;
  /**
   * Per node: the Flannel outer VXLAN flows (src:sport>dst:dport) it already tracks. The outer
   * source port comes from the packet's flow hash (udp_flow_src_port -> skb_get_hash), the same
   * for every packet of an inner flow in one direction, so a later packet of the same inner flow in the same
   * direction is a later packet of the same outer flow: conntrack finds its entry, and the nat
   * table, consulted only for a flow's first packet, is skipped (seen on a real kernel: vxlan-mtu's
   * data segment after the SYN-ACK, stale-udp-conntrack's datagram after the earlier ones).
   */
  private readonly outerFlows = new Map<string, Set<string>>();

  /** Calico's ipset membership (one function per datapath), or undefined when the CNI is not Calico. */
  private readonly calicoInSet: ((set: string, ip: string) => boolean) | undefined;

  constructor(
    private readonly cluster: ClusterModel,
    private readonly options: DatapathOptions,
  ) {
    this.calicoInSet = isCalico(cluster.network.cni) ? (set, ip) => calicoInSet(cluster, set, ip) : undefined;
  }

  setDirection(direction: Direction): void {
    this.direction = direction;
  }

  /**
   * Starts a new connection on the same nodes (conntrack and xt_recent state kept): returns the
   * hops recorded so far and starts an empty list.
   */
  nextConnection(): Hop[] {
    const done = this.hops;
    this.hops = [];
    this.lastView.clear();
    this.direction = 'request';
    return done;
  }

  /** An entry left by earlier traffic (e.g. a stale UDP flow), already confirmed. */
  seedConntrack(nodeName: string, entry: CtEntry): void {
    this.ctTable(nodeName).push(entry);
  }

  /**
   * The outer VXLAN flow that earlier packets of an inner flow (as flannel.1 sees it, after any
   * DNAT) left on both nodes, when Flannel VXLAN carries it from one node to the other.
   */
  seedOuterFlow(fromNode: string, toNode: string, inner: { src: string; sport: number; dst: string; dport: number; proto: string }): void {
    if (this.cluster.network.cni !== 'flannel-vxlan' || fromNode === toNode) return;
    const a = nodeNamed(this.cluster, fromNode);
    const b = nodeNamed(this.cluster, toNode);
    if (a === null || b === null) return;
    const key = outerKey(a.internalIP, vxlanSourcePort(inner), b.internalIP, this.cluster.network.vxlan.port);
    this.outerFlowsOf(fromNode).add(key);
    this.outerFlowsOf(toNode).add(key);
  }

  private outerFlowsOf(nodeName: string): Set<string> {
    let set = this.outerFlows.get(nodeName);
    if (set === undefined) {
      set = new Set();
      this.outerFlows.set(nodeName, set);
    }
    return set;
  }

  /** Whether the node already tracks this outer flow; records it either way. */
  private knownOuterFlow(nodeName: string, outer: Packet): boolean {
    const key = outerKey(outer.src, outer.sport, outer.dst, outer.dport);
    const set = this.outerFlowsOf(nodeName);
    const known = set.has(key);
    set.add(key);
    return known;
  }

  // ---- pods ---------------------------------------------------------------------------------

  /** The app in `pod` writes a packet; the pod's routing table and ARP pick the first hop. */
  sendFromPod(pod: PodModel, packet: Packet, action: string): DeliveryOutcome {
    const node = this.nodeOf(pod);
    if (packet.dst !== pod.ip && isCalico(this.cluster.network.cni)) return this.calicoSend(pod, node, packet, action);
    if (packet.dst === pod.ip) {
      packet.srcMac = '00:00:00:00:00:00';
      packet.dstMac = '00:00:00:00:00:00';
      this.hop({
        node: node.name, netns: pod.name, device: 'lo', component: 'app', step: 'send', packet,
        action: `${action} ${packet.dst} is the pod's own address: the local routing table ("local ${packet.dst} dev eth0 table local") sends it over lo, so it never leaves ${pod.name}.`,
      });
      return this.deliverToPod(pod, node, packet, 'lo');
    }
    const route = lookupRoute(podRoutes(this.cluster, pod, node), packet.dst);
    if (route === null) return { kind: 'dropped', reason: `${pod.name} has no route to ${packet.dst}` };
    const nextHop = route.via ?? packet.dst;
    const neighbour = route.via || packet.dst === bridgeIP(node) ? node.bridgeMac : this.macOfPodIP(packet.dst);
    if (neighbour === null) return { kind: 'dropped', reason: `no pod answers ARP for ${packet.dst} on ${node.name}'s cni0` };
    packet.srcMac = pod.mac;
    packet.dstMac = neighbour;
    const arp = route.via
      ? `ARP for the gateway ${nextHop} is answered by cni0 (${node.bridgeMac})`
      : `${packet.dst} is on-link (${node.podCIDR}), so the pod ARPs for it directly and gets ${neighbour}`;
    this.hop({
      node: node.name, netns: pod.name, device: 'eth0', component: 'app', step: 'send', packet,
      action: `${action} Route: ${route.text}. ${arp}.`,
    });
    this.hop({
      node: node.name, netns: node.name, device: pod.hostVeth, component: 'veth', step: 'veth', packet,
      action: `The frame leaves ${pod.name}'s eth0 and appears on ${pod.hostVeth}, its veth peer in ${node.name}'s root namespace and a port of cni0.`,
    });
    return this.bridgeIn({ node, inDev: pod.hostVeth, fromPod: pod }, packet);
  }

  private deliverToPod(pod: PodModel, node: NodeModel, packet: Packet, device = 'eth0'): DeliveryOutcome {
    const problem = this.socketProblem(packet);
    if (problem !== null) {
      this.hop({ node: node.name, netns: pod.name, device, component: 'socket', step: 'deliver', packet, action: problem });
      return { kind: 'reset', reason: problem };
    }
    const payload = packet.payload ? ` ${packet.payload}` : '';
    this.hop({
      node: node.name, netns: pod.name, device, component: 'socket', step: 'deliver', packet,
      action: `${pod.name} receives ${describe(packet)}.${payload}`,
    });
    return { kind: 'delivered', pod, host: null, packet };
  }

  // ---- bridge -------------------------------------------------------------------------------

  private bridgeIn(arrival: Arrival, packet: Packet): DeliveryOutcome {
    const { node } = arrival;
    const toBridge = packet.dstMac === node.bridgeMac;
    const brnf = this.cluster.network.brNetfilter;
    const how = toBridge
      ? `The destination MAC is cni0's own, so the frame is for the host's IP stack${brnf ? '; br_netfilter runs the IPv4 netfilter hooks for it at the bridge' : ''}.`
      : `The destination MAC belongs to another pod on this bridge: cni0 will switch it at L2${brnf ? ', and br_netfilter (bridge-nf-call-iptables=1) still runs the IPv4 hooks' : ' without any iptables hook'}.`;
    const port = arrival.inDev;
    const seen = brnf
      ? ` (br_netfilter runs these hooks at the bridge port ${port}, before the frame reaches cni0 itself, so "tcpdump -i cni0" never shows it with this destination: only after a DNAT, and not at all if the endpoint is on this node.)`
      : '';
    this.hop({ node: node.name, netns: node.name, device: port, component: 'bridge', step: 'bridge-in', packet, action: `${how}${toBridge ? seen : ''}` });
    if (!toBridge && !brnf) return this.bridgeForward(arrival, packet, false);
    return this.preRouting(arrival, packet, toBridge ? 'host' : 'bridged');
  }

  private bridgeForward(arrival: Arrival, packet: Packet, routed: boolean): DeliveryOutcome {
    const { node } = arrival;
    const pod = this.podByIP(packet.dst);
    if (pod === null || pod.nodeName !== node.name) {
      if (routed && nodeContains(node, packet.dst)) {
        // Out of cni0 from its own MAC; the destination MAC is the stale neighbour entry's (the
        // deleted pod's, which the model no longer has) or none yet while ARP asks (seen on a real
        // kernel: a datagram moments after the deletion goes out to the old pod's MAC).
        packet.srcMac = node.bridgeMac;
        packet.dstMac = '';
        const action = `No pod owns ${packet.dst} on ${node.name} any more: its veth left cni0 with the pod. The route "${node.podCIDR} dev cni0" still matches, so the kernel needs a neighbour entry on cni0: a stale one (the pod's old MAC, left in the neighbour table: nothing flushes it when the veth goes) sends the frame out of cni0 from ${node.bridgeMac} to a MAC no bridge port has (cni0 floods it, nobody takes it); a fresh ARP "who-has ${packet.dst}" goes unanswered, and after its probes fail (about 3 s) the kernel drops the queued packet and reports ICMP host unreachable to ${packet.src}. Either way this ${packet.proto === 'UDP' ? 'datagram' : 'packet'} is lost.`;
        this.hop({ node: node.name, netns: node.name, device: 'cni0', component: 'bridge', step: 'bridge-forward', packet, action });
        return { kind: 'dropped', reason: `${packet.dst} no longer exists on ${node.name}: the ${packet.proto === 'UDP' ? 'datagram' : 'packet'} is lost at cni0` };
      }
      return { kind: 'dropped', reason: `no pod with ${packet.dst} on ${node.name}` };
    }
    if (routed) {
      packet.srcMac = node.bridgeMac;
      packet.dstMac = pod.mac;
    }
    const hairpin = arrival.fromPod !== null && arrival.fromPod.name === pod.name && arrival.fromPod.namespace === pod.namespace;
    const arp = routed ? `The neighbour table gives ${pod.name}'s MAC ${pod.mac}; ` : '';
    this.hop({
      node: node.name, netns: node.name, device: pod.hostVeth, component: 'bridge', step: hairpin ? 'hairpin' : 'bridge-forward', packet,
      action: hairpin
        ? `${arp}cni0's forwarding database points back out of ${pod.hostVeth}, the port the frame came in on. Only hairpin mode on that port (the bridge plugin's hairpinMode: true) lets it turn around.`
        : `${arp}cni0 looks up ${packet.dstMac} in its forwarding database (bridge fdb) and sends the frame out of port ${pod.hostVeth}, into ${pod.name}.`,
    });
    return this.deliverToPod(pod, node, packet);
  }

  /** What the receiving socket accepts; set by the caller for request and reply. */
  expectation: SocketExpectation = ANY_SOCKET;

  private socketProblem(packet: Packet): string | null {
    return socketProblem(this.expectation, packet, this.cluster, this.hops);
  }

  // ---- netfilter ------------------------------------------------------------------------------

  private preRouting(arrival: Arrival, packet: Packet, path: 'host' | 'bridged' | 'routed'): DeliveryOutcome {
    const { node } = arrival;
    const tables = this.tablesOf(node);
    const proto = ctProto(packet.proto);
    const found = lookup(this.ctTable(node.name), proto, tupleOf(packet));
    let entry: CtEntry;
    let dstChanged = false;
    let dir: 'original' | 'reply' = 'original';
    if (found !== null) {
      dir = found.dir;
      entry = found.entry;
      if (found.dir === 'reply') entry.seenReply = true;
      const dirText = found.dir === 'reply' ? "matches the entry's reply tuple: this packet belongs to an existing connection" : 'matches an existing entry';
      this.hop({
        node: node.name, netns: node.name, device: devOf(arrival, path), component: 'conntrack', step: 'conntrack-match', packet, hook: 'PREROUTING', entry,
        action: `conntrack (PREROUTING, priority -200) looks the packet up and ${dirText}. The nat table is not consulted again.`,
      });
      if (found.dir === 'reply' && entry.srcNat) {
        this.unSnat(node, packet, entry, devOf(arrival, path), 'PREROUTING');
        dstChanged = true;
      }
      if (found.dir === 'original' && entry.dstNat) {
        // A later packet of a DNATed flow: the entry, not the rules, decides where it goes.
        const from = hostPort(packet.dst, packet.dport);
        packet.dst = entry.reply.src;
        packet.dport = entry.reply.sport;
        dstChanged = true;
        const to = hostPort(packet.dst, packet.dport);
        this.hop({
          node: node.name, netns: node.name, device: devOf(arrival, path), component: 'conntrack', step: 'dnat', packet, hook: 'PREROUTING', entry,
          rewrite: { kind: 'DNAT', from, to, table: null, chain: null, rule: null },
          action: `Not a new flow, so no iptables rule runs: conntrack's NAT hook (PREROUTING, priority -100) applies the DNAT stored in the entry and rewrites the destination ${from} to ${to}, whatever kube-proxy's rules say now.`,
        });
      }
    } else {
      entry = newEntry(proto, tupleOf(packet));
      this.ctTable(node.name).push(entry);
      this.hop({
        node: node.name, netns: node.name, device: devOf(arrival, path), component: 'conntrack', step: 'conntrack-new', packet, hook: 'PREROUTING', entry,
        action: `conntrack (PREROUTING, priority -200) finds no entry, so this is a NEW connection: it records the original tuple and, for now, the mirror-image reply tuple.`,
      });
      const t = traverse(tables.nat, 'PREROUTING', this.ctx(node, packet, 'NEW', false, devOf(arrival, path), null), this.options.chooser);
      packet.mark = t.mark;
      if (t.verdict === 'DNAT' && t.dnatTo !== null && t.verdictRule !== null) {
        const from = this.applyDnat(packet, entry, t.dnatTo);
        dstChanged = true;
        const sep = t.verdictRule.chain;
        const natCtx = { hook: 'PREROUTING' as const, node: node.name, src: entry.orig.src, dst: entry.orig.dst, dport: entry.orig.dport, stickySeconds: this.stickySecondsOf(node, t.verdictRule) };
        this.hop({
          node: node.name, netns: node.name, device: devOf(arrival, path), component: 'netfilter', step: 'dnat', packet, hook: 'PREROUTING', entry, traversal: t,
          rewrite: { kind: 'DNAT', from, to: t.dnatTo, table: 'nat', chain: sep, rule: restoreLine(t.verdictRule) },
          action: dnatText(t, natCtx, t.dnatTo, describeLottery(t)),
        });
      } else {
        const ipvsText = this.ipvsMode() ? describeIpvsPrerouting(t, hostPort(packet.dst, packet.dport), this.cluster.proxy.clusterCIDR, packet.src) : null;
        this.hop({
          node: node.name, netns: node.name, device: devOf(arrival, path), component: 'netfilter', step: 'no-dnat', packet, hook: 'PREROUTING', entry, traversal: t,
          action: ipvsText ?? noDnatText(t, { hook: 'PREROUTING', node: node.name, src: packet.src, dst: packet.dst, dport: packet.dport, stickySeconds: null }, `nat PREROUTING (priority -100): no KUBE-SERVICES rule matches ${hostPort(packet.dst, packet.dport)}, so the destination stays as it is${node.name === this.nodeOfIP(packet.src)?.name ? '' : ' (any Service DNAT already happened on the client\'s node)'}.`),
        });
      }
    }
    return this.route(arrival, packet, path, entry, dir, dstChanged);
  }

  private route(
    arrival: Arrival,
    packet: Packet,
    path: 'host' | 'bridged' | 'routed',
    entry: CtEntry,
    dir: 'original' | 'reply',
    dstChanged: boolean,
  ): DeliveryOutcome {
    const { node } = arrival;
    const routes = nodeRoutes(this.cluster, node);
    const route = lookupRoute(routes, packet.dst);
    if (route === null) return { kind: 'dropped', reason: `${node.name} has no route to ${packet.dst}` };
    if (this.ipvsMode() && this.ipvsTakes(node, packet)) return this.ipvsLocalIn(arrival, packet, path, entry);
    if (this.isLocal(node, packet.dst)) return this.deliverLocally(arrival, packet, path, entry, dir);
    if (route.blackhole) {
      this.hop({
        node: node.name, netns: node.name, device: devOf(arrival, path), component: 'routing', step: 'route', packet, entry,
        action: `Routing: the longest match for ${packet.dst} is "${route.text}": the address is in one of ${node.name}'s own Calico blocks but no pod holds it (no /32 route), so the kernel discards the packet.`,
      });
      return { kind: 'dropped', reason: `${packet.dst} is in ${node.name}'s Calico block but no pod has it: the blackhole route discards it` };
    }
    const viaBridge = path !== 'routed';
    const staysOnBridge = viaBridge && route.dev === 'cni0' && this.cluster.network.brNetfilter;
    const isNew = !entry.confirmed;
    const ctstate: CtState = isNew ? 'NEW' : 'ESTABLISHED';
    if (staysOnBridge && path === 'bridged' && !dstChanged) {
      // Plain L2 switching between two pods: no routing decision at all.
    } else if (staysOnBridge) {
      const target = this.podByIP(packet.dst);
      packet.dstMac = target?.mac ?? packet.dstMac;
      this.hop({
        node: node.name, netns: node.name, device: 'cni0', component: 'routing', step: 'route', packet, entry,
        action: `br_netfilter re-routes the rewritten packet: ${route.text}. The output device is cni0, the bridge it arrived on, so it takes the "bridged DNAT" path: the neighbour entry sets the destination MAC to ${packet.dstMac} and the frame is switched, not IP-forwarded (the TTL stays ${packet.ttl}).`,
      });
    } else {
      packet.ttl -= 1;
      this.hop({
        node: node.name, netns: node.name, device: route.dev, component: 'routing', step: 'route', packet, entry,
        action: `Routing: the route "${route.text}" matches ${packet.dst}, so the packet is forwarded from ${devOf(arrival, path)} to ${route.dev}. ip_forward decrements the TTL to ${packet.ttl}.`,
      });
    }

    // ip_forward's MTU check (before the FORWARD hook): a DF packet larger than the output device's MTU.
    const devMtu = deviceMtu(this.cluster.network.cni, this.cluster.network.underlayMtu, route.dev);
    if (packet.length !== undefined && packet.length > devMtu && packet.df && !staysOnBridge) {
      this.hop({
        node: node.name, netns: node.name, device: route.dev, component: 'routing', step: 'route', packet, entry,
        action: `ip_forward: the packet is ${packet.length} bytes with DF set, more than ${route.dev}'s MTU ${devMtu}, so it is not forwarded: the kernel drops it and sends ICMP fragmentation needed (type 3 code 4, next-hop MTU ${devMtu}) to ${packet.src}, whose TCP lowers its path MTU and resends smaller segments.`,
      });
      return { kind: 'dropped', reason: `${packet.length} bytes with DF exceed ${route.dev}'s MTU ${devMtu} on ${node.name}: dropped with ICMP fragmentation needed to ${packet.src}` };
    }

    // filter FORWARD
    const tables = this.tablesOf(node);
    const fwd = traverse(tables.filter, 'FORWARD', this.ctx(node, packet, ctstate, entry.dstNat, devOf(arrival, path), route.dev), this.options.chooser);
    if (fwd.verdict === 'REJECT' && fwd.verdictRule) {
      this.hop({
        node: node.name, netns: node.name, device: route.dev, component: 'netfilter', step: 'reject', packet, hook: 'FORWARD', traversal: fwd,
        action: `filter FORWARD jumps to KUBE-SERVICES (ctstate NEW), where "${commentOf(fwd.verdictRule)}" matches: REJECT. The packet is dropped, its unconfirmed conntrack entry with it (conntrack -L never lists it), and the kernel answers with ICMP port unreachable.`,
      });
      return this.icmpUnreachable(arrival, packet);
    }
    if (fwd.verdict === 'DROP') {
      const calicoDrop = fwd.verdictRule !== null && fwd.verdictRule.chain.startsWith('cali-') ? this.calicoDropText(node, packet, fwd) : null;
      const why = calicoDrop === null && fwd.verdictRule ? dropWhy(fwd.verdictRule, packet) : '';
      this.hop({ node: node.name, netns: node.name, device: route.dev, component: 'netfilter', step: 'filter-forward', packet, hook: 'FORWARD', entry, traversal: fwd, action: calicoDrop?.action ?? `filter FORWARD drops the packet.${why}` });
      return { kind: 'dropped', reason: calicoDrop?.reason ?? `filter FORWARD on ${node.name} dropped it.${why}` };
    }
    this.hop({
      node: node.name, netns: node.name, device: route.dev, component: 'netfilter', step: 'filter-forward', packet, hook: 'FORWARD', entry, traversal: fwd,
      action: `filter FORWARD (priority 0): ${describeForward(fwd, ctstate, this.ipvsMode())}`,
    });
    // MARK rules in FORWARD (Felix's accept mark 0x10000) stay on the skb for the later hooks.
    packet.mark = fwd.mark;

    // nat POSTROUTING, or the reverse NAT (conntrack's, or IPVS's at FORWARD) for packets of a known connection.
    const ipvsConn = !isNew && dir === 'reply' ? this.ipvsReplyConn(node, packet) : null;
    if (isNew) {
      this.postroutingNew(node, packet, entry, route);
    } else if (ipvsConn !== null) {
      this.ipvsUnDnat(node, packet, ipvsConn, route.dev, entry);
    } else if (dir === 'reply' && entry.dstNat) {
      this.unDnat(node, packet, entry, route.dev);
    }

    return this.egress(arrival, packet, route, staysOnBridge);
  }

  /** nat POSTROUTING for a NEW connection: KUBE-POSTROUTING, FLANNEL-POSTRTG; then conntrack confirms the entry. */
  private postroutingNew(node: NodeModel, packet: Packet, entry: CtEntry, route: Route): void {
    const tables = this.tablesOf(node);
    {
      const out = traverse(tables.nat, 'POSTROUTING', this.ctx(node, packet, 'NEW', entry.dstNat, null, route.dev), this.options.chooser);
      packet.mark = out.mark;
      if (out.verdict === 'MASQUERADE' && out.verdictRule) {
        const from = hostPort(packet.src, packet.sport);
        packet.src = deviceAddress(this.cluster, node, route.dev);
        // Only a rule with --random-fully draws a new port (KUBE-LOOP-BACK's MASQUERADE has none).
        const randomFully = out.verdictRule.args.includes('--random-fully');
        packet.sport = randomFully ? this.options.randomPort() : packet.sport;
        entry.srcNat = true;
        entry.reply = { ...entry.reply, dst: packet.src, dport: packet.sport };
        entry.confirmed = true;
        const byFlannel = out.verdictRule.chain === 'FLANNEL-POSTRTG';
        const byCalico = out.verdictRule.chain.startsWith('cali-');
        const loopBack = out.verdictRule.args.includes('KUBE-LOOP-BACK');
        // flanneld writes two MASQUERADE rules: pod network to the outside, and the outside to a pod network it does not route locally.
        const intoPods = byFlannel && out.verdictRule.args.join(' ').includes('! -s');
        const who = intoPods
          ? `flanneld's FLANNEL-POSTRTG masquerades traffic from outside the pod network to a pod on another node ("! -s ${this.cluster.network.podNetwork} -d ${this.cluster.network.podNetwork}"), so that the pod's answer comes back through this node`
          : byFlannel
          ? `flanneld's FLANNEL-POSTRTG masquerades traffic from the pod network to a destination outside it`
          : byCalico
            ? `Calico's cali-nat-outgoing masquerades traffic from an IP pool with natOutgoing (ipset cali40masq-ipam-pools) to a destination outside every pool (not in cali40all-ipam-pools)`
          : loopBack
            ? `KUBE-POSTROUTING's first rule finds ${packet.dst},${packet.proto.toLowerCase()}:${packet.dport},${packet.src} in the ipset KUBE-LOOP-BACK (the pod is talking to itself through its Service: hairpin) and MASQUERADEs`
            : `KUBE-POSTROUTING sees the 0x4000 mark, clears it and MASQUERADEs`;
        const fromPodNetwork = this.podByIP(from.split(':')[0]!) !== null;
        const sees = fromPodNetwork ? '' : ` The endpoint will see ${packet.src}, not the client ${from.split(':')[0]}.`;
        this.hop({
          node: node.name, netns: node.name, device: route.dev, component: 'netfilter', step: 'masquerade', packet, hook: 'POSTROUTING', entry, traversal: out,
          rewrite: { kind: 'MASQUERADE', from, to: hostPort(packet.src, packet.sport), table: 'nat', chain: out.verdictRule.chain, rule: restoreLine(out.verdictRule) },
          action: `nat POSTROUTING (priority +100): ${who}: the source becomes ${packet.src}, ${route.dev.startsWith('cali') ? `the node's own address: ${route.dev} has none, so MASQUERADE takes the address the kernel selects for the node (derived, not captured)` : `the address of the outgoing device ${route.dev}`}${randomFully ? ', with a random source port (--random-fully)' : ', keeping the source port (the rule has no --random-fully)'}.${sees}`,
        });
      } else {
        entry.confirmed = true;
        this.hop({
          node: node.name, netns: node.name, device: route.dev, component: 'netfilter', step: 'postrouting', packet, hook: 'POSTROUTING', entry, traversal: out,
          action: `nat POSTROUTING (priority +100): ${describePostrouting(out)} No SNAT: the source stays ${hostPort(packet.src, packet.sport)}. At the end of POSTROUTING conntrack confirms the entry: from now on conntrack -L lists it.`,
        });
      }
    }
  }

  private egress(arrival: Arrival, packet: Packet, route: Route, staysOnBridge: boolean): DeliveryOutcome {
    const { node } = arrival;
    if (isCalico(this.cluster.network.cni)) {
      if (route.dev.startsWith('cali')) return this.calicoToPod(node, packet, route);
      if (route.dev === IPIP_DEV && route.via !== null) return this.calicoIpip(node, packet, route.via);
      if (route.dev === CALICO_VXLAN_DEV && route.via !== null) return this.calicoVxlan(node, packet, route.via);
    }
    if (route.dev === 'cni0') return this.bridgeForward(arrival, packet, !staysOnBridge);
    if (route.dev === 'flannel.1' && route.via !== null) return this.vxlan(node, packet, route.via);
    const nextHop = route.via ?? packet.dst;
    const peer = this.cluster.nodes.find((n) => n.name !== node.name && nextHop === n.internalIP);
    if (route.dev === 'eth0' && peer) return this.wireTo(node, peer, packet);
    if (route.dev === 'eth0' && this.external !== null && nextHop === this.external.ip) return this.deliverToExternal(node, packet, this.external);
    return { kind: 'dropped', reason: `${hostPort(packet.dst, packet.dport)} leaves ${node.name} through ${route.dev} towards ${route.via ?? 'the node network'}: outside the simulated cluster` };
  }


  // ---- Calico: no bridge, proxy ARP, /32 routes, tunl0 or vxlan.calico -------------------------

  private calicoSend(pod: PodModel, node: NodeModel, packet: Packet, action: string): DeliveryOutcome {
    const route = lookupRoute(podRoutes(this.cluster, pod, node), packet.dst);
    if (route === null) return { kind: 'dropped', reason: `${pod.name} has no route to ${packet.dst}` };
    const veth = caliVethName(pod.namespace, pod.name);
    packet.srcMac = pod.mac;
    packet.dstMac = CALICO_VETH_MAC;
    this.hop({
      node: node.name, netns: pod.name, device: 'eth0', component: 'app', step: 'send', packet,
      action: `${action} Route: ${route.text}. The pod's address is a /32, so every destination, even a pod on the same node, goes to the gateway ${CALICO_GATEWAY}, an address no interface has: the pod ARPs for it and ${veth}, the host end of its veth, answers by proxy ARP (proxy_arp=1) with its fixed MAC ${CALICO_VETH_MAC}; the kernel answers only because ${node.name} has a route for 169.254.1.1 through another interface (its default route).`,
    });
    this.hop({
      node: node.name, netns: node.name, device: veth, component: 'veth', step: 'veth', packet,
      action: `The frame leaves ${pod.name}'s eth0 and appears on ${veth}, its veth peer in ${node.name}'s root namespace ("cali" + the first 11 hex digits of sha1("${pod.namespace}.${pod.name}")). ${veth} is on no bridge and has no address: the frame is for the host's IP stack, which routes the packet (Flannel would switch it on cni0).`,
    });
    return this.preRouting({ node, inDev: veth, fromPod: pod }, packet, 'routed');
  }

  private calicoToPod(node: NodeModel, packet: Packet, route: Route): DeliveryOutcome {
    const pod = podOfCaliVeth(this.cluster, node, route.dev);
    if (pod === null) return { kind: 'dropped', reason: `no pod behind ${route.dev} on ${node.name}` };
    packet.srcMac = CALICO_VETH_MAC;
    packet.dstMac = pod.mac;
    this.hop({
      node: node.name, netns: node.name, device: route.dev, component: 'veth', step: 'veth', packet,
      action: `The route "${route.text}" sends the packet out of ${route.dev}. The neighbour entry for ${pod.ip} on ${route.dev} gives ${pod.name}'s eth0 MAC ${pod.mac}; the source MAC is ${route.dev}'s own, ${CALICO_VETH_MAC}. The frame crosses the veth into ${pod.name}: routed, not bridged.`,
    });
    return this.deliverToPod(pod, node, packet);
  }

  private calicoIpip(node: NodeModel, packet: Packet, via: string): DeliveryOutcome {
    const peer = this.cluster.nodes.find((n) => n.internalIP === via);
    if (peer === undefined) return { kind: 'dropped', reason: `no node has the address ${via} (the tunl0 route's gateway)` };
    const sameSubnet = nodeSubnet(node) === nodeSubnet(peer);
    const mtu = this.cluster.network.underlayMtu - IPIP_OVERHEAD;
    packet.srcMac = '';
    packet.dstMac = '';
    packet.outer = {
      src: node.internalIP, dst: peer.internalIP, srcMac: node.eth0Mac, dstMac: sameSubnet ? peer.eth0Mac : macFor(`router@${nodeSubnet(node)}`),
      proto: 'IPIP', sport: null, dport: null, vni: null, ttl: packet.ttl,
    };
    this.hop({
      node: node.name, netns: node.name, device: IPIP_DEV, component: 'ipip', step: 'encap', packet,
      action: `tunl0 (IP-in-IP, MTU ${mtu}) is the kernel's catch-all ipip device ("ipip any remote any local any ttl inherit"): the route's gateway ${via}, ${peer.name}'s own address, becomes the outer destination, so no neighbour or FDB entry is involved. The kernel prepends a ${IPIP_OVERHEAD}-byte outer IPv4 header, ${node.internalIP} -> ${peer.internalIP}, protocol 4, its TTL inherited from the inner packet (${packet.ttl}). There is no inner Ethernet header: tunl0 is a layer-3 device. The outer packet is ${node.name}'s own (filter OUTPUT: cali-OUTPUT's "Allow IPIP packets to other Calico hosts").`,
    });
    return this.wireTo(node, peer, packet);
  }

  private calicoVxlan(node: NodeModel, packet: Packet, gwTunnel: string): DeliveryOutcome {
    const peer = this.cluster.nodes.find((n) => calicoNode(this.cluster, n).vxlanTunnelAddr === gwTunnel);
    if (peer === undefined) return { kind: 'dropped', reason: `no node owns the VXLAN tunnel address ${gwTunnel}` };
    const sameSubnet = nodeSubnet(node) === nodeSubnet(peer);
    packet.srcMac = calicoVxlanMac(node);
    packet.dstMac = calicoVxlanMac(peer);
    packet.outer = {
      src: node.internalIP, dst: peer.internalIP, srcMac: node.eth0Mac, dstMac: sameSubnet ? peer.eth0Mac : macFor(`router@${nodeSubnet(node)}`),
      proto: 'UDP', sport: vxlanSourcePort(packet), dport: CALICO_VXLAN_PORT, vni: CALICO_VXLAN_VNI, ttl: 64,
    };
    const mtu = this.cluster.network.underlayMtu - VXLAN_OVERHEAD;
    // The outer packet is the node's own. It inherits the inner packet's skb mark (the vxlan driver
    // scrubs it only when the tunnel crosses network namespaces), but Felix's raw cali-OUTPUT clears
    // its mark bits first and NOTRACKs it (no conntrack entry, no nat table), so filter cali-OUTPUT
    // does not take the accept mark 0x10000 set in FORWARD: the VXLAN allow rule accepts it.
    const outer = { ...this.outerPacket(packet), mark: packet.mark & ~CALICO_MARK_BITS };
    const output = traverse(this.tablesOf(node).filter, 'OUTPUT', this.ctx(node, outer, 'UNTRACKED', false, null, 'eth0'), this.options.chooser);
    const accepted = output.fired.at(-1)?.line ?? '';
    const how = /--mark 0x10000\/0x10000 -j ACCEPT/.test(accepted)
      ? `cali-OUTPUT accepts it at once on the accept mark 0x10000`
      : `cali-OUTPUT accepts it ("Allow IPv4 VXLAN packets to other allowed hosts")`;
    this.hop({
      node: node.name, netns: node.name, device: CALICO_VXLAN_DEV, component: 'vxlan', step: 'encap', packet, also: [output],
      action: `${CALICO_VXLAN_DEV} (VXLAN, VNI ${CALICO_VXLAN_VNI}, UDP ${CALICO_VXLAN_PORT}, MTU ${mtu}) resolves the gateway ${gwTunnel}, ${peer.name}'s tunnel address, with the permanent neighbour entry Felix programmed (${calicoVxlanMac(peer)}), and Felix's FDB entry maps that MAC to ${peer.internalIP}. The kernel wraps the frame: outer IPv4 ${node.internalIP} -> ${peer.internalIP}, UDP dport ${CALICO_VXLAN_PORT} (the IANA port; Flannel uses the kernel's 8472), VXLAN VNI ${CALICO_VXLAN_VNI}: ${VXLAN_OVERHEAD} bytes of headers. In table raw, Felix's cali-OUTPUT clears its mark bits (0xf0000${(packet.mark & CALICO_MARK_BITS) === 0 ? '' : `: the outer packet inherited the inner one's mark 0x${(packet.mark & CALICO_MARK_BITS).toString(16)}`}) and "-p udp --dport ${CALICO_VXLAN_PORT} -j NOTRACK" (Calico v3.29 and later) keeps the outer flow out of conntrack (Flannel's outer flow gets an entry) and so out of the nat table; in filter OUTPUT ${how}.`,
    });
    return this.wireTo(node, peer, packet);
  }

  private calicoDecap(node: NodeModel, peer: NodeModel, packet: Packet): DeliveryOutcome {
    const ipip = packet.outer?.proto === 'IPIP';
    const outerOf = ipip ? null : this.outerPacket(packet);
    packet.outer = null;
    packet.mark = 0; // skb marks do not cross the wire
    if (ipip) {
      this.hop({
        node: peer.name, netns: peer.name, device: IPIP_DEV, component: 'ipip', step: 'decap', packet,
        action: `${peer.name} receives protocol 4 addressed to itself on eth0; filter INPUT's cali-INPUT accepts it ("Allow IPIP packets from Calico hosts": ${node.internalIP} is in ipset cali40all-hosts-net). The ipip module strips the outer header and the inner packet arrives on tunl0, as if received there.`,
      });
      return this.preRouting({ node: peer, inDev: IPIP_DEV, fromPod: null }, packet, 'routed');
    }
    // The outer packet on the receiver: untracked (raw NOTRACK), so only filter INPUT sees it; no mark crosses the wire.
    const input = traverse(this.tablesOf(peer).filter, 'INPUT', this.ctx(peer, { ...outerOf!, mark: 0 }, 'UNTRACKED', false, 'eth0', null), this.options.chooser);
    packet.srcMac = calicoVxlanMac(node);
    packet.dstMac = calicoVxlanMac(peer);
    this.hop({
      node: peer.name, netns: peer.name, device: CALICO_VXLAN_DEV, component: 'vxlan', step: 'decap', packet, also: [input],
      action: `${peer.name} receives UDP ${CALICO_VXLAN_PORT} on eth0, untracked (raw NOTRACK); filter INPUT's cali-INPUT accepts it ("Allow IPv4 VXLAN packets from allowed hosts": ${node.internalIP} is in ipset cali40all-vxlan-net). The VXLAN socket of ${CALICO_VXLAN_DEV} (VNI ${CALICO_VXLAN_VNI}) strips the outer headers and the inner frame arrives on ${CALICO_VXLAN_DEV}.`,
    });
    return this.preRouting({ node: peer, inDev: CALICO_VXLAN_DEV, fromPod: null }, packet, 'routed');
  }

  /** Why Felix's chains dropped a forwarded packet, for the hop and the verdict. */
  private calicoDropText(node: NodeModel, packet: Packet, fwd: Traversal): { action: string; reason: string } {
    const rule = fwd.verdictRule!;
    const line = restoreLine(rule);
    const comment = [...line.matchAll(/--comment "([^"]+)"/g)].map((m) => m[1]!).find((x) => !x.startsWith('cali:')) ?? 'DROP';
    const iface = rule.chain.startsWith('cali-tw-') ? rule.chain.slice('cali-tw-'.length) : null;
    const pod = iface === null ? null : podOfCaliVeth(this.cluster, node, iface);
    const policies = pod === null ? [] : policiesFor(this.cluster, pod);
    if (pod !== null && policies.length > 0) {
      const names = policies.map((p) => `${p.namespace}/${p.name}`).join(', ');
      const chains = policies.map((p) => policyChainName('in', p)).join(', ');
      // With many pods the dispatch goes through a child chain (cali-to-wl-dispatch-<c>) first.
      const dispatch = fwd.fired.map((s) => s.rule.chain).filter((c) => c.startsWith('cali-to-wl-dispatch')).filter((c, i, all) => all.indexOf(c) === i).join(' and ') || 'cali-to-wl-dispatch';
      return {
        action: `filter FORWARD (priority 0): cali-FORWARD sends the packet, leaving through ${iface}, via ${dispatch} to ${rule.chain}, ${pod.name}'s ingress chain. NetworkPolicy ${names} selects ${pod.name} (Calico policy ${policies.map((p) => `knp.default.${p.name}`).join(', ')}, chain ${chains}), and none of its ingress rules sets the accept mark 0x10000 for ${packet.src}: "${comment}" DROPs it. Nothing is sent back, no RST and no ICMP error.`,
        reason: `Calico drops the ${packet.proto === 'UDP' ? 'datagram' : 'SYN'} on ${node.name} in filter FORWARD (${rule.chain}): NetworkPolicy ${names} selects ${pod.name} and none of its ingress rules admits ${packet.src}. The client hears nothing${packet.proto === 'UDP' ? '' : ' and retransmits the SYN (after 1 s, then 2, 4, 8 s...): curl waits, then reports "Connection timed out"'}.`,
      };
    }
    return {
      action: `filter FORWARD (priority 0): Calico's ${rule.chain} drops the packet ("${comment}").`,
      reason: `Calico's ${rule.chain} on ${node.name} dropped it ("${comment}")`,
    };
  }

  // ---- Flannel VXLAN -------------------------------------------------------------------------

  private vxlan(node: NodeModel, packet: Packet, gwVtep: string): DeliveryOutcome {
    const peer = nodeWithVtep(this.cluster, gwVtep);
    if (peer === null) return { kind: 'dropped', reason: `no node owns the VTEP ${gwVtep}` };
    const { vni, port } = this.cluster.network.vxlan;
    packet.srcMac = node.vtepMac;
    packet.dstMac = peer.vtepMac;
    const sameSubnet = nodeSubnet(node) === nodeSubnet(peer);
    packet.outer = {
      src: node.internalIP,
      dst: peer.internalIP,
      srcMac: node.eth0Mac,
      dstMac: sameSubnet ? peer.eth0Mac : macFor(`router@${nodeSubnet(node)}`),
      proto: 'UDP',
      sport: vxlanSourcePort(packet),
      dport: port,
      vni,
      ttl: 64,
    };
    const mtu = this.cluster.network.underlayMtu - VXLAN_OVERHEAD;
    // The outer packet is the node's own UDP traffic (ip_local_out): a NEW conntrack flow that
    // passes nat and filter OUTPUT and nat POSTROUTING like any other (seen on a real kernel). A
    // later packet of the same outer flow finds that entry: still [UNREPLIED], so filter OUTPUT sees
    // ctstate NEW, but the nat table only ever sees a flow's first packet (nf_nat_inet_fn).
    const outer = this.outerPacket(packet);
    const known = this.knownOuterFlow(node.name, outer);
    const hooks = known
      ? [traverse(this.tablesOf(node).filter, 'OUTPUT', this.ctx(node, outer, 'NEW', false, null, 'eth0'), this.options.chooser)]
      : this.localOut(node, outer, 'NEW', 'eth0');
    this.hop({
      node: node.name, netns: node.name, device: 'flannel.1', component: 'vxlan', step: 'encap', packet, also: hooks,
      action: `flannel.1 (VXLAN, VNI ${vni}, MTU ${mtu}) resolves the gateway ${gwVtep} with the permanent neighbour entry (${peer.vtepMac}), and its FDB maps that MAC to ${peer.internalIP}. The kernel wraps the frame: outer IPv4 ${node.internalIP} -> ${peer.internalIP}, UDP dport ${port}, VXLAN VNI ${vni}: ${VXLAN_OVERHEAD} bytes of headers. ` +
        (known
          ? `The outer source port ${outer.sport} comes from the packet's flow hash, the same as for this flow's earlier packets, so the outer packet belongs to ${node.name}'s own UDP flow they started: conntrack finds its entry (${outerConntrack(outer)}; still unreplied, so filter OUTPUT sees ctstate NEW), and the nat table, consulted only for a flow's first packet, is skipped (no nat OUTPUT or POSTROUTING).`
          : `The outer packet is ${node.name}'s own UDP traffic: it gets its own conntrack entry (${outerConntrack(outer)}) and passes OUTPUT and POSTROUTING, where no rule changes it.`),
    });
    return this.wireTo(node, peer, packet);
  }

  private wireTo(node: NodeModel, peer: NodeModel, packet: Packet): DeliveryOutcome {
    const pathMtu = this.cluster.network.underlayPathMtu;
    const onWire = packet.length === undefined ? undefined : packet.length + (packet.outer ? VXLAN_OVERHEAD : 0);
    if (pathMtu !== undefined && onWire !== undefined && onWire > pathMtu) {
      const eth0 = this.cluster.network.underlayMtu;
      const action = packet.outer
        ? `The outer packet is ${onWire} bytes (${packet.length} inner + ${VXLAN_OVERHEAD} of VXLAN headers). It fits flannel.1 (MTU ${eth0 - VXLAN_OVERHEAD}: the inner ${packet.length} bytes pass ip_forward) and eth0 (MTU ${eth0}: no local fragmentation), so ${node.name} sends it as one ${onWire}-byte frame. Its outer IPv4 header has DF clear (flanneld creates flannel.1 without a df setting, and the vxlan driver's default leaves DF unset), so a router could fragment it; but the node network between the nodes carries at most ${pathMtu} bytes at layer 2, and a switch neither fragments nor sends ICMP: it discards the oversized frame. Nothing reports the loss, so nobody lowers any MTU.`
        : `The packet is ${onWire} bytes; the node network carries at most ${pathMtu}. A switch neither fragments nor sends ICMP: it discards the oversized frame.`;
      this.hop({ node: node.name, netns: node.name, device: 'eth0', component: 'wire', step: 'wire', packet, action });
      return {
        kind: 'dropped',
        reason: `the ${onWire}-byte outer VXLAN packet carrying ${describe(packet)} (${packet.length} bytes, a full-size segment) is discarded on the node network between ${node.name} and ${peer.name}, whose real MTU is ${pathMtu}. No ICMP comes back, so the sender retransmits the same size (net.ipv4.tcp_mtu_probing is 0 by default: no black-hole detection). The handshake and small requests get through, the large response never arrives: curl hangs after "Connected" until it times out.`,
      };
    }
    if (packet.outer === null) {
      // host-gw: the inner packet itself crosses the wire.
      packet.srcMac = node.eth0Mac;
      packet.dstMac = peer.eth0Mac;
    }
    const calico = isCalico(this.cluster.network.cni);
    // Traffic for the peer node's own address (the API server, a NodePort) goes by the connected
    // route of the node network, whatever the CNI does with pod traffic.
    const toNodeItself = packet.outer === null && packet.dst === peer.internalIP;
    this.hop({
      node: node.name, netns: node.name, device: 'eth0', component: 'wire', step: 'wire', packet,
      action: toNodeItself
        ? `The packet leaves ${node.name}'s eth0 for ${peer.name}'s own address ${peer.internalIP}, a neighbour on the node network (the connected route of eth0): only the MACs are new, ${node.eth0Mac} to ${peer.eth0Mac}. The CNI's overlay or pod routes play no part; no outer header.`
        : packet.outer?.proto === 'IPIP'
        ? `The outer packet leaves ${node.name}'s eth0 for ${peer.name} (${peer.internalIP}) as IPv4 protocol 4 (IP-in-IP) on the node network: no UDP, no ports; only the two node addresses are visible outside.`
        : packet.outer
        ? `The outer packet leaves ${node.name}'s eth0 for ${peer.name} (${peer.internalIP}) as ordinary UDP on the node network; nothing between the nodes needs to know any pod address.`
        : calico
        ? `The packet leaves ${node.name}'s eth0 as it is, only the MACs new: ${node.name}'s eth0 (${node.eth0Mac}) to ${peer.name}'s eth0 (${peer.eth0Mac}), the next hop ${peer.internalIP} of the BGP route BIRD installed. No tunnel and no outer header (ipipMode and vxlanMode Never), so the MTU stays eth0's ${this.cluster.network.underlayMtu}; the network between the nodes must route pod addresses (here: one L2 segment, or routers that peer with Calico).`
        : `The packet leaves ${node.name}'s eth0 as it is, only the MACs new: ${node.name}'s eth0 (${node.eth0Mac}) to ${peer.name}'s eth0 (${peer.eth0Mac}), the next hop ${peer.internalIP} of flanneld's host-gw route. No tunnel device and no outer header, so the MTU stays eth0's ${this.cluster.network.underlayMtu}; the nodes must share one L2 segment.`,
    });
    if (packet.outer && calico) return this.calicoDecap(node, peer, packet);
    if (packet.outer) {
      const outer = this.outerPacket(packet);
      const known = this.knownOuterFlow(peer.name, outer);
      const hooks = known
        ? [traverse(this.tablesOf(peer).filter, 'INPUT', this.ctx(peer, outer, 'NEW', false, 'eth0', null), this.options.chooser)]
        : this.localIn(peer, outer, 'eth0');
      packet.outer = null;
      packet.srcMac = node.vtepMac;
      packet.dstMac = peer.vtepMac;
      this.hop({
        node: peer.name, netns: peer.name, device: 'flannel.1', component: 'vxlan', step: 'decap', packet, also: hooks,
        action: known
          ? `${peer.name} receives the outer UDP packet on eth0; its conntrack entry is the one this flow's earlier packets made (the same outer source port), so nat PREROUTING is skipped (a flow's first packet only) and filter INPUT sees ctstate NEW (the outer flow is never answered). It delivers UDP ${this.cluster.network.vxlan.port} to the VXLAN socket of flannel.1 (VNI ${this.cluster.network.vxlan.vni}), strips the outer headers, and the inner frame arrives on flannel.1 as if received from a wire.`
          : `${peer.name} receives the outer UDP packet on eth0 (its own conntrack entry; nat PREROUTING and filter INPUT, where nothing stops it), delivers UDP ${this.cluster.network.vxlan.port} to the VXLAN socket of flannel.1 (VNI ${this.cluster.network.vxlan.vni}), strips the outer headers, and the inner frame arrives on flannel.1 as if received from a wire.`,
      });
      packet.mark = 0; // skb marks do not cross the wire
      return this.preRouting({ node: peer, inDev: 'flannel.1', fromPod: null }, packet, 'routed');
    }
    packet.mark = 0;
    return this.preRouting({ node: peer, inDev: 'eth0', fromPod: null }, packet, 'routed');
  }

  /** A reply on a masqueraded connection: conntrack restores the original client as the destination. */
  private unSnat(node: NodeModel, packet: Packet, entry: CtEntry, device: string, hook: 'PREROUTING' | 'OUTPUT'): void {
    const from = hostPort(packet.dst, packet.dport);
    packet.dst = entry.orig.src;
    packet.dport = entry.orig.sport;
    this.hop({
      node: node.name, netns: node.name, device, component: 'conntrack', step: 'un-snat', packet, hook, entry,
      rewrite: { kind: 'un-SNAT', from, to: hostPort(packet.dst, packet.dport), table: null, chain: null, rule: null },
      action: `The connection was masqueraded, so conntrack rewrites the reply's destination from ${from} back to the original client ${hostPort(packet.dst, packet.dport)}, before routing.`,
    });
  }

  /** A reply on a DNATed connection: at POSTROUTING conntrack restores the Service address as the source. */
  private unDnat(node: NodeModel, packet: Packet, entry: CtEntry, device: string, hook: 'POSTROUTING' | 'INPUT' = 'POSTROUTING'): void {
    const from = hostPort(packet.src, packet.sport);
    packet.src = entry.orig.dst;
    packet.sport = entry.orig.dport;
    this.hop({
      node: node.name, netns: node.name, device, component: 'conntrack', step: 'un-dnat', packet, hook, entry,
      rewrite: { kind: 'un-DNAT', from, to: hostPort(packet.src, packet.sport), table: null, chain: null, rule: null },
      action: hook === 'POSTROUTING'
        ? `At POSTROUTING, conntrack's NAT hook sees a reply on a DNATed connection and rewrites the source from ${from} back to ${hostPort(packet.src, packet.sport)}, the address the client connected to. No iptables rule is involved: only the entry.`
        : `The reply is for a local socket, so the source is restored at INPUT (the NAT hook's SRC manip runs at POSTROUTING and at LOCAL_IN): ${from} back to ${hostPort(packet.src, packet.sport)}, the address the client connected to. No iptables rule is involved: only the entry.`,
    });
  }

  private outerPacket(packet: Packet): Packet {
    const o = packet.outer!;
    return { ...packet, proto: 'UDP', src: o.src, dst: o.dst, sport: o.sport ?? 0, dport: o.dport ?? 0, ttl: o.ttl, outer: null, mark: 0, payload: null };
  }

  /** A locally generated packet's hooks: nat OUTPUT (NEW only), filter OUTPUT, nat POSTROUTING (NEW only). */
  private localOut(node: NodeModel, packet: Packet, ctstate: CtState, outDev: string): Traversal[] {
    const tables = this.tablesOf(node);
    const out: Traversal[] = [];
    if (ctstate === 'NEW') out.push(traverse(tables.nat, 'OUTPUT', this.ctx(node, packet, ctstate, false, null, outDev), this.options.chooser));
    out.push(traverse(tables.filter, 'OUTPUT', this.ctx(node, packet, ctstate, false, null, outDev), this.options.chooser));
    if (ctstate === 'NEW') out.push(traverse(tables.nat, 'POSTROUTING', this.ctx(node, packet, ctstate, false, null, outDev), this.options.chooser));
    return out;
  }

  /** A packet for the node itself, seen by nat PREROUTING and filter INPUT as a NEW flow. */
  private localIn(node: NodeModel, packet: Packet, inDev: string): Traversal[] {
    const tables = this.tablesOf(node);
    return [
      traverse(tables.nat, 'PREROUTING', this.ctx(node, packet, 'NEW', false, inDev, null), this.options.chooser),
      traverse(tables.filter, 'INPUT', this.ctx(node, packet, 'NEW', false, inDev, null), this.options.chooser),
    ];
  }

  // ---- the node's own sockets (host-network endpoints such as kube-apiserver) ----------------

  private isLocal(node: NodeModel, ip: string): boolean {
    return nodeLocalAddresses(this.cluster, node).includes(ip);
  }

  /** A packet for one of the node's own addresses: routed to the local table, filter INPUT, a host socket. */
  private deliverLocally(arrival: Arrival, packet: Packet, path: 'host' | 'bridged' | 'routed', entry: CtEntry, dir: 'original' | 'reply'): DeliveryOutcome {
    const { node } = arrival;
    const dev = path === 'routed' ? arrival.inDev : 'cni0';
    this.hop({
      node: node.name, netns: node.name, device: dev, component: 'routing', step: 'route', packet, entry,
      action: `Routing: ${packet.dst} is one of ${node.name}'s own addresses ("local ${packet.dst} dev eth0 table local"), so the packet is delivered to the host itself (INPUT), not forwarded: the TTL stays ${packet.ttl}.`,
    });
    const input = traverse(this.tablesOf(node).filter, 'INPUT', this.ctx(node, packet, entry.confirmed ? 'ESTABLISHED' : 'NEW', entry.dstNat, dev, null), this.options.chooser);
    if (input.verdict === 'DROP' || input.verdict === 'REJECT') {
      const why = input.verdictRule ? dropWhy(input.verdictRule, packet) : '';
      this.hop({ node: node.name, netns: node.name, device: dev, component: 'netfilter', step: 'filter-input', packet, hook: 'INPUT', entry, traversal: input, action: `filter INPUT ${input.verdict === 'DROP' ? 'drops' : 'rejects'} the packet.${why}` });
      return { kind: 'dropped', reason: `filter INPUT on ${node.name} dropped it.${why}` };
    }
    const wasConfirmed = entry.confirmed;
    entry.confirmed = true;
    this.hop({
      node: node.name, netns: node.name, device: dev, component: 'netfilter', step: 'filter-input', packet, hook: 'INPUT', entry, traversal: input,
      action: wasConfirmed
        ? `filter INPUT (priority 0): the connection is known (ESTABLISHED), and nothing in INPUT stops it.`
        : `filter INPUT (priority 0): kube-proxy's and kubelet's INPUT chains (KUBE-PROXY-FIREWALL, KUBE-NODEPORTS, KUBE-EXTERNAL-SERVICES, KUBE-FIREWALL) have nothing against it. conntrack confirms the entry as the packet goes up to the socket.`,
    });
    // A reply on a DNATed connection for a local socket: the SRC manip happens at LOCAL_IN (nat INPUT hook).
    if (dir === 'reply' && entry.dstNat) this.unDnat(node, packet, entry, dev, 'INPUT');
    const problem = this.socketProblem(packet);
    if (problem !== null) {
      this.hop({ node: node.name, netns: node.name, device: 'eth0', component: 'socket', step: 'deliver', packet, action: problem });
      return { kind: 'reset', reason: problem };
    }
    const payload = packet.payload ? ` ${packet.payload}` : '';
    this.hop({
      node: node.name, netns: node.name, device: 'eth0', component: 'socket', step: 'deliver', packet,
      action: dir === 'reply'
        ? `The client's socket on ${node.name} (the node's own network namespace) receives ${describe(packet)}: from the address it connected to, so it accepts it.${payload}`
        : `A host-network process on ${node.name} listening on ${packet.dport} receives ${describe(packet)}.${payload}`,
    });
    return { kind: 'delivered', pod: null, host: node, packet };
  }

  /** A packet written by a host process: conntrack and nat at OUTPUT, routing, POSTROUTING, out. */
  sendFromHost(node: NodeModel, packet: Packet, action: string): DeliveryOutcome {
    const proto = ctProto(packet.proto);
    const found = lookup(this.ctTable(node.name), proto, tupleOf(packet));
    const route = lookupRoute(nodeRoutes(this.cluster, node), packet.dst);
    if (route === null) return { kind: 'dropped', reason: `${node.name} has no route to ${packet.dst}` };
    packet.srcMac = node.eth0Mac;
    this.hop({
      node: node.name, netns: node.name, device: route.dev, component: 'app', step: 'send', packet,
      action: `${action} Route: ${route.text}.`,
    });
    if (found === null) return this.hostNew(node, packet, route);
    const { entry, dir } = found;
    if (dir === 'reply') entry.seenReply = true;
    const output = this.localOut(node, packet, 'ESTABLISHED', route.dev);
    this.hop({
      node: node.name, netns: node.name, device: route.dev, component: 'conntrack', step: 'conntrack-match', packet, hook: 'OUTPUT', entry, also: output,
      action: `conntrack (OUTPUT, priority -200) matches the entry's reply tuple: the nat table is not consulted for an existing connection; filter OUTPUT lets it through.`,
    });
    if (dir === 'reply' && entry.srcNat) this.unSnat(node, packet, entry, route.dev, 'OUTPUT');
    const out = lookupRoute(nodeRoutes(this.cluster, node), packet.dst) ?? route;
    if (dir === 'reply' && entry.dstNat) this.unDnat(node, packet, entry, out.dev);
    else if (dir === 'reply') {
      // A local real server's reply: IPVS un-NATs it at LOCAL_OUT (ip_vs_out, priority NAT_DST + 1).
      const ipvsConn = this.ipvsReplyConn(node, packet);
      if (ipvsConn !== null) this.ipvsUnDnat(node, packet, ipvsConn, out.dev, entry, 'OUTPUT');
    }
    return this.egress({ node, inDev: 'lo', fromPod: null }, packet, out, false);
  }

  // ---- kube-proxy IPVS mode ------------------------------------------------------------------

  private ipvsMode(): boolean {
    return this.cluster.proxy.mode === 'ipvs';
  }

  private ipvsTable(nodeName: string): IpvsConn[] {
    return listOf(this.ipvsConns, nodeName);
  }

  /** Persistence templates (ip_vs_sched_persist), per node: one per client IP and persistent virtual service. */
  private ipvsTemplates(nodeName: string): IpvsConn[] {
    return listOf(this.ipvsPersistence, nodeName);
  }

  /**
   * IPVS takes a packet at LOCAL_IN when it is for a ClusterIP (bound to kube-ipvs0) or for a
   * NodePort virtual service on one of the node's own addresses (kube-proxy creates one per node
   * address and binds none of them to kube-ipvs0).
   */
  private ipvsTakes(node: NodeModel, packet: Packet): boolean {
    const state = ipvsNodeState(this.cluster, node);
    if (state.dummyAddresses.includes(packet.dst)) return true;
    return this.isLocal(node, packet.dst) && findVirtualServer(state, packet.proto, packet.dst, packet.dport)?.kind === 'node-port';
  }

  private ipvsReplyConn(node: NodeModel, packet: Packet): IpvsConn | null {
    if (!this.ipvsMode()) return null;
    return findReplyConn(this.ipvsTable(node.name), packet.proto, packet.src, packet.sport, packet.dst, packet.dport);
  }

  /**
   * A packet for a ClusterIP on kube-ipvs0: the local table delivers it (INPUT), filter INPUT runs,
   * then IPVS (LOCAL_IN, priority 99) schedules a real server, rewrites the destination and
   * transmits it (ip_vs_nat_xmit): a route lookup, TTL - 1, LOCAL_OUT and POSTROUTING. No FORWARD.
   */
  private ipvsLocalIn(arrival: Arrival, packet: Packet, path: 'host' | 'bridged' | 'routed', entry: CtEntry): DeliveryOutcome {
    const { node } = arrival;
    const dev = devOf(arrival, path);
    const state = ipvsNodeState(this.cluster, node);
    const target = hostPort(packet.dst, packet.dport);
    const found = findVirtualServer(state, packet.proto, packet.dst, packet.dport);
    const nodePort = found?.kind === 'node-port';
    this.hop({
      node: node.name, netns: node.name, device: dev, component: 'routing', step: 'route', packet, entry,
      action: nodePort
        ? `Routing: ${packet.dst} is one of ${node.name}'s own addresses ("local ${packet.dst} dev ${localAddressDevice(this.cluster, node, packet.dst) ?? 'eth0'} table local"), so the packet is for this host (INPUT), not forwarded, and the TTL stays ${packet.ttl}. No process listens on ${packet.dport}: kube-proxy made the IPVS virtual service ${vsName(found!)} on this address, one per node address for the NodePort (none of them is bound to kube-ipvs0).`
        : `Routing: ${packet.dst} is bound to the dummy device kube-ipvs0, so the local table holds "${dummyLocalRoute(packet.dst)}": the packet is for this host (INPUT), not forwarded, and the TTL stays ${packet.ttl}.`,
    });
    const isNew = !entry.confirmed;
    const input = traverse(this.tablesOf(node).filter, 'INPUT', this.ctx(node, packet, isNew ? 'NEW' : 'ESTABLISHED', false, dev, null), this.options.chooser);
    if (input.verdict === 'REJECT' && input.verdictRule) {
      this.hop({
        node: node.name, netns: node.name, device: dev, component: 'netfilter', step: 'reject', packet, hook: 'INPUT', traversal: input,
        action: `filter INPUT jumps to KUBE-IPVS-FILTER: ${target} is on kube-ipvs0 (KUBE-IPVS-IPS) but in none of the Service sets, so it is REJECTed (kubernetes#72236: no way into the node's other ports through a VIP).`,
      });
      // The REJECT's ICMP error answers a packet for a local address, so its source is that address (icmp_send).
      return this.icmpUnreachable(arrival, packet, { from: packet.dst, reason: `${target} is a ClusterIP address but not a Service port: KUBE-IPVS-FILTER REJECTs it with ICMP port unreachable` });
    }
    if (input.verdict === 'DROP') {
      this.hop({ node: node.name, netns: node.name, device: dev, component: 'netfilter', step: 'filter-input', packet, hook: 'INPUT', entry, traversal: input, action: 'filter INPUT drops the packet.' });
      return { kind: 'dropped', reason: `filter INPUT on ${node.name} dropped it` };
    }
    const inSet = `${packet.dst},${ctProto(packet.proto)}:${packet.dport}`;
    this.hop({
      node: node.name, netns: node.name, device: dev, component: 'netfilter', step: 'filter-input', packet, hook: 'INPUT', entry, traversal: input,
      action: nodePort
        ? `filter INPUT (priority 0) runs before IPVS: KUBE-IPVS-FILTER ends without a verdict (${packet.dst} is not a kube-ipvs0 address, so its REJECT for KUBE-IPVS-IPS does not apply), KUBE-NODE-PORT accepts only health-check node ports, and KUBE-PROXY-FIREWALL and kubelet's KUBE-FIREWALL have nothing against it.`
        : `filter INPUT (priority 0) runs before IPVS: KUBE-IPVS-FILTER returns at once (${inSet} is in the ipset KUBE-CLUSTER-IP), and KUBE-PROXY-FIREWALL, KUBE-NODE-PORT and kubelet's KUBE-FIREWALL have nothing against it.`,
    });
    const vs = found;
    if (vs === null) return { kind: 'dropped', reason: `no IPVS virtual service for ${target} on ${node.name}` };
    if (vs.realServers.length === 0) {
      const noLocal = this.noLocalEndpointsText(node, vs);
      this.hop({
        node: node.name, netns: node.name, device: dev, component: 'ipvs', step: 'reject', packet, hook: 'INPUT', entry,
        action: `IPVS (ip_vs_in at LOCAL_IN, priority 99) finds the virtual service ${vsName(vs)}, but it has no real server: the scheduler finds no destination ("IPVS: ${vs.scheduler}: ${vs.protocol} ${target} - no destination available" in the kernel log), so ip_vs_leave answers with ICMP port unreachable and drops the packet, and its unconfirmed conntrack entry with it.${noLocal === null ? '' : ` ${noLocal}`} kube-proxy writes no REJECT rule in IPVS mode: the empty virtual service is the whole story.`,
      });
      return this.icmpUnreachable(arrival, packet, {
        from: packet.dst,
        reason: `${noLocal === null ? 'the Service has no endpoints' : `the Service has endpoints, but none on ${node.name}, and internalTrafficPolicy is Local`}: its IPVS virtual service ${vsName(vs)} has no real server${noLocal === null ? '' : ' here (in IPVS mode kube-proxy writes no "has no local endpoints" DROP rule, unlike iptables mode)'}, so IPVS answers the ${packet.proto === 'UDP' ? 'datagram' : 'connection'} with ICMP port unreachable (from ${packet.dst}), and the client sees "Connection refused"`,
      });
    }
    // sessionAffinity ClientIP makes the virtual service persistent (-p <timeout>): ip_vs_sched_persist
    // looks for the template <client IP, VIP, port> first; only without one does the scheduler pick,
    // and then a template is made that sends this client's next connections to the same real server.
    const sameService = (c: IpvsConn) => c.vs.protocol === vs.protocol && c.vs.address === vs.address && c.vs.port === vs.port;
    const template = vs.persistent === null ? null : this.ipvsTemplates(node.name).find((c) => sameService(c) && c.clientIP === packet.src) ?? null;
    const chosen = this.options.ipvsChooser?.(vs) ?? 0;
    const rs = template?.rs ?? vs.realServers[Math.min(Math.max(chosen, 0), vs.realServers.length - 1)]!;
    const conn: IpvsConn = { protocol: packet.proto, clientIP: packet.src, clientPort: packet.sport, vs, rs };
    this.ipvsTable(node.name).push(conn);
    const madeTemplate = vs.persistent !== null && template === null;
    if (madeTemplate) this.ipvsTemplates(node.name).push({ ...conn, clientPort: 0 });
    packet.dst = rs.ip;
    packet.dport = rs.port;
    // vs/conntrack=1: ip_vs_update_conntrack points the entry's reply tuple at the real server.
    entry.reply = invert({ src: entry.orig.src, sport: entry.orig.sport, dst: rs.ip, dport: rs.port });
    const others = vs.realServers.filter((r) => r !== rs).map((r) => `${r.ip}:${r.port}`);
    const rr = template !== null
      ? `The service is persistent (ipvsadm: persistent ${vs.persistent}; kube-proxy's sessionAffinity ClientIP), and ip_vs_sched_persist finds the template ${packet.src}'s earlier connection left (ipvsadm -Lnc: ${templateLine(template, vs.persistent!).replace(/\s+/g, ' ').trim()}): the scheduler is not asked, and the connection goes to the same real server, ${rs.ip}:${rs.port}.`
      : vs.realServers.length > 1
        ? `The ${vs.scheduler} (round-robin) scheduler takes the next real server in the service's list: ${rs.ip}:${rs.port} this time (${others.join(', ')} ${others.length === 1 ? 'gets' : 'get'} the next ${madeTemplate ? 'scheduled ' : ''}connection${others.length === 1 ? '' : 's'}).${madeTemplate ? ` The service is persistent (persistent ${vs.persistent}: sessionAffinity ClientIP), so ip_vs_sched_persist also makes a template (client port 0) that sends ${packet.src}'s next connections to ${rs.ip}:${rs.port} for ${vs.persistent} s.` : ''}`
        : `Its only real server is ${rs.ip}:${rs.port}.`;
    this.hop({
      node: node.name, netns: node.name, device: dev, component: 'ipvs', step: 'dnat', packet, hook: 'INPUT', entry,
      rewrite: { kind: 'DNAT', from: target, to: `${rs.ip}:${rs.port}`, table: 'ipvs', chain: vsName(vs), rule: realServerRule(vs, rs) },
      action: `IPVS (ip_vs_in at LOCAL_IN, priority 99, after filter INPUT) finds the virtual service ${vsName(vs)}.${this.clusterFallbackText(node, vs)} ${rr} It records the connection (ipvsadm -Lnc: ${ipvsConnLine(conn).replace(/\s+/g, ' ').trim()}), rewrites the destination to ${rs.ip}:${rs.port} (forwarding method Masq: NAT) and, because kube-proxy sets net.ipv4.vs.conntrack=1, points the conntrack entry's reply tuple at the real server.`,
    });
    if (this.isLocal(node, rs.ip)) {
      // __ip_vs_get_out_rt: a real server on this node keeps the input route and its TTL, and
      // ip_vs_nat_send_or_cont lets the packet go on up the stack (NF_ACCEPT).
      entry.confirmed = true;
      const payload = packet.payload ? ` ${packet.payload}` : '';
      this.hop({
        node: node.name, netns: node.name, device: 'eth0', component: 'socket', step: 'deliver', packet, entry,
        action: `The real server ${rs.ip}:${rs.port} is one of ${node.name}'s own addresses, so ip_vs_nat_xmit sends nothing out: the rewritten packet goes on up the stack (TTL ${packet.ttl}), conntrack confirms the entry at the end of INPUT, and a host-network process listening on ${rs.port} receives ${describe(packet)}.${payload}`,
      });
      return { kind: 'delivered', pod: null, host: node, packet };
    }
    // ip_vs_nat_xmit: route to the real server, decrement the TTL, LOCAL_OUT, POSTROUTING.
    const route = lookupRoute(nodeRoutes(this.cluster, node), packet.dst);
    if (route === null) return { kind: 'dropped', reason: `${node.name} has no route to ${packet.dst}` };
    packet.ttl -= 1;
    const output = traverse(this.tablesOf(node).filter, 'OUTPUT', this.ctx(node, packet, 'NEW', false, null, route.dev), this.options.chooser);
    this.hop({
      node: node.name, netns: node.name, device: route.dev, component: 'ipvs', step: 'route', packet, hook: 'OUTPUT', entry, traversal: output,
      action: `ip_vs_nat_xmit routes the rewritten packet to ${packet.dst}: "${route.text}". IPVS decrements the TTL itself (to ${packet.ttl}) and sends the packet out through LOCAL_OUT, not FORWARD: filter OUTPUT (KUBE-IPVS-OUT-FILTER, KUBE-FIREWALL) lets it pass, and the nat table, already consulted in PREROUTING for this connection, is not run again.`,
    });
    if (output.verdict === 'DROP' || output.verdict === 'REJECT') return { kind: 'dropped', reason: `filter OUTPUT on ${node.name} dropped it` };
    this.postroutingNew(node, packet, entry, route);
    // The frame leaves from the host's own stack (not from the pod's bridge port): no hairpin needed.
    return this.egress({ node, inDev: dev, fromPod: null }, packet, route, false);
  }

  /**
   * externalTrafficPolicy Local on a node without a local endpoint: kube-proxy's syncEndpoint gives
   * the NodePort's virtual service the cluster's endpoints instead (kubernetes#97081), where iptables
   * mode writes a DROP. Empty when that is not the case.
   */
  private clusterFallbackText(node: NodeModel, vs: VirtualServer): string {
    if (vs.kind !== 'node-port' || vs.realServers.length === 0 || vs.realServers.some((r) => r.nodeName === node.name)) return '';
    const svc = serviceOfPortName(this.cluster, vs.spn);
    if (svc === null || svc.externalTrafficPolicy !== 'Local') return '';
    return ` ${svc.namespace}/${svc.name} has externalTrafficPolicy Local, but no endpoint on ${node.name}: kube-proxy's syncEndpoint then gives the virtual service the cluster's endpoints (kubernetes#97081, "Allow access from local PODs even if no local endpoints exist"), where iptables mode writes a "has no local endpoints" DROP; and the packet was not marked for masquerade, so kube-proxy expects the reply to come back from the pod's own address and be discarded by the client.`;
  }

  /**
   * The ClientIP affinity timeout behind a DNAT rule that records the client (-m recent --name X
   * --set), or null for any other rule: the --seconds of the service chain's "--rcheck" rule for
   * the same list, as kube-proxy wrote it into the node's nat table.
   */
  private stickySecondsOf(node: NodeModel, rule: IptRule): number | null {
    const list = rule.args.includes('--set') ? ruleArg(rule, '--name') : null;
    if (list === null) return null;
    const rcheck = this.tablesOf(node).nat.rules.find((r) => r.args.includes('--rcheck') && ruleArg(r, '--name') === list);
    const seconds = rcheck === undefined ? null : ruleArg(rcheck, '--seconds');
    return seconds === null ? null : Number(seconds);
  }


  /** Why a virtual service has no real server although its Service has endpoints (internalTrafficPolicy Local), or null. */
  private noLocalEndpointsText(node: NodeModel, vs: VirtualServer): string | null {
    const svc = serviceOfPortName(this.cluster, vs.spn);
    if (svc === null || vs.kind !== 'cluster-ip' || svc.internalTrafficPolicy !== 'Local') return null;
    const hasAny = this.cluster.endpointSlices.some((es) => es.namespace === svc.namespace && es.serviceName === svc.name && es.endpoints.some((e) => e.ready));
    if (!hasAny) return null;
    return `${svc.namespace}/${svc.name} has endpoints, but internalTrafficPolicy is Local: kube-proxy gives its virtual service only the endpoints on ${node.name} (syncEndpoint: CategorizeEndpoints, then the local ones), and there are none.`;
  }

  /** A reply of an IPVS connection, at FORWARD (ip_vs_out, priority 100): the real server becomes the VIP again. */
  private ipvsUnDnat(node: NodeModel, packet: Packet, conn: IpvsConn, device: string, entry: CtEntry, hook: 'FORWARD' | 'OUTPUT' = 'FORWARD'): void {
    const from = hostPort(packet.src, packet.sport);
    packet.src = conn.vs.address;
    packet.sport = conn.vs.port;
    this.hop({
      node: node.name, netns: node.name, device, component: 'ipvs', step: 'un-dnat', packet, hook, entry,
      rewrite: { kind: 'un-DNAT', from, to: hostPort(packet.src, packet.sport), table: 'ipvs', chain: vsName(conn.vs), rule: null },
      action: `${hook === 'FORWARD' ? 'After filter FORWARD, IPVS (ip_vs_out at FORWARD, priority 100)' : 'IPVS (ip_vs_out at LOCAL_OUT, priority -99, for a real server on this node)'} finds the reply's connection in its own table (${conn.clientIP}:${conn.clientPort} -> ${conn.vs.address}:${conn.vs.port} -> ${conn.rs.ip}:${conn.rs.port}) and rewrites the source from ${from} back to ${hostPort(packet.src, packet.sport)}. Not conntrack's NAT (the entry carries no NAT flag) and no iptables rule: IPVS itself.`,
    });
  }

  /**
   * A host process's first packet (a host-network client): conntrack and nat at OUTPUT (not
   * PREROUTING), a second route lookup after a DNAT, filter OUTPUT, nat POSTROUTING.
   */
  private hostNew(node: NodeModel, packet: Packet, route: Route): DeliveryOutcome {
    const tables = this.tablesOf(node);
    const entry = newEntry(ctProto(packet.proto), tupleOf(packet));
    this.ctTable(node.name).push(entry);
    this.hop({
      node: node.name, netns: node.name, device: route.dev, component: 'conntrack', step: 'conntrack-new', packet, hook: 'OUTPUT', entry,
      action: `conntrack (OUTPUT, priority -200) finds no entry: a NEW connection. A locally generated packet never passes PREROUTING, so conntrack and the nat table see it at OUTPUT instead.`,
    });
    const t = traverse(tables.nat, 'OUTPUT', this.ctx(node, packet, 'NEW', false, null, route.dev), this.options.chooser);
    packet.mark = t.mark;
    const natCtx = { hook: 'OUTPUT' as const, node: node.name, src: packet.src, dst: packet.dst, dport: packet.dport, stickySeconds: t.verdictRule === null ? null : this.stickySecondsOf(node, t.verdictRule) };
    let out = route;
    if (t.verdict === 'DNAT' && t.dnatTo !== null && t.verdictRule !== null) {
      const from = this.applyDnat(packet, entry, t.dnatTo);
      this.hop({
        node: node.name, netns: node.name, device: route.dev, component: 'netfilter', step: 'dnat', packet, hook: 'OUTPUT', entry, traversal: t,
        rewrite: { kind: 'DNAT', from, to: t.dnatTo, table: 'nat', chain: t.verdictRule.chain, rule: restoreLine(t.verdictRule) },
        action: dnatText(t, natCtx, t.dnatTo, describeLottery(t)),
      });
      out = lookupRoute(nodeRoutes(this.cluster, node), packet.dst) ?? route;
    } else {
      this.hop({
        node: node.name, netns: node.name, device: route.dev, component: 'netfilter', step: 'no-dnat', packet, hook: 'OUTPUT', entry, traversal: t,
        action: noDnatText(t, natCtx, `nat OUTPUT (priority -100): no KUBE-SERVICES rule matches ${hostPort(packet.dst, packet.dport)}, so the destination stays as it is.`),
      });
    }
    const fout = traverse(tables.filter, 'OUTPUT', this.ctx(node, packet, 'NEW', entry.dstNat, null, out.dev), this.options.chooser);
    this.hop({
      node: node.name, netns: node.name, device: out.dev, component: 'routing', step: 'route', packet, entry, traversal: fout,
      action: `${entry.dstNat ? `The destination changed in nat OUTPUT, so the kernel looks the route up again (ip_route_me_harder): "${out.text}"` : `Routing: "${out.text}"`} sends it out of ${out.dev}. The source address was picked by the first lookup, before any NAT: ${packet.src}. A locally generated packet is not forwarded, so the TTL stays ${packet.ttl}. filter OUTPUT (priority 0) ${fout.verdict === 'DROP' || fout.verdict === 'REJECT' ? 'stops it' : 'lets it through'}.`,
    });
    if (fout.verdict === 'DROP' || fout.verdict === 'REJECT') return { kind: 'dropped', reason: `filter OUTPUT on ${node.name} dropped it` };
    const post = traverse(tables.nat, 'POSTROUTING', this.ctx(node, packet, 'NEW', entry.dstNat, null, out.dev), this.options.chooser);
    packet.mark = post.mark;
    entry.confirmed = true;
    if (post.verdict === 'MASQUERADE' && post.verdictRule) {
      const from = hostPort(packet.src, packet.sport);
      packet.src = deviceAddress(this.cluster, node, out.dev);
      packet.sport = this.cluster.proxy.randomFully ? this.options.randomPort() : packet.sport;
      entry.srcNat = true;
      entry.reply = { ...entry.reply, dst: packet.src, dport: packet.sport };
      const byFlannel = post.verdictRule.chain === 'FLANNEL-POSTRTG';
      // Felix's rule for its tunnel device (calico-vxlan, calico-ipip): a node-local source that is not
      // the tunnel's own address (addrtype ! --src-type LOCAL --limit-iface-out, then --src-type LOCAL).
      // cali-POSTROUTING comes before KUBE-POSTROUTING, so it masquerades first (seen in the lab: 0
      // packets on KUBE-POSTROUTING, 1 on this rule).
      const byCalicoTunnel = post.verdictRule.chain === 'cali-POSTROUTING';
      const who = byFlannel
        ? `flanneld's FLANNEL-POSTRTG masquerades traffic entering the pod network from outside it`
        : byCalicoTunnel
          ? `Felix's cali-POSTROUTING rule for ${out.dev} matches first: the source ${from.split(':')[0]} is one of the node's own addresses but not ${out.dev}'s (-m addrtype ! --src-type LOCAL --limit-iface-out, then --src-type LOCAL), so it MASQUERADEs before KUBE-POSTROUTING is reached (the 0x4000 mark stays set, unused)`
          : `KUBE-POSTROUTING sees the 0x4000 mark, clears it and MASQUERADEs`;
      this.hop({
        node: node.name, netns: node.name, device: out.dev, component: 'netfilter', step: 'masquerade', packet, hook: 'POSTROUTING', entry, traversal: post,
        rewrite: { kind: 'MASQUERADE', from, to: hostPort(packet.src, packet.sport), table: 'nat', chain: post.verdictRule.chain, rule: restoreLine(post.verdictRule) },
        action: `nat POSTROUTING (priority +100): ${who}: the source becomes ${packet.src}, the address of the outgoing device ${out.dev}${this.cluster.proxy.randomFully ? ', with a random source port (--random-fully)' : ''}. The endpoint will see ${packet.src}, not ${from.split(':')[0]}. conntrack confirms the entry.`,
      });
    } else {
      this.hop({
        node: node.name, netns: node.name, device: out.dev, component: 'netfilter', step: 'postrouting', packet, hook: 'POSTROUTING', entry, traversal: post,
        action: `nat POSTROUTING (priority +100): ${describePostrouting(post)} No SNAT: the source stays ${hostPort(packet.src, packet.sport)}. conntrack confirms the entry.`,
      });
    }
    return this.egress({ node, inDev: 'lo', fromPod: null }, packet, out, false);
  }

  // ---- a client outside the cluster, on the nodes' network ----------------------------------

  /** The outside host sends to a node's address (a NodePort): straight onto the node network. */
  sendFromExternal(host: ExternalHost, node: NodeModel, packet: Packet, action: string): DeliveryOutcome {
    this.external = host;
    packet.srcMac = host.mac;
    packet.dstMac = node.eth0Mac;
    this.hop({
      node: null, netns: 'client', device: 'eth0', component: 'app', step: 'send', packet,
      action: `${action} ${packet.dst} is on its own network (${nodeSubnet(node)}), so it ARPs for it and gets ${node.name}'s eth0 MAC ${node.eth0Mac}; the frame goes out on the node network.`,
    });
    return this.preRouting({ node, inDev: 'eth0', fromPod: null }, packet, 'routed');
  }

  private deliverToExternal(node: NodeModel, packet: Packet, host: ExternalHost): DeliveryOutcome {
    packet.srcMac = node.eth0Mac;
    packet.dstMac = host.mac;
    this.hop({
      node: node.name, netns: node.name, device: 'eth0', component: 'wire', step: 'wire', packet,
      action: `${packet.dst} is on-link ("${nodeSubnet(node)} dev eth0"): ${node.name} ARPs for it and sends the frame out of eth0 to ${host.mac}.`,
    });
    const problem = this.socketProblem(packet);
    if (problem !== null) {
      this.hop({ node: null, netns: 'client', device: 'eth0', component: 'socket', step: 'deliver', packet, action: problem });
      return { kind: 'reset', reason: problem };
    }
    this.hop({
      node: null, netns: 'client', device: 'eth0', component: 'socket', step: 'deliver', packet,
      action: `The client ${host.ip} receives ${describe(packet)}: from the address it connected to, so its socket accepts it.`,
    });
    return { kind: 'delivered', pod: null, host: null, packet, external: host };
  }

  // ---- errors --------------------------------------------------------------------------------

  private icmpUnreachable(arrival: Arrival, packet: Packet, why: { readonly from: string; readonly reason: string } | null = null): DeliveryOutcome {
    const { node } = arrival;
    const client = this.podByIP(packet.src);
    const calico = isCalico(this.cluster.network.cni);
    const from = why?.from ?? (calico ? node.internalIP : bridgeIP(node));
    const icmp: Packet = { ...packet, proto: 'TCP', src: from, sport: 0, dst: packet.src, dport: 0, ttl: 64, srcMac: calico ? CALICO_VETH_MAC : node.bridgeMac, dstMac: client?.mac ?? packet.srcMac, flags: null, outer: null, mark: 0, payload: null };
    this.direction = 'reply';
    // The error is the node's own packet, RELATED to the rejected connection: filter OUTPUT sees it.
    const output = traverse(this.tablesOf(node).filter, 'OUTPUT', this.ctx(node, icmp, 'RELATED', false, null, calico && client ? caliVethName(client.namespace, client.name) : 'cni0'), this.options.chooser);
    this.hop({
      node: node.name, netns: client?.name ?? node.name, device: 'eth0', component: 'netfilter', step: 'icmp-error', packet: icmp, proto: 'ICMP', traversal: output,
      action: packet.proto === 'UDP'
        ? `${node.name} sends ICMP destination unreachable (port unreachable) from ${from} back to ${packet.src}. The client's next recv() on that UDP socket fails with ECONNREFUSED (a resolver moves on to its next server).`
        : `${node.name} sends ICMP destination unreachable (port unreachable) from ${from} back to ${packet.src}. The client's connect() fails at once with ECONNREFUSED: curl prints "Connection refused".`,
    });
    return {
      kind: 'rejected',
      reason: why?.reason ?? `the Service has no endpoints: kube-proxy's filter rule in KUBE-SERVICES REJECTs the ${packet.proto === 'UDP' ? 'datagram' : 'connection'} with ICMP port unreachable, so the client sees "Connection refused"`,
    };
  }

  // ---- helpers -------------------------------------------------------------------------------

  private ctx(node: NodeModel, packet: Packet, ctstate: CtState, ctDnat: boolean, inIface: string | null, outIface: string | null): PacketContext {
    const own = this.nodeContext(node);
    const proto = ctProto(packet.proto);
    // One shape for every context (absent matchers are undefined), built without spreads: a trace makes dozens.
    return {
      src: packet.src,
      dst: packet.dst,
      proto,
      sport: packet.sport,
      dport: packet.dport,
      mark: packet.mark,
      ctstate,
      ctDnat,
      isLocalAddress: own.isLocalAddress,
      localAddressDevice: own.localAddressDevice,
      inIface,
      outIface,
      inSet: this.calicoInSet,
      ipsetMatch: this.ipvsMode() ? (set: string, flags: string) => ipsetMatches(ipvsNodeState(this.cluster, node), set, flags, { src: packet.src, dst: packet.dst, sport: packet.sport, dport: packet.dport, proto }) : undefined,
      recent: own.recent,
    };
  }

  /** What every packet context on a node shares: its local addresses and its xt_recent lists. */
  private nodeContext(node: NodeModel): NodeContext {
    let own = this.nodeContexts.get(node.name);
    if (own === undefined) {
      // In IPVS mode every ClusterIP on kube-ipvs0 is a local address too (addrtype LOCAL matches it).
      const local = new Set([...nodeLocalAddresses(this.cluster, node), ...(this.ipvsMode() ? ipvsNodeState(this.cluster, node).dummyAddresses : [])]);
      const lists = new Map<string, Set<string>>();
      own = {
        isLocalAddress: (ip) => local.has(ip) || ip.startsWith('127.'),
        localAddressDevice: (ip) => localAddressDevice(this.cluster, node, ip) ?? (local.has(ip) ? 'kube-ipvs0' : null),
        recent: {
          has: (name, ip) => lists.get(name)?.has(ip) ?? false,
          add: (name, ip) => {
            let set = lists.get(name);
            if (set === undefined) {
              set = new Set();
              lists.set(name, set);
            }
            set.add(ip);
          },
        },
      };
      this.nodeContexts.set(node.name, own);
    }
    return own;
  }

  private tablesOf(node: NodeModel): NodeTables {
    return nodeTables(this.cluster, node); // cached per cluster and node
  }

  private ctTable(nodeName: string): CtEntry[] {
    return listOf(this.conntrack, nodeName);
  }

  nodeOf(pod: PodModel): NodeModel {
    const node = nodeNamed(this.cluster, pod.nodeName);
    if (node === null) throw new Error(`pod ${pod.namespace}/${pod.name} is on unknown node ${pod.nodeName}`);
    return node;
  }

  private nodeOfIP(ip: string): NodeModel | null {
    const pod = this.podByIP(ip);
    return pod ? this.nodeOf(pod) : null;
  }

  podByIP(ip: string): PodModel | null {
    return podWithIP(this.cluster, ip);
  }

  private macOfPodIP(ip: string): string | null {
    return this.podByIP(ip)?.mac ?? null;
  }

  /** A nat-table DNAT on a NEW connection: rewrites the packet and points the entry's reply tuple at the new destination. Returns the old "ip:port". */
  private applyDnat(packet: Packet, entry: CtEntry, dnatTo: string): string {
    const from = hostPort(packet.dst, packet.dport);
    const to = splitHostPort(dnatTo);
    packet.dst = to.ip;
    packet.dport = to.port ?? packet.dport;
    entry.reply = invert({ src: entry.orig.src, sport: entry.orig.sport, dst: packet.dst, dport: packet.dport });
    entry.dstNat = true;
    return from;
  }

  private hop(h: {
    node: string | null;
    netns: string;
    device: string;
    component: Component;
    step: HopStep;
    action: string;
    packet: Packet;
    proto?: 'ICMP';
    rewrite?: Rewrite | null;
    hook?: Hop['hook'];
    entry?: CtEntry;
    traversal?: Traversal;
    /** Further traversals this hop stands for (the outer VXLAN packet's own hooks). */
    also?: readonly Traversal[];
  }): void {
    const entry = h.entry;
    const previous = this.lastView.get(this.direction);
    const view = viewOf(h.packet, h.proto, this.addressTexts, previous);
    this.lastView.set(this.direction, view);
    this.hops.push({
      index: this.hops.length + 1,
      direction: this.direction,
      node: h.node,
      netns: h.netns,
      device: h.device,
      component: h.component,
      step: h.step,
      action: h.action,
      packet: view,
      rewrite: h.rewrite ?? null,
      conntrack: entry?.confirmed ? conntrackLine(entry) : null,
      conntrackPending: entry && !entry.confirmed ? conntrackLine(entry) : null,
      hook: h.hook ?? null,
      rules: firedLines(h.traversal, h.also),
      changed: previous ? changedFields(previous, view) : NO_CHANGES,
    });
  }
}

// ---- pure helpers ------------------------------------------------------------------------------

/** ipset membership on a Calico node: the IPAM pool sets, the host sets, and the policies' selector sets. */
function calicoInSet(cluster: ClusterModel, set: string, ip: string): boolean {
  const members = ipsetMembers(cluster, set);
  if (members !== null) return members.some((cidr) => cidrContains(cidr, ip));
  return inPolicySet(cluster, set, ip) ?? false;
}

const NO_RULES: readonly string[] = Object.freeze([]);
const NO_CHANGES: readonly string[] = Object.freeze([]);

function firedLines(main: Traversal | undefined, also: readonly Traversal[] | undefined): readonly string[] {
  const count = (main?.fired.length ?? 0) + (also?.reduce((n, t) => n + t.fired.length, 0) ?? 0);
  if (count === 0) return NO_RULES;
  const out: string[] = [];
  if (main) for (const f of main.fired) out.push(f.line);
  if (also) for (const t of also) for (const f of t.fired) out.push(f.line);
  return out;
}

function outerKey(src: string, sport: number | null, dst: string, dport: number | null): string {
  return `${src}:${sport}>${dst}:${dport}`;
}

/** The conntrack -L line of the outer VXLAN flow, as the sender creates it. */
function outerConntrack(p: Packet): string {
  return `udp      17 29 src=${p.src} dst=${p.dst} sport=${p.sport} dport=${p.dport} [UNREPLIED] src=${p.dst} dst=${p.src} sport=${p.dport} dport=${p.sport} mark=0 use=1`;
}

function nodeContains(node: NodeModel, ip: string): boolean {
  return cidrContains(node.podCIDR, ip);
}

function ctProto(p: Protocol): CtProto {
  return p === 'UDP' ? 'udp' : 'tcp';
}

function tupleOf(p: Packet): Tuple {
  return { src: p.src, dst: p.dst, sport: p.sport, dport: p.dport };
}

function devOf(arrival: Arrival, path: 'host' | 'bridged' | 'routed'): string {
  return path === 'routed' ? arrival.inDev : 'cni0';
}

function describe(p: Packet): string {
  const kind = p.proto === 'UDP' ? 'a UDP datagram' : p.flags === 'S' ? 'a TCP SYN' : p.flags === 'S.' ? 'the SYN-ACK' : 'a TCP segment';
  return `${kind} ${hostPort(p.src, p.sport)} -> ${hostPort(p.dst, p.dport)}`;
}

/** Why a kube-proxy DROP rule matched, and what the client sees. */
function dropWhy(rule: IptRule, packet: Packet): string {
  const comment = commentOf(rule);
  const local = comment.endsWith('has no local endpoints');
  const what = packet.proto === 'UDP' ? 'datagram' : 'SYN';
  const policy = rule.chain === 'KUBE-EXTERNAL-SERVICES' ? 'externalTrafficPolicy' : 'internalTrafficPolicy';
  const head = ` The rule "${comment}" (${rule.table} ${rule.chain}) matched${local ? `: the Service has endpoints, but ${policy} is Local and none of them is on this node, so kube-proxy drops what would otherwise have nowhere local to go` : ''}.`;
  const tail = packet.proto === 'UDP'
    ? ` DROP sends nothing back: the client's datagram vanishes and it waits for an answer that never comes (a resolver times out after 5 s).`
    : ` DROP sends nothing back (no RST, no ICMP): the client's ${what} goes unanswered, TCP retransmits it (after 1 s, 2 s, 4 s, ...) and connect() finally fails with ETIMEDOUT (curl: "Connection timed out").`;
  return head + tail;
}

function commentOf(rule: IptRule): string {
  return ruleComment(rule) ?? restoreLine(rule);
}

function describeLottery(t: Traversal): string {
  if (t.passedOver.length === 0) {
    const stat = t.fired.find((f) => f.line.includes('--probability'));
    return stat ? `Its "-m statistic --mode random" rule drew this endpoint. ` : 'The chain has a single endpoint rule. ';
  }
  const skipped = t.passedOver.map((s) => /-> ([\d.:]+)/.exec(s.line)?.[1] ?? s.rule.chain).join(', ');
  return `The random draw did not pick ${skipped} (each rule's --probability is 1/(endpoints left)), so the next rule takes it. `;
}

function describeForward(t: Traversal, ctstate: CtState, ipvs = false): string {
  const accept = t.verdictRule ? restoreLine(t.verdictRule) : null;
  if (t.fired.some((f) => f.rule.chain === 'cali-FORWARD')) {
    const through = [...new Set(t.fired.map((f) => f.rule.chain).filter((c) => /^cali-(fw|tw)-/.test(c)))];
    if (ctstate === 'ESTABLISHED' && t.verdictRule?.chain.startsWith('cali-')) {
      return `cali-FORWARD dispatches it to ${through.join(' and ')}, whose first rule accepts a packet of an ESTABLISHED connection ("-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT").`;
    }
    return `cali-FORWARD runs Calico's per-pod chains (${through.join(', then ')}): no policy selects ${through.length > 1 ? 'these pods' : 'this pod'}, so the namespace profile (kns.*) sets the accept mark 0x10000 and they RETURN; kube-proxy's chains have nothing against the packet, and Felix's rule at the end of FORWARD, "Policy explicitly accepted packet.", ACCEPTs it.`;
  }
  if (ctstate === 'ESTABLISHED') {
    return `the connection is ESTABLISHED in conntrack, so KUBE-FORWARD's "kubernetes forwarding conntrack rule" accepts it.`;
  }
  if (accept?.includes('kubernetes forwarding rules')) return `the packet carries the 0x4000 masquerade mark, so KUBE-FORWARD accepts it.`;
  if (accept?.includes('FLANNEL-FWD')) {
    return ipvs
      ? `KUBE-PROXY-FIREWALL and KUBE-FORWARD have nothing against it (IPVS mode has no filter KUBE-SERVICES chain); FLANNEL-FWD accepts traffic of the pod network.`
      : `KUBE-FORWARD and the filter KUBE-SERVICES chain have nothing against it (no REJECT for this destination); FLANNEL-FWD accepts traffic of the pod network.`;
  }
  return `no rule stops it; the chain policy (ACCEPT) lets it through.`;
}

function describePostrouting(t: Traversal): string {
  const flannel = t.fired.find((f) => f.rule.chain === 'FLANNEL-POSTRTG' && f.line.includes('RETURN'));
  const parts: string[] = [];
  if (t.fired.some((f) => f.rule.chain === 'cali-POSTROUTING')) {
    parts.push('Calico\'s cali-nat-outgoing does not match: the destination is inside an IP pool (ipset cali40all-ipam-pools), and natOutgoing only applies to traffic leaving the pools.');
  }
  parts.push('KUBE-POSTROUTING returns at once (no 0x4000 mark: kube-proxy did not ask for masquerade).');
  if (flannel) parts.push(`FLANNEL-POSTRTG returns too: pod-network traffic is not masqueraded.`);
  return parts.join(' ');
}

export function packetFlags(proto: Protocol, direction: Direction): string | null {
  if (proto !== 'TCP') return null;
  return direction === 'request' ? 'S' : 'S.';
}

/** A node's list in a per-node table, made empty on first use. */
function listOf<T>(table: Map<string, T[]>, node: string): T[] {
  let list = table.get(node);
  if (list === undefined) {
    list = [];
    table.set(node, list);
  }
  return list;
}
