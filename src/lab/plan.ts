// The lab as data: which namespaces, devices, addresses, routes, neighbours, sysctls, files and
// iptables rules stand in for each node and pod of the cluster. Pure: nothing here touches the
// system, so the plan can be checked without root (for instance, that every `ip` command names a
// lab namespace and none touches the host's).
//
// Topology (one network namespace each):
//
//   <prefix>lan        a bridge br0 standing in for the node network; one port per node (MTU the
//                      cluster's underlayPathMtu when the node network carries less than eth0 says)
//   <prefix><node>     eth0 (veth to the lan bridge, the node's InternalIP/24), cni0 (bridge, the pod
//                      CIDR's first address), flannel.1 (VXLAN VNI 1, nolearning, MTU underlay-50,
//                      the lease's network address /32), one host-side veth per pod (hairpin on),
//                      Flannel's permanent neighbour + FDB entries and onlink routes, ip_forward=1,
//                      bridge-nf-call-iptables=1, and the node's iptables rules (kube-proxy, kubelet, Flannel)
//   <prefix><pod>      eth0 (the pod side of the veth: the pod's IP and MAC), the pod's routes,
//                      /etc/netns/<ns>/{resolv.conf,hosts,nsswitch.conf}
//
// Other data planes (--cni), each from the core's model of it (routes, devices, rules):
//   flannel-host-gw    no flannel.1: the routes to the other nodes' pod CIDRs go via their node IP
//   calico-bgp         no cni0: one cali<11 hex> host veth per pod (MAC ee:ee:ee:ee:ee:ee,
//                      proxy_arp=1, proxy_delay=0), a /32 route per local pod, a blackhole route per
//                      own block, the BGP-learned routes as static ones (proto bird); the pod has its
//                      /32 and only 169.254.1.1 routes; Felix's filter/nat chains and their ipsets
//   calico-vxlan       the same, plus vxlan.calico (VNI 4096, UDP 4789, MTU underlay-50, the tunnel
//                      address /32) with Felix's permanent neighbour and FDB entries, proto 80 routes,
//                      and Felix's raw NOTRACK for the outer UDP 4789 flow
//   calico-ipip        not built yet (it needs tunl0, from the ipip module): refused, see LAB_CNIS
//
// Nothing is connected to the host's namespace: the lan bridge has only the nodes' eth0 peers, and
// the nodes' default route points at 192.168.x.1, an address nobody in the lab owns.

import { createHash } from 'node:crypto';
import type { ClusterModel, CniKind, NodeModel, PodModel } from '../core/cluster/model.js';
import { policySets } from '../core/cni/calico/policy.js';
import { ipsetMembers, tunnelAddress, calicoNode } from '../core/cni/calico/ipam.js';
import { calicoRawRestore } from '../core/cni/calico/iptables.js';
import { CALICO_VETH_MAC, CALICO_VXLAN_DEV, CALICO_VXLAN_PORT, CALICO_VXLAN_VNI, calicoVxlanMac, caliVethName, isCalico } from '../core/cni/calico/names.js';
import { podHostsEntries } from '../core/dns/hosts.js';
import { podMtu as cniPodMtu } from '../core/cni/mtu.js';
import { VXLAN_OVERHEAD } from '../core/cni/vxlan.js';
import { bridgeIP, nodeRoutes, nodeSubnet, podRoutes, vtepIP, type Route } from '../core/kernel/routing.js';
import { cidrPrefix } from '../core/net/ipv4.js';
import { nodeTables, type NodeTables } from '../core/proxy/node-tables.js';
import { renderIptablesSave, renderKubeProxyRestore } from '../core/proxy/render-rules.js';
import { restoreLine, type IptTable } from '../core/proxy/rule.js';
import type { ExternalHost } from '../core/kernel/datapath.js';

/** Every lab namespace starts with this, then a 6-hex run id and a dash. */
export const LAB_PREFIX = 'kpt-';
export const LAB_NAME_RE = /^kpt-([0-9a-f]{6})-/;
/** The Linux kernel's VXLAN default port (drivers/net/vxlan: vxlan_port = 8472). */
export const KERNEL_VXLAN_PORT = 8472;
/** Above this the lab gets slow and the host crowded; the simulator has no such limit. */
export const MAX_LAB_NODES = 8;
export const MAX_LAB_PODS = 40;

