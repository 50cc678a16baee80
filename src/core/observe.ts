// For one hop: the real command that shows it on a live node, and what that command would print
// for this hop. Pure: computed from the hop, the cluster and (optionally) the rest of the trace.
//
//   send          kubectl exec POD -- ip route get DST          the pod's route to the destination
//   veth, bridge-in, bridge-forward, decap
//                 tcpdump -tnne -i DEV tcp port P               the frame in `tcpdump -e -n` form
//   conntrack-*, un-dnat, un-snat
//                 conntrack -L -d ORIG_DST                      the hop's `conntrack -L` line (none
//                                                               before the entry is confirmed)
//   dnat          iptables-save -t nat | grep -E 'SVC|SEP'      the matching iptables-save lines
//   no-dnat       iptables-save -t nat | grep -- '-d IP/32'     nothing: no Service rule matches
//   route         ip route get DST from SRC iif IIF             the forwarding lookup
//   filter-forward, filter-input, reject, postrouting, masquerade
//                 iptables-save -t TABLE | grep -E '^-A (CHAINS) '   (+ conntrack -L once confirmed)
//   hairpin       cat /sys/class/net/VETH/brport/hairpin_mode
//   encap         bridge fdb show dev flannel.1, ip neigh show dev flannel.1
//   wire          tcpdump -tnne -i eth0 -T vxlan udp port 8472  outer and inner headers
//   deliver       kubectl exec POD -- ss -tn ...                the socket
//   icmp-error    tcpdump -tnne -i VETH icmp
//   (traffic-scenarios.ts adds:)
//   send/deliver on the outside client   ip route get NODE_IP, curl -v / ss -tn on the client
//   send from a node (hostNetwork)       ip route get DST, then ss -tn on the node
//   dnat through KUBE-NODEPORTS          iptables-save -t nat | grep KUBE-NODEPORTS (and the EXT chain)
//   dnat with -m recent                  cat /proc/net/xt_recent/KUBE-SEP-... (the affinity list)
//   dnat from a conntrack entry          conntrack -L -p udp --orig-dst SVC_IP (the stale entry)
//   filter DROP "has no local endpoints" iptables-save -t filter | grep 'has no local endpoints'
//   route/wire of a full-size packet     ip route get DST (mtu), ip -d link show flannel.1, ping -M do
// Calico (cni calico-*): a cali veth hop adds `ip neigh show dev caliX` (out to a pod) or the
// interface's proxy_arp setting (in from a pod); tunl0 hops `ip -d link show tunl0` and
// `tcpdump -tnn -i tunl0` (a layer-3 device: no Ethernet header); vxlan.calico hops
// `ip -d link show vxlan.calico`, `bridge fdb show dev vxlan.calico` and `ip neigh show dev
// vxlan.calico`; an IPIP wire hop `tcpdump -tnne -i eth0 ip proto 4`.
//
// tcpdump runs with -t (no timestamps) so the lines do not depend on a clock. TCP sequence numbers
// and timestamps are random on a real node; here they are derived from the flow so they stay stable.

import type { ClusterModel, NodeModel, PodModel } from './cluster/model.js';
import { deviceMtu, podMtu } from './cni/mtu.js';
import { VXLAN_OVERHEAD } from './cni/vxlan.js';
import { fnv1a32 } from './net/hash.js';
import { cidrContains, splitHostPort } from './net/ipv4.js';
import { nodeTables } from './proxy/node-tables.js';
import type { IptTable } from './proxy/rule.js';
import { saveTable } from './proxy/save-format.js';
import { lookupRoute, nodeRoutes, podRoutes, vtepIP } from './kernel/routing.js';
import { CALICO_VETH_MAC, CALICO_VXLAN_DEV, CALICO_VXLAN_PORT, CALICO_VXLAN_VNI, calicoVxlanMac, caliVethName, IPIP_DEV, IPIP_OVERHEAD, isCalico } from './cni/calico/names.js';
import { calicoNode, tunnelAddress } from './cni/calico/ipam.js';
import { podOfCaliVeth } from './cni/calico/routes.js';
import type { Hop, PacketView, Trace } from './trace-model.js';
import { observeIpvsHop } from './observe-ipvs.js';

export type ObservationWhere =
  | { readonly kind: 'node'; readonly node: string }
  | { readonly kind: 'kubectl'; readonly namespace: string; readonly pod: string }
  /** A machine outside the cluster (the NodePort scenarios' client). */
  | { readonly kind: 'host'; readonly host: string };

export interface Observation {
  /** Where to type the command: a root shell on a node, or anywhere kubectl reaches the cluster. */
  readonly where: ObservationWhere;
  readonly command: string;
  /** What the command prints for this hop (stdout; conntrack's summary line goes to stderr). */
  readonly output: readonly string[];
  /** One sentence on what differs on a live node, or null. */
  readonly note: string | null;
}

export interface ObserveContext {
  /** The hop before this one in the same trace (for the route lookup's input interface). */
  readonly previous?: Hop | null;
  /** The whole trace (for the DNS question, the original destination of an ICMP error, a reset). */
  readonly trace?: Trace | null;
}

const RANDOM_NOTE = 'Sequence numbers and timestamps are random on a live node.';
const DATA_NOTE = 'Relative sequence numbers; "ack 79" assumes the client\'s request was a 78-byte curl GET. Timestamps are random on a live node.';

/** Every command that shows this hop, the most telling first. Never empty. */
export function observeHop(hop: Hop, cluster: ClusterModel, context: ObserveContext = {}): Observation[] {
  const ipvs = cluster.proxy.mode === 'ipvs' ? observeIpvsHop(hop, cluster, context) : null;
  if (ipvs === null) return observeHopBase(hop, cluster, context);
  return ipvs.keepDefault ? [...ipvs.first, ...observeHopBase(hop, cluster, context)] : [...ipvs.first];
}

function observeHopBase(hop: Hop, cluster: ClusterModel, context: ObserveContext): Observation[] {
  const node = cluster.nodes.find((n) => n.name === hop.node) ?? null;
  const onNode = (name: string): ObservationWhere => ({ kind: 'node', node: name });
  if (isCalico(cluster.network.cni) && node !== null) {
    const calico = calicoObservations(hop, cluster, node, context);
    if (calico !== null) return calico;
  }
  switch (hop.step) {
    case 'send': {
      if (hop.netns === 'client') return [clientRouteGet(hop)];
      const pod = podOf(cluster, hop);
      if (pod !== null && node !== null) return [podRouteGet(cluster, pod, node, hop)];
      if (node !== null && hop.netns === node.name) return [hostRouteGet(cluster, node, hop)];
      break;
    }
    case 'conntrack-new':
    case 'conntrack-match':
    case 'un-dnat':
    case 'un-snat':
      if (hop.node !== null) {
        if (hop.conntrack !== null) return [conntrackObservation(hop, onNode(hop.node))];
        if (hop.conntrackPending !== null) return [pendingConntrackObservation(hop, onNode(hop.node))];
      }
      break;
    case 'dnat':
      if (node !== null && hop.rewrite !== null && hop.rewrite.rule === null && hop.conntrack !== null) {
        // The DNAT came from an existing entry, not from a rule (a later packet of the flow).
        return [staleEntryObservation(hop, onNode(node.name))];
      }
      if (node !== null) {
        const out: Observation[] = [];
        if (hop.rules.some((r) => r.startsWith('nat KUBE-NODEPORTS:'))) out.push(nodePortsObservation(hop, cluster, node));
        out.push(dnatObservation(hop, cluster, node));
        const recent = recentObservation(hop, node);
        if (recent !== null) out.push(recent);
        if (hop.conntrack !== null) out.push(conntrackObservation(hop, onNode(node.name)));
        return out;
      }
      break;
    case 'no-dnat':
      if (node !== null) return [noDnatObservation(hop, cluster, node)];
      break;
    case 'route':
      if (node !== null) {
        const out = [nodeRouteGet(cluster, node, hop, context.previous ?? null)];
        if (hop.packet.length !== undefined) out.push(linkMtuObservation(cluster, node, hop.device));
        return out;
      }
      break;
    case 'filter-forward':
    case 'filter-input':
    case 'reject':
    case 'postrouting':
    case 'masquerade':
      if (node !== null) {
        const out = [chainsObservation(hop, cluster, node)];
        if (hop.action.includes('has no local endpoints')) out.push(noLocalEndpointsObservation(hop, cluster, node));
        // POSTROUTING is where a new entry is confirmed: from here on conntrack -L lists it.
        if ((hop.step === 'postrouting' || hop.step === 'masquerade') && hop.conntrack !== null) out.push(conntrackObservation(hop, onNode(node.name)));
        return out;
      }
      break;
    case 'hairpin':
      if (hop.node !== null) {
        return [
          {
            where: onNode(hop.node),
            command: `cat /sys/class/net/${hop.device}/brport/hairpin_mode`,
            output: ['1'],
            note: null,
          },
          tcpdumpObservation(hop, cluster, onNode(hop.node), context),
        ];
      }
      break;
    case 'bridge-forward':
      if (hop.node !== null && hop.packet.dstMac !== null) {
        return [
          tcpdumpObservation(hop, cluster, onNode(hop.node), context),
          {
            where: onNode(hop.node),
            command: `bridge fdb show br cni0 | grep ${hop.packet.dstMac}`,
            output: [`${hop.packet.dstMac} dev ${hop.device} master cni0`],
            note: null,
          },
        ];
      }
      break;
    case 'encap':
      if (node !== null) return encapObservations(cluster, node, hop, context);
      break;
    case 'wire':
      if (hop.node !== null && hop.packet.outer !== null) {
        const port = hop.packet.outer.dport ?? cluster.network.vxlan.port;
        const out: Observation[] = [
          {
            where: onNode(hop.node),
            command: `tcpdump -tnne -i ${hop.device} -T vxlan udp port ${port}`,
            output: tcpdumpLines(hop, cluster, context),
            note: hop.packet.length !== undefined ? DATA_NOTE : RANDOM_NOTE,
          },
        ];
        if (hop.packet.length !== undefined && node !== null) out.push(...pathMtuObservations(cluster, node, hop));
        return out;
      }
      if (hop.node !== null && node !== null && hop.netns === hop.node && hop.packet.outer === null) {
        return [tcpdumpObservation(hop, cluster, onNode(hop.node), context)];
      }
      break;
    case 'deliver': {
      if (hop.netns === 'client') return clientDeliverObservations(hop, cluster, context);
      const pod = podOf(cluster, hop);
      if (pod !== null) return [socketObservation(pod, hop, context)];
      if (node !== null && hop.netns === node.name && hop.direction === 'reply') return [hostSocketObservation(node, hop)];
      break;
    }
    case 'icmp-error': {
      const pod = podOf(cluster, hop);
      if (pod !== null && hop.node !== null) {
        return [
          {
            where: onNode(hop.node),
            command: `tcpdump -tnne -i ${hostVethOf(cluster, pod)} icmp`,
            output: tcpdumpLines(hop, cluster, context),
            note: null,
          },
        ];
      }
      break;
    }
    default:
      break;
  }
  if (hop.netns === 'client') return [tcpdumpObservation(hop, cluster, { kind: 'host', host: ipOf(hop.direction === 'request' ? hop.packet.src : hop.packet.dst) }, context)];
  // veth, bridge-in, decap and anything not covered above: watch the frame on the hop's device.
  if (hop.node !== null && hop.netns === hop.node) return [tcpdumpObservation(hop, cluster, onNode(hop.node), context)];
  const pod = podOf(cluster, hop);
  if (pod !== null && hop.node !== null) {
    return [tcpdumpObservation({ ...hop, device: hostVethOf(cluster, pod) }, cluster, onNode(hop.node), context)];
  }
  return [tcpdumpObservation(hop, cluster, onNode(hop.node ?? hop.netns), context)];
}