export interface NodePlan {
  readonly node: NodeModel;
  readonly ns: string;
  /** The node's eth0 peer on the lan bridge (inside the lan namespace). */
  readonly lanPort: string;
  readonly tables: NodeTables;
  /** What `kube-packet-tour rules --node N` prints (the iptables-save form). */
  readonly saveText: string;
  /** The same rules as their owners install them: the built-in jumps and Flannel's, then kube-proxy's restore input. */
  readonly baseRestoreText: string;
  readonly kubeProxyRestoreText: string;
  /** nfacct objects the rules use (kube-proxy creates them before it writes the rules). */
  readonly nfacct: readonly string[];
  readonly routes: readonly Route[];
  /** `ipset restore` input for the sets the rules match (Calico's), or null. */
  readonly ipsetText: string | null;
  /** Table raw as Felix writes it (restore input), loaded after the save text; null without Calico VXLAN. */
  readonly rawRestoreText: string | null;
  /** The devices tcpdump watches in the node (every device a hop can name). */
  readonly captureDevices: readonly string[];
}

export interface PodPlan {
  readonly pod: PodModel;
  /** The pod's address; pods without one, or on the host network, are not in the lab. */
  readonly ip: string;
  readonly ns: string;
  readonly node: string;
  readonly nodeNs: string;
  /** The host end of the pod's veth: the bridge plugin's veth name, or Calico's cali name. */
  readonly hostVeth: string;
  readonly tcpPorts: readonly number[];
  readonly udpPorts: readonly number[];
  /** Runs the stand-in CoreDNS (a UDP DNS responder on 53). */
  readonly dnsServer: boolean;
  readonly routes: readonly Route[];
  readonly files: Readonly<Record<'resolv.conf' | 'hosts' | 'nsswitch.conf', string>>;
}

export type Step =
  | { readonly kind: 'netns-add'; readonly ns: string }
  | { readonly kind: 'sysctl'; readonly ns: string; readonly values: readonly (readonly [string, string])[] }
  | { readonly kind: 'ip'; readonly ns: string; readonly lines: readonly string[] }
  | { readonly kind: 'bridge'; readonly ns: string; readonly lines: readonly string[] }
  | { readonly kind: 'file'; readonly ns: string; readonly name: string; readonly text: string }
  | { readonly kind: 'nfacct'; readonly ns: string; readonly names: readonly string[] }
  | { readonly kind: 'ipset'; readonly ns: string; readonly text: string }
  | { readonly kind: 'iptables-restore'; readonly ns: string; readonly text: string; readonly noflush: boolean };

export interface LabPlan {
  readonly runId: string;
  readonly cni: CniKind;
  readonly prefix: string;
  readonly lanNs: string;
  readonly nodes: readonly NodePlan[];
  readonly pods: readonly PodPlan[];
  /** Every namespace the lab creates, in creation order. */
  readonly namespaces: readonly string[];
  readonly steps: readonly Step[];
  /** Pods of the cluster the lab leaves out, with why. */
  readonly skipped: readonly string[];
  /** A DNS table for the stand-in CoreDNS: FQDN (no trailing dot) -> A records. */
  readonly dnsRecords: Readonly<Record<string, readonly string[]>>;
  /** The outside client, when a scenario needs one. */
  readonly external: ExternalPlan | null;
  /** Lab name -> the core's placeholder, for Felix's hashed policy chain and ipset names (see labName). */
  readonly names: ReadonlyMap<string, string>;
}

/**
 * The outside client of the NodePort scenarios (`--from external`): a namespace of its own whose
 * eth0 is one more port on the lan bridge, with the simulator's address and MAC for it. Like the
 * nodes it has no link to the host's namespace.
 */
export interface ExternalPlan {
  readonly ns: string;
  readonly ip: string;
  readonly mac: string;
  /** Its peer on the lan bridge (inside the lan namespace). */
  readonly lanPort: string;
}

export interface PlanOptions {
  /** Add the outside client (its address on the nodes' network and its MAC, as the simulator resolved `--from external[/IP]`). */
  readonly external?: ExternalHost | null;
}