/** The host side of a pod's veth: Calico's cali + sha1 name, or the bridge plugin's veth name. */
function hostVethOf(cluster: ClusterModel, pod: PodModel): string {
  return isCalico(cluster.network.cni) ? caliVethName(pod.namespace, pod.name) : pod.hostVeth;
}

// ---------------------------------------------------------------- Calico

/** `ip -d link show` of Calico's tunnel devices (iproute2's detailed form; flags as on a live node). */
function tunnelLink(cluster: ClusterModel, node: NodeModel, dev: string): string[] {
  const u = cluster.network.underlayMtu;
  if (dev === IPIP_DEV) {
    return [
      `5: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu ${u - IPIP_OVERHEAD} qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000`,
      '    link/ipip 0.0.0.0 brd 0.0.0.0 promiscuity 0  allmulti 0 minmtu 0 maxmtu 0',
      '    ipip any remote any local any ttl inherit nopmtudisc addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 65536 tso_max_segs 65535 gro_max_size 65536',
    ];
  }
  return [
    // The form iproute2 6.1 prints for a device made as Felix makes it (checked on a real kernel).
    `5: vxlan.calico: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${u - 50} qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000`,
    `    link/ether ${calicoVxlanMacOf(node)} brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535`,
    `    vxlan id ${CALICO_VXLAN_VNI} local ${node.internalIP} dev eth0 srcport 0 0 dstport ${CALICO_VXLAN_PORT} nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536`,
  ];
}

function calicoVxlanMacOf(node: NodeModel): string {
  return calicoVxlanMac(node);
}

function calicoObservations(hop: Hop, cluster: ClusterModel, node: NodeModel, context: ObserveContext): Observation[] | null {
  const where: ObservationWhere = { kind: 'node', node: node.name };
  const note = 'Interface numbers and link details (ifindex, gso sizes) differ on a live node.';
  if (hop.step === 'veth' && hop.device.startsWith('cali')) {
    const pod = podOfCaliVeth(cluster, node, hop.device);
    const capture = tcpdumpObservation(hop, cluster, where, context);
    if (pod !== null && hop.packet.srcMac === CALICO_VETH_MAC) {
      // Out of the host into the pod: the host resolved the pod's MAC on its cali interface.
      return [capture, { where, command: `ip neigh show dev ${hop.device}`, output: [`${pod.ip} lladdr ${pod.mac} REACHABLE`], note: null }];
    }
    return [
      capture,
      { where, command: `cat /proc/sys/net/ipv4/conf/${hop.device}/proxy_arp`, output: ['1'], note: `Calico's CNI plugin turns proxy ARP on, so ${hop.device} answers the pod's ARP for 169.254.1.1 with ${CALICO_VETH_MAC}.` },
    ];
  }
  if ((hop.step === 'encap' || hop.step === 'decap') && hop.device === IPIP_DEV) {
    const inner = { where, command: `tcpdump -tnn -i ${IPIP_DEV} ${hop.packet.proto === 'UDP' ? 'udp' : 'tcp'}`, output: tcpdumpLines(hop, cluster, context), note: RANDOM_NOTE };
    const routes = nodeRoutes(cluster, node).filter((r) => r.dev === IPIP_DEV).map((r) => r.text);
    const out: Observation[] = [{ where, command: `ip -d link show ${IPIP_DEV}`, output: tunnelLink(cluster, node, IPIP_DEV), note }, inner];
    if (hop.step === 'encap') out.splice(1, 0, { where, command: `ip route show dev ${IPIP_DEV}`, output: routes, note: null });
    return out;
  }
  if ((hop.step === 'encap' || hop.step === 'decap') && hop.device === CALICO_VXLAN_DEV) {
    const others = cluster.nodes.filter((n) => n.name !== node.name);
    const out: Observation[] = [{ where, command: `ip -d link show ${CALICO_VXLAN_DEV}`, output: tunnelLink(cluster, node, CALICO_VXLAN_DEV), note }];
    if (hop.step === 'encap') {
      out.push(
        { where, command: `bridge fdb show dev ${CALICO_VXLAN_DEV}`, output: others.map((n) => `${calicoVxlanMacOf(n)} dst ${n.internalIP} self permanent`), note: null },
        { where, command: `ip neigh show dev ${CALICO_VXLAN_DEV}`, output: others.map((n) => `${calicoNode(cluster, n).vxlanTunnelAddr ?? tunnelAddress(cluster, n)} lladdr ${calicoVxlanMacOf(n)} PERMANENT`), note: null },
      );
    }
    out.push(tcpdumpObservation(hop, cluster, where, context));
    return out;
  }
  if (hop.step === 'wire' && hop.packet.outer?.proto === 'IPIP') {
    return [{ where, command: 'tcpdump -tnne -i eth0 ip proto 4', output: tcpdumpLines(hop, cluster, context), note: RANDOM_NOTE }];
  }
  return null;
}

/** The pod whose network namespace the hop is in (hop.netns is the pod's name), or null. */
function podOf(cluster: ClusterModel, hop: Hop): PodModel | null {
  return cluster.pods.find((p) => p.name === hop.netns && (hop.node === null || p.nodeName === hop.node)) ?? null;
}

function ipOf(endpoint: string): string {
  return splitHostPort(endpoint).ip;
}

function portOf(endpoint: string): number | null {
  return splitHostPort(endpoint).port;
}

// ---------------------------------------------------------------- ip route get

function podRouteGet(cluster: ClusterModel, pod: PodModel, node: NodeModel, hop: Hop): Observation {
  const dst = ipOf(hop.packet.dst);
  const src = ipOf(hop.packet.src);
  const route = lookupRoute(podRoutes(cluster, pod, node), dst);
  const via = route?.via ? ` via ${route.via}` : '';
  const dev = route?.dev ?? 'eth0';
  return {
    where: { kind: 'kubectl', namespace: pod.namespace, pod: pod.name },
    command: `kubectl exec ${podArg(pod)}-- ip route get ${dst}`,
    output: [`${dst}${via} dev ${dev} src ${src} uid 0`, '    cache'],
    note: debugNote(pod, 'ip'),
  };
}

function podArg(pod: PodModel): string {
  return pod.namespace === 'default' ? `${pod.name} ` : `-n ${pod.namespace} ${pod.name} `;
}

/** Many images (CoreDNS's among them) ship no shell tools; an ephemeral container shares the pod's network. */
function debugNote(pod: PodModel, tool: string): string {
  return `No ${tool} in the image? kubectl debug -it ${podArg(pod)}--image=nicolaka/netshoot runs it in the pod's network namespace.`;
}

function nodeRouteGet(cluster: ClusterModel, node: NodeModel, hop: Hop, previous: Hop | null): Observation {
  const dst = ipOf(hop.packet.dst);
  const src = ipOf(hop.packet.src);
  const route = lookupRoute(nodeRoutes(cluster, node), dst);
  const iif = inputInterface(previous, node);
  const via = route?.via ? ` via ${route.via}` : '';
  const dev = route?.dev ?? hop.device;
  return {
    where: { kind: 'node', node: node.name },
    command: `ip route get ${dst} from ${src} iif ${iif}`,
    output: [`${dst} from ${src}${via} dev ${dev}`, `    cache iif ${iif}`],
    note: null,
  };
}

/** The device the packet arrived on before the routing decision: a bridge port counts as cni0. */
function inputInterface(previous: Hop | null, node: NodeModel): string {
  if (previous === null || previous.node !== node.name || previous.netns !== node.name) return 'cni0';
  return previous.device.startsWith('veth') ? 'cni0' : previous.device;  // a cali veth is its own input interface
}

// ---------------------------------------------------------------- outside client, host-network client

function clientRouteGet(hop: Hop): Observation {
  const dst = ipOf(hop.packet.dst);
  const src = ipOf(hop.packet.src);
  return {
    where: { kind: 'host', host: src },
    command: `ip route get ${dst}`,
    output: [`${dst} dev eth0 src ${src} uid 1000`, '    cache'],
    note: 'On the client machine (any Linux host on the nodes\' network).',
  };
}

function hostRouteGet(cluster: ClusterModel, node: NodeModel, hop: Hop): Observation {
  const dst = ipOf(hop.packet.dst);
  const src = ipOf(hop.packet.src);
  const route = lookupRoute(nodeRoutes(cluster, node), dst);
  const via = route?.via ? ` via ${route.via}` : '';
  const onlink = route?.onlink ? ' onlink' : '';
  return {
    where: { kind: 'node', node: node.name },
    command: `ip route get ${dst}`,
    output: [`${dst}${via} dev ${route?.dev ?? 'eth0'} src ${src} uid 0`, '    cache'],
    note: `The source address is the one "ip route get" picks before any NAT${onlink ? '' : ''}: a ClusterIP has no route of its own, so the default route's device decides it.`,
  };
}

function clientDeliverObservations(hop: Hop, cluster: ClusterModel, context: ObserveContext): Observation[] {
  const p = hop.packet;
  const where: ObservationWhere = { kind: 'host', host: ipOf(p.dst) };
  const header = 'State    Recv-Q Send-Q Local Address:Port  Peer Address:Port Process';
  const { ip, port } = splitHostPort(p.src);
  return [
    {
      where,
      command: `curl -sv -m 5 http://${ip}:${port ?? 80}/ -o /dev/null`,
      output: [`*   Trying ${ip}:${port ?? 80}...`, `* Connected to ${ip} (${ip}) port ${port ?? 80}`],
      note: 'curl prints these on stderr; the rest of the exchange follows.',
    },
    { where, command: `ss -tn dst ${ip}`, output: [header, `${'ESTAB'.padEnd(8)} 0      0      ${p.dst.padEnd(19)} ${p.src}`], note: null },
    tcpdumpObservation(hop, cluster, where, context),
  ];
}

function hostSocketObservation(node: NodeModel, hop: Hop): Observation {
  const p = hop.packet;
  const header = 'State    Recv-Q Send-Q Local Address:Port  Peer Address:Port Process';
  return {
    where: { kind: 'node', node: node.name },
    command: `ss -${p.proto === 'UDP' ? 'u' : 't'}n dst ${ipOf(p.src)}`,
    output: [header, `${'ESTAB'.padEnd(8)} 0      0      ${p.dst.padEnd(19)} ${p.src}`],
    note: 'The socket shows the ClusterIP it dialled: the DNAT and the masquerade live only in conntrack.',
  };
}