export type PlanResult = { readonly ok: true; readonly plan: LabPlan } | { readonly ok: false; readonly reason: string };

/**
 * Felix names selector ipsets by a hash of Calico's selector, which the core prints as a
 * placeholder, cali40s:<hash-N>. The lab loads each under a name of Felix's own shape instead:
 * cali40s: and the base64url SHA-224 of the placeholder, cut to 22 characters (30 in all, under
 * ipset's 31). The same placeholder always gets the same name; what the kernel prints back is
 * mapped to the placeholders before it is compared.
 */
const PLACEHOLDER_RE = /cali40s:<hash-\d+>/g;

export function labName(placeholder: string): string {
  return `cali40s:${createHash('sha224').update(placeholder).digest('base64url').slice(0, 22)}`;
}

/** Rewrites every placeholder in `text` to its lab name, recording the pair in `names`. */
function toLabNames(text: string, names: Map<string, string>): string {
  return text.replace(PLACEHOLDER_RE, (m) => {
    const n = labName(m);
    names.set(n, m);
    return n;
  });
}

/** The kernel's text with the lab names back as the core's placeholders. */
export function fromLabNames(text: string, names: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [n, placeholder] of names) out = out.split(n).join(placeholder);
  return out;
}

export function labPrefix(runId: string): string {
  return `${LAB_PREFIX}${runId}-`;
}

/** The resolv.conf containerd writes for a ClusterFirst pod: search, nameserver, options. */
export function labResolvConf(cluster: ClusterModel, pod: PodModel): string {
  const domain = cluster.dns.clusterDomain.replace(/\.$/, '');
  const search = [`${pod.namespace}.svc.${domain}`, `svc.${domain}`, domain, ...cluster.dns.nodeSearch.map((s) => s.replace(/\.$/, ''))];
  const unique = search.filter((s, i) => s !== '' && search.indexOf(s) === i);
  return `search ${unique.join(' ')}\nnameserver ${cluster.dns.nameserver}\noptions ndots:${cluster.dns.ndots}\n`;
}