// ---------------------------------------------------------------- NodePorts, affinity, traffic policy, stale entries, MTU

function nodePortsObservation(hop: Hop, cluster: ClusterModel, node: NodeModel): Observation {
  const ext = chainsOf(hop).find((c) => c.chain.startsWith('KUBE-EXT-'))?.chain ?? null;
  const names = ['KUBE-NODEPORTS', ...(ext ? [ext] : [])];
  const output = tableOf(cluster, node, 'nat').filter((l) => names.some((n) => l.startsWith(`-A ${n} `)));
  return {
    where: { kind: 'node', node: node.name },
    command: `iptables-save -t nat | grep -E '^-A (${names.join('|')}) '`,
    output,
    note: 'KUBE-NODEPORTS is reached from the last rule of KUBE-SERVICES (-m addrtype --dst-type LOCAL), so any of the node\'s addresses works.',
  };
}

/** xt_recent's list for the endpoint chain (kube-proxy's session affinity): /proc/net/xt_recent/NAME. */
function recentObservation(hop: Hop, node: NodeModel): Observation | null {
  const sep = hop.rewrite?.chain ?? null;
  if (sep === null || !hop.rules.some((r) => r.includes('-m recent'))) return null;
  const src = ipOf(hop.packet.src);
  const again = hop.rules.some((r) => r.includes('--rcheck'));
  const jiffies = 4295037654;
  const stamps = again ? `oldest_pkt: 2 ${jiffies}, ${jiffies + 1250}` : `oldest_pkt: 1 ${jiffies}`;
  return {
    where: { kind: 'node', node: node.name },
    command: `cat /proc/net/xt_recent/${sep}`,
    output: [`src=${src} ttl: ${hop.packet.ttl} last_seen: ${again ? jiffies + 1250 : jiffies} ${stamps}`],
    note: 'last_seen and the stamps are jiffies (a clock): yours differ. echo / > the file clears the list (all clients lose their affinity).',
  };
}

function staleEntryObservation(hop: Hop, where: ObservationWhere): Observation {
  const line = hop.conntrack ?? '';
  const svc = /dst=(\S+)/.exec(line)?.[1] ?? '';
  const ep = ipOf(hop.packet.dst);
  const proto = hop.packet.proto === 'UDP' ? 'udp' : 'tcp';
  return {
    where,
    command: `conntrack -L -p ${proto} --orig-dst ${svc}`,
    output: [line, 'conntrack v1.4.8 (conntrack-tools): 1 flow entries have been shown.'],
    note: `The entry still points at ${ep}. What kube-proxy's cleanup does, by hand: conntrack -D -p ${proto} --orig-dst ${svc} --reply-src ${ep}.`,
  };
}

function noLocalEndpointsObservation(hop: Hop, cluster: ClusterModel, node: NodeModel): Observation {
  const output = tableOf(cluster, node, 'filter').filter((l) => l.includes('has no local endpoints'));
  return {
    where: { kind: 'node', node: node.name },
    command: `iptables-save -t filter | grep 'has no local endpoints'`,
    output,
    note: `kubectl get endpointslices -l kubernetes.io/service-name=SERVICE -o wide shows where the endpoints are: none on ${node.name}.`,
  };
}

function linkMtuObservation(cluster: ClusterModel, node: NodeModel, dev: string): Observation {
  const mtu = deviceMtu(cluster.network.cni, cluster.network.underlayMtu, dev);
  const line = dev === 'flannel.1'
    ? `${dev}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${mtu} qdisc noqueue state UNKNOWN mode DEFAULT group default`
    : `${dev}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${mtu} qdisc ${dev === 'eth0' ? 'mq' : 'noqueue'} state UP mode DEFAULT group default`;
  const vx = dev === 'flannel.1'
    ? [
        `    link/ether ${node.vtepMac} brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 65535`,
        `    vxlan id ${cluster.network.vxlan.vni} local ${node.internalIP} dev eth0 srcport 0 0 dstport ${cluster.network.vxlan.port} nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx`,
      ]
    : [];
  const index = dev === 'eth0' ? 2 : dev === 'flannel.1' ? 4 : 5;
  return {
    where: { kind: 'node', node: node.name },
    command: `ip -d link show ${dev} | head -${dev === 'flannel.1' ? 3 : 1}`,
    output: [`${index}: ${line}`, ...vx],
    note: dev === 'flannel.1' ? 'No "df set" or "df inherit" in the vxlan line: the default (unset) sends outer packets with DF clear. Interface indexes differ per node.' : 'Interface indexes differ per node.',
  };
}

function pathMtuObservations(cluster: ClusterModel, node: NodeModel, hop: Hop): Observation[] {
  const peer = hop.packet.outer?.dst ?? '';
  const path = cluster.network.underlayPathMtu ?? cluster.network.underlayMtu;
  const u = cluster.network.underlayMtu;
  const size = u - 28;
  const fits = path >= u;
  return [
    {
      where: { kind: 'node', node: node.name },
      command: `ip route get ${peer}`,
      output: [`${peer} dev eth0 src ${node.internalIP} uid 0`, '    cache'],
      note: `No "mtu" in the cache line: nothing ever told ${node.name} the path is smaller than eth0's ${u}.`,
    },
    {
      where: { kind: 'node', node: node.name },
      command: `ping -c 2 -M do -s ${size} ${peer}`,
      output: fits
        ? [`PING ${peer} (${peer}) ${size}(${u}) bytes of data.`, `${u - 20} bytes from ${peer}: icmp_seq=1 ttl=64`]
        : [`PING ${peer} (${peer}) ${size}(${u}) bytes of data.`, '', `--- ${peer} ping statistics ---`, '2 packets transmitted, 0 received, 100% packet loss, time 1001ms'],
      note: fits ? null : `Full-size packets vanish (ping -s ${path - 28} gets through): the black hole, seen without any pod.`,
    },
  ];
}

// ---------------------------------------------------------------- conntrack

function origDst(line: string, hop: Hop): string {
  return /dst=(\S+)/.exec(line)?.[1] ?? ipOf(hop.packet.dst);
}

function conntrackObservation(hop: Hop, where: ObservationWhere): Observation {
  const line = hop.conntrack ?? '';
  return {
    where,
    command: `conntrack -L -d ${origDst(line, hop)}`,
    output: [line, 'conntrack v1.4.8 (conntrack-tools): 1 flow entries have been shown.'],
    note: null,
  };
}

/** A NEW entry before POSTROUTING: the kernel holds it, conntrack -L does not list it yet. */
function pendingConntrackObservation(hop: Hop, where: ObservationWhere): Observation {
  const line = hop.conntrackPending ?? '';
  return {
    where,
    command: `conntrack -L -d ${origDst(line, hop)}`,
    output: ['conntrack v1.4.8 (conntrack-tools): 0 flow entries have been shown.'],
    note: 'Nothing yet: the entry is unconfirmed until the packet leaves POSTROUTING. conntrack -E would print [NEW] then.',
  };
}

// ---------------------------------------------------------------- iptables-save

function tableOf(cluster: ClusterModel, node: NodeModel, name: 'nat' | 'filter'): string[] {
  const tables = nodeTables(cluster, node);
  const table: IptTable = name === 'nat' ? tables.nat : tables.filter;
  return saveTable(table, null).split('\n');
}

/** The chains a hop's rules went through, in order, per table ("nat KUBE-SEP-X: -A ..." lines). */
function chainsOf(hop: Hop): { table: 'nat' | 'filter'; chain: string }[] {
  const out: { table: 'nat' | 'filter'; chain: string }[] = [];
  for (const line of hop.rules) {
    const m = /^(nat|filter) (\S+):/.exec(line);
    if (m === null) continue;
    const table = m[1] as 'nat' | 'filter';
    const chain = m[2] as string;
    if (!out.some((c) => c.table === table && c.chain === chain)) out.push({ table, chain });
  }
  return out;
}

function dnatObservation(hop: Hop, cluster: ClusterModel, node: NodeModel): Observation {
  const svc = chainsOf(hop).find((c) => c.table === 'nat' && /^KUBE-(SVC|SVL|EXT|FW)-/.test(c.chain))?.chain ?? null;
  const sep = hop.rewrite?.chain ?? null;
  const names = [svc, sep].filter((c): c is string => c !== null);
  const lines = tableOf(cluster, node, 'nat');
  const output = lines.filter((l) => names.some((n) => l.includes(n)));
  const pattern = names.length === 1 ? names[0] : `'${names.join('|')}'`;
  return {
    where: { kind: 'node', node: node.name },
    command: `iptables-save -t nat | grep -E ${pattern}`,
    output,
    note: 'iptables-save prints rules in its own canonical form: /32 on addresses, -p before -m.',
  };
}

function noDnatObservation(hop: Hop, cluster: ClusterModel, node: NodeModel): Observation {
  const dst = ipOf(hop.packet.dst);
  const needle = `-d ${dst}/32`;
  const output = tableOf(cluster, node, 'nat').filter((l) => l.includes(needle));
  return {
    where: { kind: 'node', node: node.name },
    command: `iptables-save -t nat | grep -- '${needle}'`,
    output,
    note: output.length === 0 ? `No output: no nat rule matches destination ${dst}.` : null,
  };
}

function chainsObservation(hop: Hop, cluster: ClusterModel, node: NodeModel): Observation {
  const chains = chainsOf(hop);
  const table = chains[0]?.table ?? (hop.step === 'filter-forward' || hop.step === 'filter-input' || hop.step === 'reject' ? 'filter' : 'nat');
  const names = chains.filter((c) => c.table === table).map((c) => c.chain);
  if (hop.step === 'reject') {
    const dst = ipOf(hop.packet.dst);
    const output = tableOf(cluster, node, 'filter').filter((l) => l.includes(`${dst}/32`));
    return { where: { kind: 'node', node: node.name }, command: `iptables-save -t filter | grep ${dst}`, output, note: null };
  }
  if (names.length === 0) {
    const builtin = hop.hook ?? 'POSTROUTING';
    names.push(builtin);
  }
  const prefixes = names.map((n) => `-A ${n} `);
  const output = tableOf(cluster, node, table).filter((l) => prefixes.some((p) => l.startsWith(p)));
  const alternation = names.length === 1 ? names[0] : `(${names.join('|')})`;
  return {
    where: { kind: 'node', node: node.name },
    command: `iptables-save -t ${table} | grep -E '^-A ${alternation} '`,
    output,
    note: null,
  };
}

// ---------------------------------------------------------------- flannel.1