function hostsFile(pod: PodModel): string {
  const lines = ['# Kubernetes-managed hosts file (kube-packet-tour lab).'];
  for (const e of podHostsEntries(pod)) lines.push(`${e.ip}\t${e.names.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** Routes the kernel adds by itself when an address is configured ("proto kernel scope link"). */
function isKernelRoute(r: Route): boolean {
  return /\bproto kernel\b/.test(r.text);
}

/** The DNS names CoreDNS's kubernetes plugin answers with A records: <svc>.<ns>.svc.<domain>. */
export function clusterARecords(cluster: ClusterModel): Record<string, string[]> {
  const domain = cluster.dns.clusterDomain.replace(/\.$/, '');
  const out: Record<string, string[]> = {};
  for (const s of cluster.services) {
    if (s.type === 'ExternalName') continue;
    const name = `${s.name}.${s.namespace}.svc.${domain}`.toLowerCase();
    if (s.clusterIP !== 'None' && s.clusterIP !== '') {
      out[name] = [s.clusterIP];
    } else {
      // Headless: the ready endpoints' addresses.
      const ips = cluster.endpointSlices
        .filter((sl) => sl.namespace === s.namespace && sl.serviceName === s.name && sl.addressType === 'IPv4')
        .flatMap((sl) => sl.endpoints.filter((e) => e.ready).map((e) => e.ip));
      out[name] = [...new Set(ips)];
    }
  }
  return out;
}

function baseRestore(table: IptTable, kpRules: ReadonlySet<string>): string[] {
  const lines = [`*${table.name}`];
  for (const c of table.chains) lines.push(`:${c} - [0:0]`);
  for (const r of table.rules) {
    const line = restoreLine(r);
    if (!kpRules.has(`${table.name} ${line}`)) lines.push(line);
  }
  lines.push('COMMIT');
  return lines;
}

function uniqueName(wanted: string, used: Set<string>): string {
  let name = wanted;
  for (let i = 2; used.has(name); i++) name = `${wanted}-${i}`;
  used.add(name);
  return name;
}

/**
 * The data planes the lab builds. Not calico-ipip, on any kernel: the lab does not build tunl0 yet.
 * planLab refuses it, and before that command.ts says in one sentence what this kernel lacks or
 * that the lab is what lacks (ipip-support.ts).
 */
export const LAB_CNIS: readonly CniKind[] = ['flannel-vxlan', 'flannel-host-gw', 'calico-bgp', 'calico-vxlan'];

/** Felix's ipsets a node's rules match, as `ipset restore` input (hash:net, members from the core's IPAM model). */
function ipsetRestore(cluster: ClusterModel, saveText: string): string | null {
  const names = [...new Set([...saveText.matchAll(/--match-set\s+(\S+)/g)].map((m) => m[1]!))].sort();
  if (names.length === 0) return null;
  const lines: string[] = [];
  for (const name of names) {
    const members = ipsetMembers(cluster, name) ?? policySets(cluster).members.get(name) ?? null;
    if (members === null) throw new Error(`the lab cannot build the ipset ${name} yet`);
    lines.push(`create ${name} hash:net family inet`);
    for (const m of members) lines.push(`add ${name} ${m}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Routes are added gateway-less first, so that "default via 169.254.1.1" finds its link route. */
function addOrder(routes: readonly Route[]): Route[] {
  return [...routes.filter((r) => r.via === null), ...routes.filter((r) => r.via !== null)];
}

export function planLab(cluster: ClusterModel, runId: string, options: PlanOptions = {}): PlanResult {
  if (!/^[0-9a-f]{6}$/.test(runId)) return { ok: false, reason: `bad run id ${runId}` };
  const cni = cluster.network.cni;
  if (cni === 'calico-ipip') return { ok: false, reason: 'the lab does not build Calico IPIP (tunl0) yet; trace --cni calico-ipip shows the simulation' };
  if (!LAB_CNIS.includes(cni)) return { ok: false, reason: `the lab builds ${LAB_CNIS.join(', ')}; this cluster uses ${cni}` };
  if (cluster.nodes.length > MAX_LAB_NODES) return { ok: false, reason: `the lab builds at most ${MAX_LAB_NODES} nodes; this cluster has ${cluster.nodes.length}` };
  const calico = isCalico(cni);
  const prefix = labPrefix(runId);
  const used = new Set<string>();
  const lanNs = uniqueName(`${prefix}lan`, used);
  const skipped: string[] = [];
  const mtu = cluster.network.underlayMtu;
  const podMtu = cniPodMtu(cni, mtu);

  const names = new Map<string, string>();
  const nodes: NodePlan[] = cluster.nodes.map((node, i) => {
    const tables = nodeTables(cluster, node);
    const kp = tables.kubeProxy;
    const kpSet = new Set([...kp.filterRules.map((r) => `filter ${restoreLine(r)}`), ...kp.natRules.map((r) => `nat ${restoreLine(r)}`)]);
    const saveText = renderIptablesSave(tables);
    const nfacct = [...new Set([...saveText.matchAll(/--nfacct-name\s+(\S+)/g)].map((m) => m[1]!))];
    const veths = cluster.pods
      .filter((p) => p.nodeName === node.name && !p.hostNetwork && p.ip !== null)
      .map((p) => (calico ? caliVethName(p.namespace, p.name) : p.hostVeth));
    const devices = calico
      ? ['eth0', ...(cni === 'calico-vxlan' ? [CALICO_VXLAN_DEV] : []), ...veths]
      : ['eth0', 'cni0', ...(cni === 'flannel-vxlan' ? ['flannel.1'] : []), ...veths];
    return {
      node,
      ns: uniqueName(`${prefix}${node.name}`, used),
      lanPort: `n${i}`,
      tables,
      saveText: toLabNames(saveText, names),
      baseRestoreText: toLabNames(`${[...baseRestore(tables.filter, kpSet), ...baseRestore(tables.nat, kpSet)].join('\n')}\n`, names),
      kubeProxyRestoreText: toLabNames(renderKubeProxyRestore(kp), names),
      nfacct,
      routes: nodeRoutes(cluster, node),
      ipsetText: (() => { const t = ipsetRestore(cluster, saveText); return t === null ? null : toLabNames(t, names); })(),
      rawRestoreText: calicoRawRestore(cluster),
      captureDevices: devices,
    };
  });
  const nodeByName = new Map(nodes.map((n) => [n.node.name, n]));

  // Ports each pod listens on: its container ports, and the target ports of the slices it is an endpoint of.
  const dnsSlices = cluster.endpointSlices.filter((sl) => {
    const svc = cluster.services.find((s) => s.namespace === sl.namespace && s.name === sl.serviceName);
    return svc?.clusterIP === cluster.dns.nameserver;
  });
  const pods: PodPlan[] = [];
  for (const pod of cluster.pods) {
    const nodePlan = nodeByName.get(pod.nodeName);
    const key = `${pod.namespace}/${pod.name}`;
    if (pod.hostNetwork) { skipped.push(`${key}: host network (it would live in the node's namespace)`); continue; }
    if (pod.ip === null) { skipped.push(`${key}: no IP`); continue; }
    if (nodePlan === undefined) { skipped.push(`${key}: node ${pod.nodeName} is not in the cluster`); continue; }
    const tcp = new Set<number>();
    const udp = new Set<number>();
    for (const c of pod.containerPorts) (c.protocol === 'UDP' ? udp : c.protocol === 'TCP' ? tcp : new Set<number>()).add(c.port);
    for (const sl of cluster.endpointSlices) {
      if (!sl.endpoints.some((e) => e.ip === pod.ip)) continue;
      for (const p of sl.ports) (p.protocol === 'UDP' ? udp : p.protocol === 'TCP' ? tcp : new Set<number>()).add(p.port);
    }
    const dnsServer = dnsSlices.some((sl) => sl.endpoints.some((e) => e.ip === pod.ip));
    if (dnsServer) udp.add(53);
    const short = pod.namespace === 'default' ? pod.name : `${pod.namespace}.${pod.name}`;
    pods.push({
      pod,
      ip: pod.ip,
      ns: uniqueName(`${prefix}${short}`, used),
      node: nodePlan.node.name,
      nodeNs: nodePlan.ns,
      hostVeth: calico ? caliVethName(pod.namespace, pod.name) : pod.hostVeth,
      tcpPorts: [...tcp].sort((a, b) => a - b),
      udpPorts: [...udp].sort((a, b) => a - b),
      dnsServer,
      routes: podRoutes(cluster, pod, nodePlan.node),
      files: { 'resolv.conf': labResolvConf(cluster, pod), hosts: hostsFile(pod), 'nsswitch.conf': 'hosts: files dns\n' },
    });
  }
  if (pods.length > MAX_LAB_PODS) return { ok: false, reason: `the lab builds at most ${MAX_LAB_PODS} pods; this cluster has ${pods.length}` };
  const vethNames = new Set<string>();
  for (const p of pods) {
    const key = `${p.nodeNs}/${p.hostVeth}`;
    if (vethNames.has(key)) return { ok: false, reason: `two pods on ${p.node} share the veth name ${p.hostVeth}` };
    vethNames.add(key);
  }

  const steps: Step[] = [];
  let external: ExternalPlan | null = null;
  // The core has checked the address (a free host on the nodes' network) and chosen its MAC.
  if (options.external) external = { ns: uniqueName(`${prefix}external`, used), ip: options.external.ip, mac: options.external.mac, lanPort: 'x0' };
  const namespaces = [lanNs, ...nodes.map((n) => n.ns), ...pods.map((p) => p.ns), ...(external ? [external.ns] : [])];
  for (const ns of namespaces) steps.push({ kind: 'netns-add', ns });
  // IPv6 off everywhere first, so no router solicitation or DAD ever shows up in a capture. (The lab
  // applies a run of consecutive sysctl steps in parallel: keep these together.)
  const noV6: [string, string][] = [['net/ipv6/conf/all/disable_ipv6', '1'], ['net/ipv6/conf/default/disable_ipv6', '1']];
  // A bridge with multicast snooping (a node's cni0, the lan's br0) joins 224.0.0.106 and sends
  // IGMPv3 reports, then repeats them at a random moment up to igmpv3_unsolicited_report_interval
  // (1 s) later: cni0's is a node's own NEW packet through OUTPUT and POSTROUTING, br0's reaches
  // every node as a NEW packet through PREROUTING; landing in a scenario, either added one to those
  // rules' counters. At 1 ms the repeats go out while the lab is still being built.
  const quickIgmp: [string, string][] = [['net/ipv4/conf/default/igmpv3_unsolicited_report_interval', '1'], ['net/ipv4/conf/default/igmpv2_unsolicited_report_interval', '1']];
  steps.push({ kind: 'sysctl', ns: lanNs, values: [...noV6, ...quickIgmp] });
  for (const n of nodes) {
    steps.push({ kind: 'sysctl', ns: n.ns, values: [...noV6, ...quickIgmp, ['net/ipv4/ip_forward', '1'], ['net/bridge/bridge-nf-call-iptables', cluster.network.brNetfilter ? '1' : '0']] });
  }
  for (const p of pods) steps.push({ kind: 'sysctl', ns: p.ns, values: noV6 });
  if (external) steps.push({ kind: 'sysctl', ns: external.ns, values: noV6 });

  steps.push({ kind: 'ip', ns: lanNs, lines: ['link set lo up', 'link add br0 type bridge', 'link set br0 up'] });
  const overlayMtu = mtu - VXLAN_OVERHEAD;
  // The node network's real MTU (vxlan-mtu: a switch that carries less than eth0 says). The lan
  // bridge's ports get it, eth0 keeps its own: a frame bigger than a port's MTU is discarded
  // silently where it enters the "switch" (the receiving veth's dev_forward_skb drops it, with no
  // ICMP, as a switch would).
  const lanMtu = cluster.network.underlayPathMtu ?? mtu;
  for (const n of nodes) {
    const node = n.node;
    const lines = [
      'link set lo up',
      `link add eth0 mtu ${mtu} address ${node.eth0Mac} type veth peer name ${n.lanPort} mtu ${lanMtu} netns ${lanNs}`,
      `addr add ${node.internalIP}/24 dev eth0`,
      'link set eth0 up',
    ];
    const mine = pods.filter((x) => x.nodeNs === n.ns);
    const others = nodes.filter((o) => o !== n);
    let fdb: string[] = [];
    const deviceSysctls: [string, string][] = [];
    if (!calico) {
      lines.push(
        `link add cni0 address ${node.bridgeMac} mtu ${podMtu} type bridge`,
        `addr add ${bridgeIP(node)}/${cidrPrefix(node.podCIDR)} dev cni0`,
        'link set cni0 up',
      );
      if (cni === 'flannel-vxlan') {
        lines.push(
          // Flannel leaves the port unset unless configured, so the kernel's default (8472) applies.
          `link add flannel.1 address ${node.vtepMac} mtu ${overlayMtu} type vxlan id ${cluster.network.vxlan.vni} local ${node.internalIP} dev eth0 nolearning` +
            (cluster.network.vxlan.port === KERNEL_VXLAN_PORT ? '' : ` dstport ${cluster.network.vxlan.port}`),
          `addr add ${vtepIP(node)}/32 dev flannel.1`,
          'link set flannel.1 up',
        );
      }
      for (const p of mine) {
        lines.push(
          `link add ${p.hostVeth} mtu ${podMtu} type veth peer name eth0 mtu ${podMtu} address ${p.pod.mac} netns ${p.ns}`,
          `link set ${p.hostVeth} master cni0`,
          `link set ${p.hostVeth} type bridge_slave hairpin on`,
          `link set ${p.hostVeth} up`,
        );
      }
      if (cni === 'flannel-vxlan') {
        for (const other of others) lines.push(`neigh replace ${vtepIP(other.node)} lladdr ${other.node.vtepMac} dev flannel.1 nud permanent`);
        fdb = others.map((o) => `fdb append ${o.node.vtepMac} dev flannel.1 dst ${o.node.internalIP} self permanent`);
      }
    } else {
      if (cni === 'calico-vxlan') {
        const tunnel = tunnelAddress(cluster, node);
        lines.push(
          `link add ${CALICO_VXLAN_DEV} address ${calicoVxlanMac(node)} mtu ${overlayMtu} type vxlan id ${CALICO_VXLAN_VNI} dstport ${CALICO_VXLAN_PORT} local ${node.internalIP} dev eth0 nolearning`,
          ...(tunnel === null ? [] : [`addr add ${tunnel}/32 dev ${CALICO_VXLAN_DEV}`]),
          `link set ${CALICO_VXLAN_DEV} up`,
        );
        for (const other of others) {
          const t = calicoNode(cluster, other.node).vxlanTunnelAddr;
          if (t !== null) lines.push(`neigh replace ${t} lladdr ${calicoVxlanMac(other.node)} dev ${CALICO_VXLAN_DEV} nud permanent`);
        }
        fdb = others.map((o) => `fdb append ${calicoVxlanMac(o.node)} dev ${CALICO_VXLAN_DEV} dst ${o.node.internalIP} self permanent`);
      }
      // The CNI plugin: the host end keeps Calico's fixed MAC and answers ARP for 169.254.1.1 by proxy.
      for (const p of mine) {
        lines.push(
          `link add ${p.hostVeth} mtu ${podMtu} address ${CALICO_VETH_MAC} type veth peer name eth0 mtu ${podMtu} address ${p.pod.mac} netns ${p.ns}`,
          `link set ${p.hostVeth} up`,
        );
        deviceSysctls.push([`net/ipv4/conf/${p.hostVeth}/proxy_arp`, '1'], [`net/ipv4/neigh/${p.hostVeth}/proxy_delay`, '0']);
      }
    }
    for (const r of addOrder(n.routes)) if (!isKernelRoute(r)) lines.push(`route add ${r.text}`);
    steps.push({ kind: 'ip', ns: n.ns, lines });
    // Device sysctls need their devices, so they follow the batch that adds them (steps run in order).
    if (deviceSysctls.length > 0) steps.push({ kind: 'sysctl', ns: n.ns, values: deviceSysctls });
    if (fdb.length > 0) steps.push({ kind: 'bridge', ns: n.ns, lines: fdb });
  }
  if (external) {
    const subnet = nodeSubnet(cluster.nodes[0]!);
    steps.push({
      kind: 'ip',
      ns: external.ns,
      lines: [
        'link set lo up',
        `link add eth0 mtu ${mtu} address ${external.mac} type veth peer name ${external.lanPort} mtu ${lanMtu} netns ${lanNs}`,
        `addr add ${external.ip}/${cidrPrefix(subnet)} dev eth0`,
        'link set eth0 up',
      ],
    });
  }
  steps.push({
    kind: 'ip',
    ns: lanNs,
    lines: [...nodes.map((n) => n.lanPort), ...(external ? [external.lanPort] : [])].flatMap((port) => [`link set ${port} master br0`, `link set ${port} up`]),
  });
  for (const p of pods) {
    const prefixLen = calico ? 32 : cidrPrefix(nodeByName.get(p.node)!.node.podCIDR);
    const lines = ['link set lo up', `addr add ${p.ip}/${prefixLen} dev eth0`, 'link set eth0 up'];
    for (const r of addOrder(p.routes)) if (!isKernelRoute(r)) lines.push(`route add ${r.text}`);
    steps.push({ kind: 'ip', ns: p.ns, lines });
    for (const [name, text] of Object.entries(p.files)) steps.push({ kind: 'file', ns: p.ns, name, text });
  }
  for (const n of nodes) {
    if (n.nfacct.length > 0) steps.push({ kind: 'nfacct', ns: n.ns, names: n.nfacct });
    if (n.ipsetText !== null) steps.push({ kind: 'ipset', ns: n.ns, text: n.ipsetText });
    steps.push({ kind: 'iptables-restore', ns: n.ns, text: n.saveText, noflush: false });
    if (n.rawRestoreText !== null) steps.push({ kind: 'iptables-restore', ns: n.ns, text: n.rawRestoreText, noflush: true });
  }
  return { ok: true, plan: { runId, cni, prefix, lanNs, nodes, pods, namespaces, steps, skipped, dnsRecords: clusterARecords(cluster), external, names } };
}

/** The `ip`/`bridge` argv for a step's batch: always `-n <lab namespace>`, so nothing lands in the host's. */
export function batchArgv(step: Extract<Step, { kind: 'ip' | 'bridge' }>): string[] {
  return [step.kind, '-n', step.ns, '-batch', '-'];
}