function encapObservations(cluster: ClusterModel, node: NodeModel, hop: Hop, context: ObserveContext): Observation[] {
  const others = cluster.nodes.filter((n) => n.name !== node.name);
  const gateway = /resolves the gateway (\S+)/.exec(hop.action)?.[1] ?? null;
  const neigh = others.map((n) => `${vtepIP(n)} lladdr ${n.vtepMac} PERMANENT`);
  const out: Observation[] = [
    {
      where: { kind: 'node', node: node.name },
      command: `bridge fdb show dev ${hop.device}`,
      output: others.map((n) => `${n.vtepMac} dst ${n.internalIP} self permanent`),
      note: null,
    },
    {
      where: { kind: 'node', node: node.name },
      command: gateway === null ? `ip neigh show dev ${hop.device}` : `ip neigh show ${gateway} dev ${hop.device}`,
      output: gateway === null ? neigh : neigh.filter((l) => l.startsWith(`${gateway} `)),
      note: null,
    },
  ];
  out.push(tcpdumpObservation(hop, cluster, { kind: 'node', node: node.name }, context));
  return out;
}

// ---------------------------------------------------------------- sockets

function socketObservation(pod: PodModel, hop: Hop, context: ObserveContext): Observation {
  const p = hop.packet;
  const udp = p.proto === 'UDP';
  const where: ObservationWhere = { kind: 'kubectl', namespace: pod.namespace, pod: pod.name };
  const header = 'State    Recv-Q Send-Q Local Address:Port  Peer Address:Port Process';
  const row = (state: string, local: string, peer: string): string =>
    `${state.padEnd(8)} 0      0      ${local.padEnd(19)} ${peer}`;
  if (hop.direction === 'request') {
    // The server: a TCP SYN leaves a request socket in SYN-RECV; a UDP server listens unconnected.
    if (udp) {
      return { where, command: `kubectl exec ${podArg(pod)}-- ss -uan sport = :${portOf(p.dst) ?? 0}`, output: [header, row('UNCONN', `*:${portOf(p.dst) ?? 0}`, '*:*')], note: debugNote(pod, 'ss') };
    }
    return { where, command: `kubectl exec ${podArg(pod)}-- ss -tn sport = :${portOf(p.dst) ?? 0}`, output: [header, row('SYN-RECV', p.dst, p.src)], note: debugNote(pod, 'ss') };
  }
  // The client: its socket is connected to the address it dialled, whatever the packet went through.
  const reset = context.trace?.outcome === 'reset';
  const dialled = context.trace?.target ?? p.src;
  if (udp) {
    return { where, command: `kubectl exec ${podArg(pod)}-- ss -un dst ${ipOf(dialled)}`, output: [header, row('ESTAB', p.dst, dialled)], note: debugNote(pod, 'ss') };
  }
  return {
    where,
    command: `kubectl exec ${podArg(pod)}-- ss -tn dst ${ipOf(dialled)}`,
    output: [header, row(reset ? 'SYN-SENT' : 'ESTAB', p.dst, dialled)],
    note: reset ? 'The SYN-ACK came from an address the socket did not dial: the kernel answers with a RST.' : debugNote(pod, 'ss'),
  };
}

// ---------------------------------------------------------------- tcpdump

function tcpdumpObservation(hop: Hop, cluster: ClusterModel, where: ObservationWhere, context: ObserveContext): Observation {
  const p = hop.packet;
  const proto = p.proto === 'UDP' ? 'udp' : p.proto === 'ICMP' ? 'icmp' : 'tcp';
  const clientPort = hop.direction === 'request' ? portOf(p.src) : portOf(p.dst);
  const filter = proto === 'icmp' || clientPort === null ? proto : `${proto} port ${clientPort}`;
  return {
    where,
    command: `tcpdump -tnne -i ${hop.device} ${filter}`,
    output: tcpdumpLines(hop, cluster, context),
    note: proto === 'tcp' ? RANDOM_NOTE : null,
  };
}

/** tcpdump's rendering of "ip:port": the port follows a dot. */
function dotted(endpoint: string): string {
  const { ip, port } = splitHostPort(endpoint);
  return port === null ? ip : `${ip}.${port}`;
}

/**
 * The connection as the client opened it, so every hop of one connection, before and after NAT,
 * derives the same sequence numbers: the trace's first packet, or this packet's client side.
 */
function flowKey(p: PacketView, direction: Hop['direction'], context: ObserveContext): string {
  const first = context.trace?.hops[0]?.packet ?? null;
  if (first !== null && (first.src === p.src || first.src === p.dst || context.trace?.hops.some((h) => h.packet === p))) return first.src;
  return direction === 'request' ? p.src : p.dst;
}

interface Payload {
  /** The text after "src > dst: ". */
  readonly text: string;
  /** The IP total length. */
  readonly ipLength: number;
}

function tcpPayload(hop: Hop, mtu: number, context: ObserveContext): Payload {
  const p = hop.packet;
  const key = flowKey(p, hop.direction, context);
  const clientIsn = fnv1a32(`isn-c|${key}`);
  const serverIsn = fnv1a32(`isn-s|${key}`);
  const clientTs = fnv1a32(`ts-c|${key}`) % 4_000_000_000;
  const serverTs = fnv1a32(`ts-s|${key}`) % 4_000_000_000;
  const mss = mtu - 40;
  if (p.length !== undefined && p.flags !== 'S' && p.flags !== 'S.') {
    // A full-size data segment from the server: 20 bytes of IP, 32 of TCP with timestamps, the rest data.
    const data = p.length - 52;
    return {
      text: `Flags [${p.flags ?? '.'}], seq 1:${data + 1}, ack 79, win 502, options [nop,nop,TS val ${serverTs} ecr ${clientTs}], length ${data}`,
      ipLength: p.length,
    };
  }
  const synAck = p.flags === 'S.';
  // Linux's first window is the largest multiple of the MSS that fits in 65535; the SYN-ACK's
  // uses the MSS less the 12 bytes of timestamp option.
  const win = synAck ? Math.floor(65535 / (mss - 12)) * (mss - 12) : Math.floor(65535 / mss) * mss;
  const options = `options [mss ${mss},sackOK,TS val ${synAck ? serverTs : clientTs} ecr ${synAck ? clientTs : 0},nop,wscale 7]`;
  const flags = p.flags ?? 'S';
  const seq = synAck ? `seq ${serverIsn}, ack ${(clientIsn + 1) >>> 0}` : `seq ${clientIsn}`;
  return { text: `Flags [${flags}], ${seq}, win ${win}, ${options}, length 0`, ipLength: 60 };
}

function dnsWireName(name: string): number {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l !== '');
  return labels.reduce((sum, l) => sum + l.length + 1, 0) + 1;
}

function udpPayload(hop: Hop, context: ObserveContext): Payload {
  const p = hop.packet;
  const dnsToServer = portOf(p.dst) === 53;
  const dnsFromServer = portOf(p.src) === 53;
  const query = context.trace?.dns?.journeyQuery ?? null;
  if ((dnsToServer || dnsFromServer) && query !== null) {
    const id = fnv1a32(`dns-id|${flowKey(p, hop.direction, context)}`) % 65536;
    const name = query.name.endsWith('.') ? query.name : `${query.name}.`;
    const question = dnsWireName(name) + 4;
    if (dnsToServer) {
      const length = 12 + question;
      return { text: `${id}+ ${query.type}? ${name} (${length})`, ipLength: 28 + length };
    }
    // CoreDNS answers authoritatively (aa) without recursion (no ra), uncompressed when small.
    if (query.answer !== null) {
      const rdata = query.type === 'A' ? 4 : 16;
      const length = 12 + question + dnsWireName(name) + 10 + rdata;
      return { text: `${id}*- 1/0/0 ${query.type} ${query.answer} (${length})`, ipLength: 28 + length };
    }
    const zone = `${context.trace?.dns?.resolvConf.match(/^search \S+ \S+ (\S+)/m)?.[1] ?? 'cluster.local'}.`;
    const soa = dnsWireName(zone) + 10 + dnsWireName(`ns.dns.${zone}`) + dnsWireName(`hostmaster.${zone}`) + 20;
    const length = 12 + question + soa;
    const rcode = query.rcode === 'NXDOMAIN' ? ' NXDomain' : '';
    return { text: `${id}*-${rcode} 0/1/0 (${length})`, ipLength: 28 + length };
  }
  return { text: 'UDP, length 0', ipLength: 28 };
}

function icmpPayload(hop: Hop, context: ObserveContext): Payload {
  const target = context.trace?.target ?? null;
  const { ip, port } = splitHostPort(target ?? '');
  const what = target === null ? 'port unreachable' : `${ip} tcp port ${port ?? 0} unreachable`;
  // The error quotes the offending packet: the 20-byte IP header and the 40-byte SYN's TCP header.
  return { text: `ICMP ${what}, length 68`, ipLength: 20 + 68 };
}

/** The lines `tcpdump -tnne` prints for this hop's packet (two for a VXLAN packet read with -T vxlan). */
export function tcpdumpLines(hop: Hop, cluster: ClusterModel, context: ObserveContext = {}): string[] {
  const p = hop.packet;
  // The MSS each side announces follows its own interface's MTU: a host-network server (the API
  // server behind `kubernetes`) sits on the node's uplink, not on the overlay.
  const server = context.trace?.hops.find((h) => h.direction === 'reply')?.packet.src ?? p.src;
  const hostServer = p.flags === 'S.' && !cidrContains(cluster.network.podNetwork, ipOf(server));
  const mtu = hostServer ? cluster.network.underlayMtu : podMtu(cluster.network.cni, cluster.network.underlayMtu);
  const payload = p.proto === 'ICMP' ? icmpPayload(hop, context) : p.proto === 'UDP' ? udpPayload(hop, context) : tcpPayload(hop, mtu, context);
  const ips = p.proto === 'ICMP' ? `${ipOf(p.src)} > ${ipOf(p.dst)}` : `${dotted(p.src)} > ${dotted(p.dst)}`;
  const frame = payload.ipLength + 14;
  const o = p.outer;
  // On tunl0 (a layer-3 device) and for IP-in-IP there is no inner Ethernet header.
  if (hop.device === IPIP_DEV && o === null) return [`IP ${ips}: ${payload.text}`];
  if (o !== null && o.proto === 'IPIP') {
    const innerIp = `${ips}: ${payload.text}`;
    if (hop.step !== 'wire') return [`IP ${innerIp}`];
    return [`${o.srcMac} > ${o.dstMac}, ethertype IPv4 (0x0800), length ${payload.ipLength + IPIP_OVERHEAD + 14}: ${o.src} > ${o.dst}: ${innerIp} (ipip-proto-4)`];
  }
  const inner = `${p.srcMac ?? '00:00:00:00:00:00'} > ${p.dstMac ?? '00:00:00:00:00:00'}, ethertype IPv4 (0x0800), length ${frame}: ${ips}: ${payload.text}`;
  if (o === null || hop.step !== 'wire') return [inner];
  const outerFrame = frame + VXLAN_OVERHEAD;
  const outer = `${o.srcMac} > ${o.dstMac}, ethertype IPv4 (0x0800), length ${outerFrame}: ${o.src}.${o.sport ?? 0} > ${o.dst}.${o.dport ?? 0}: VXLAN, flags [I] (0x08), vni ${o.vni ?? 0}`;
  return [outer, inner];
}
