// Predictions for the stepper: before the hop `at` is shown, ask the learner what it will do.
//
//   next-hop      where the packet goes at that hop: which device, on which node, into which pod
//   rewrite       what the hop does to the addresses (or that it changes nothing)
//   chain         which table and chains the hop's rules run through
//   outer-header  the VXLAN outer header the hop carries
//   conntrack     the conntrack entry the hop leaves (or matches)
//   dns-queries   the names the resolver asks for, in order
//
// The key is always read from the Trace; distractors are misconceptions, each with its own
// explanation, and places, addresses and chains from the cluster when the caller passes it.

import type { ClusterModel } from '../cluster/model.js';
import { bridgeIP, vtepIP } from '../kernel/routing.js';
import { hostPort, splitHostPort } from '../net/ipv4.js';
import { endpointChain } from '../proxy/chain-names.js';
import { findServicePort } from '../proxy/service-ports.js';
import type { Rng } from '../random.js';
import type { Direction, Hop, HopStep, Trace } from '../trace-model.js';
import { assemble, type Draft, type Option } from './build.js';
import { conntrackTuples, ipOf, portOf } from './facts.js';
import type { PredictAsk, Question } from './types.js';

export interface PredictionContext {
  /** Which half of the exchange `at` is looked up in; null or absent: the first hop with that step. */
  readonly direction?: Direction | null;
  /** The cluster the trace ran on: distractors then include its other pods, nodes and chains. */
  readonly cluster?: ClusterModel | null;
  /** The lesson asking, recorded on the question. */
  readonly lesson?: number | null;
}

export const PREDICT_ASKS: readonly PredictAsk[] = ['next-hop', 'rewrite', 'chain', 'outer-header', 'conntrack', 'dns-queries'];

const opt = (value: string, text: string, explanation: string, misconception: string | null = null): Option => ({ value, text, explanation, misconception });

/** The hop a prediction is about: the first with that step (in that direction, when given). */
export function predictionHop(trace: Trace, at: HopStep, direction: Direction | null = null): Hop | null {
  return trace.hops.find((h) => h.step === at && (direction === null || h.direction === direction)) ?? null;
}

/**
 * The question to ask before the hop `at` is shown, or null when the trace has nothing to ask
 * about there (no such hop, or the hop holds no fact of that kind).
 */
export function predictionFor(trace: Trace, at: HopStep, ask: PredictAsk, rng: Rng, context: PredictionContext = {}): Question | null {
  const direction = context.direction ?? null;
  const cluster = context.cluster ?? null;
  const hop = predictionHop(trace, at, direction);
  if (hop === null && ask !== 'dns-queries') return null;
  let draft: Draft | null = null;
  switch (ask) {
    case 'next-hop':
      draft = nextHop(trace, hop!, cluster);
      break;
    case 'rewrite':
      draft = rewrite(trace, hop!, cluster);
      break;
    case 'chain':
      draft = chain(trace, hop!, cluster);
      break;
    case 'outer-header':
      draft = outerHeader(trace, hop!, cluster);
      break;
    case 'conntrack':
      draft = conntrack(trace, hop!, cluster);
      break;
    case 'dns-queries':
      draft = dnsQueries(trace);
      break;
  }
  if (draft === null) return null;
  const lessons = context.lesson == null ? [] : [context.lesson];
  return assemble(`predict-${at}-${ask}`, draft, lessons, rng);
}

// ---- helpers ------------------------------------------------------------------------------------

function before(trace: Trace, hop: Hop): readonly Hop[] {
  return trace.hops.slice(0, trace.hops.indexOf(hop));
}

/** The packet as it reaches the hop: the previous hop's packet (the hop's own shows its result). */
function incoming(trace: Trace, hop: Hop): Hop['packet'] {
  const prev = before(trace, hop).at(-1);
  return prev !== undefined && prev.direction === hop.direction ? prev.packet : hop.packet;
}

function podOfVeth(cluster: ClusterModel | null, trace: Trace, device: string): string | null {
  const pod = cluster?.pods.find((p) => p.hostVeth === device);
  if (pod) return pod.name;
  // Without the cluster: the pod the frame enters next, or the pod whose frame came out of it.
  for (let i = 0; i < trace.hops.length; i++) {
    const h = trace.hops[i]!;
    if (h.device !== device) continue;
    const next = trace.hops[i + 1];
    if (next?.component === 'socket') return next.netns;
    const prev = trace.hops[i - 1];
    if (h.step === 'veth' && prev?.component === 'app') return prev.netns;
  }
  return null;
}

function nodeIP(cluster: ClusterModel | null, name: string | null): string | null {
  return cluster?.nodes.find((n) => n.name === name)?.internalIP ?? null;
}

function describePlace(trace: Trace, hop: Hop, cluster: ClusterModel | null): string {
  const node = hop.node ?? hop.netns;
  switch (hop.step) {
    case 'bridge-forward':
    case 'hairpin': {
      const pod = podOfVeth(cluster, trace, hop.device);
      return `cni0 on ${node} sends the frame out of ${hop.device}${pod ? `, the port into ${pod}` : ''}`;
    }
    case 'veth': {
      const pod = podOfVeth(cluster, trace, hop.device);
      return `it comes out of ${hop.device} on ${node}${pod ? `, the host end of ${pod}'s veth pair` : ''}`;
    }
    case 'bridge-in':
      return `it enters cni0, the bridge on ${node}`;
    case 'route':
      return `${node} routes it out of ${hop.device}${roleOf(hop.device)}`;
    case 'encap':
      return `flannel.1 on ${node} wraps it in VXLAN`;
    case 'wire':
      return `the outer packet leaves ${node}'s eth0 for the other node`;
    case 'decap':
      return `${node}'s VXLAN socket receives it on flannel.1 and unwraps it`;
    case 'deliver':
      return `it reaches the socket in ${hop.netns} (its eth0)`;
    case 'send':
      return `${hop.netns}'s app sends it out of its eth0`;
    default:
      return hop.hook ? `${node}'s kernel runs the ${hop.hook} hook on it (${hop.device})` : `${hop.device} on ${node}`;
  }
}

function roleOf(device: string): string {
  if (device === 'flannel.1') return ', the VXLAN device';
  if (device === 'cni0') return ', the bridge';
  if (device === 'eth0') return ", the node's uplink";
  return '';
}

// ---- next-hop -----------------------------------------------------------------------------------

function nextHop(trace: Trace, hop: Hop, cluster: ClusterModel | null): Draft | null {
  const node = hop.node ?? hop.netns;
  const keyValue = `${hop.node ?? ''}|${hop.netns}|${hop.device}`;
  const keyText = describePlace(trace, hop, cluster);
  const crossNode = trace.hops.some((h) => h.direction === hop.direction && h.node !== null && h.node !== hop.node);
  const why = whyPlace(trace, hop, cluster, crossNode);
  const d: Option[] = [];
  const place = (device: string, text: string, explanation: string, m: string | null = null) => opt(`${hop.node ?? ''}|${hop.node ?? hop.netns}|${device}`, text, explanation, m);
  if (hop.device !== 'eth0') {
    d.push(crossNode
      ? place('eth0', `${node} routes it out of eth0, the node's uplink`, 'The inner packet does not leave through eth0 directly: the route for the other node\'s pod CIDR points at flannel.1, and only the outer VXLAN packet crosses eth0.', 'inner-out-eth0')
      : place('eth0', `${node} routes it out of eth0, the node's uplink`, 'Same-node traffic is not routed through eth0: both pods hang off the same cni0 bridge.', 'same-node-via-eth0'));
  }
  if (hop.device !== 'flannel.1') {
    d.push(crossNode
      ? place('flannel.1', `flannel.1 on ${node} wraps it in VXLAN`, `Not yet, or not here: ${hop.step === 'route' ? 'the route chosen points elsewhere' : `this hop is ${hop.step}`}.`)
      : place('flannel.1', `flannel.1 on ${node} wraps it in VXLAN, like all pod traffic`, 'flannel.1 carries traffic to other nodes only; this packet stays on its node.', 'all-via-overlay'));
  }
  d.push(opt('kube-proxy', `the kube-proxy process on ${node} takes it and forwards it`, 'kube-proxy is not in the data path in iptables mode: it writes rules, and the kernel moves the packets.', 'kube-proxy-forwards'));
  if (hop.device !== 'cni0' && hop.step !== 'bridge-forward' && hop.step !== 'hairpin') {
    d.push(place('cni0', `${node} sends it back to cni0, the bridge`, crossNode ? 'cni0 holds only this node\'s pods; the destination is on another node.' : 'It is already past the bridge at this point.'));
  }
  // Other pods' veths on the same node, from the cluster or from the trace.
  const vethsInTrace = [...new Set(trace.hops.filter((h) => h.node === hop.node && /^veth/.test(h.device) && h.device !== hop.device).map((h) => h.device))];
  const vethsInCluster = cluster?.pods.filter((p) => p.nodeName === hop.node && p.hostVeth !== hop.device && !p.hostNetwork).map((p) => p.hostVeth) ?? [];
  for (const veth of [...vethsInTrace, ...vethsInCluster].slice(0, 3)) {
    const pod = podOfVeth(cluster, trace, veth);
    const target = trace.hops.find((h) => h.direction === hop.direction && h.component === 'socket')?.netns ?? null;
    d.push(place(veth, `cni0 on ${node} sends the frame out of ${veth}${pod ? `, the port into ${pod}` : ''}`, `${veth} leads to ${pod ?? 'another pod'}, but the packet is addressed to ${ipOf(hop.packet.dst)}${target !== null && target !== pod ? ` (${target})` : ''}.`));
  }
  return {
    topic: 'predict-next-hop',
    prompt: `The packet ${incoming(trace, hop).src} -> ${incoming(trace, hop).dst} is on ${node}${hop.direction === 'reply' ? ' (the reply)' : ''}. Where does it go next?`,
    hint: hop.step === 'route' ? 'Which route matches the destination?' : 'Follow the destination address (or, on a bridge, the destination MAC).',
    basis: null,
    key: opt(keyValue, keyText, why),
    distractors: d,
  };
}

function whyPlace(trace: Trace, hop: Hop, cluster: ClusterModel | null, crossNode: boolean): string {
  const dst = ipOf(hop.packet.dst);
  switch (hop.step) {
    case 'route':
      if (hop.device === 'flannel.1') return `${dst} is in another node's pod CIDR, and flanneld's route for it points at flannel.1, which wraps it in VXLAN for that node.`;
      if (hop.device === 'cni0') return `${dst} is in ${hop.node}'s own pod CIDR, which sits on cni0: the packet goes back to the bridge${crossNode ? '' : ' and is switched to the pod'}.`;
      return `The route that matches ${dst} points at ${hop.device}.`;
    case 'bridge-forward':
    case 'hairpin': {
      const pod = podOfVeth(cluster, trace, hop.device);
      return `cni0 looks the destination MAC ${hop.packet.dstMac ?? ''} up in its forwarding table and sends the frame out of ${hop.device}${pod ? `, into ${pod}` : ''}: switched at layer 2, not routed.`;
    }
    default:
      return hop.action;
  }
}

// ---- rewrite ------------------------------------------------------------------------------------

const FIELD: Record<string, 'src' | 'dst'> = { DNAT: 'dst', 'un-SNAT': 'dst', SNAT: 'src', MASQUERADE: 'src', 'un-DNAT': 'src' };

function changeText(field: 'src' | 'dst', to: string): string {
  return `the ${field === 'dst' ? 'destination' : 'source'} becomes ${to}`;
}

function rewrite(trace: Trace, hop: Hop, cluster: ClusterModel | null): Draft | null {
  const node = hop.node ?? hop.netns;
  const d: Option[] = [];
  const ip = nodeIP(cluster, hop.node);
  const nodeModel = cluster?.nodes.find((n) => n.name === hop.node) ?? null;
  const where = hop.hook !== null ? `the ${hop.hook} hook` : hop.device;
  const prompt = `The packet ${incoming(trace, hop).src} -> ${incoming(trace, hop).dst} reaches ${where} on ${node}${hop.direction === 'reply' ? ' (the reply)' : ''}. What happens to its addresses there?`;
  if (hop.rewrite === null) {
    const prev = incoming(trace, hop);
    const unchangedText = `nothing: source ${prev.src} and destination ${prev.dst} stay as they are`;
    const why = hop.step === 'no-dnat'
      ? `No KUBE-SERVICES rule matches ${prev.dst}: kube-proxy's rules only match Service addresses, so the destination stays.`
      : hop.step === 'postrouting'
        ? 'KUBE-POSTROUTING returns at once (no 0x4000 mark: kube-proxy did not ask for masquerade), and FLANNEL-POSTRTG returns for pod-network to pod-network traffic.'
        : 'This step reads the packet but rewrites no address.';
    d.push(opt(`dst:${dnatGuess(prev.dst, cluster)}`, changeText('dst', dnatGuess(prev.dst, cluster)), hop.step === 'no-dnat' ? 'kube-proxy\'s KUBE-SERVICES rules match only ClusterIPs (and node ports); a pod IP goes through untouched.' : 'A DNAT happens only in nat PREROUTING (or OUTPUT), for a Service address.', 'kube-proxy-dnat-pod-ip'));
    if (ip !== null) d.push(opt(`src:${ip}`, changeText('src', `${ip} (${node}'s IP)`), 'Pod traffic is not SNATed to the node\'s IP: only packets kube-proxy marked (hairpin, traffic from outside the pod network) or traffic leaving the pod network is masqueraded.', 'service-traffic-snat'));
    if (nodeModel !== null) d.push(opt(`src:${bridgeIP(nodeModel)}`, changeText('src', `${bridgeIP(nodeModel)} (cni0's address)`), 'Masquerading to cni0\'s address happens only for hairpin traffic, when a pod reaches itself through its Service.', 'masquerade-to-bridge'));
    d.push(opt(`src:${ipOf(prev.dst)}`, 'the source and destination are swapped', 'Only the reply swaps them, and it is a new packet sent by the other side.', 'swap-addresses'));
    if (nodeModel !== null) d.push(opt(`src:${vtepIP(nodeModel)}`, changeText('src', `${vtepIP(nodeModel)} (flannel.1's address)`), 'flannel.1\'s address is used only when a marked packet is masqueraded on its way out of flannel.1.', 'masq-to-vtep'));
    return {
      topic: 'predict-rewrite',
      prompt,
      hint: hop.step === 'postrouting' ? 'Was the packet marked for masquerade?' : 'Which rules match this destination?',
      basis: null,
      key: opt('unchanged', unchangedText, why),
      distractors: d,
    };
  }
  const r = hop.rewrite;
  const field = FIELD[r.kind] ?? 'dst';
  const other = field === 'dst' ? 'src' : 'dst';
  const keyWhy = rewriteWhy(trace, hop);
  d.push(opt('unchanged', 'nothing: the addresses stay as they are', noRewriteWrong(r.kind), r.kind === 'un-DNAT' ? 'no-undnat' : r.kind === 'DNAT' ? 'endpoint-sees-clusterip' : 'no-rewrite'));
  d.push(opt(`${other}:${r.to}`, changeText(other, r.to), `It is the ${field === 'dst' ? 'destination' : 'source'} that changes: ${r.kind} rewrites the ${field === 'dst' ? 'destination' : 'source'}.`, 'wrong-field'));
  const fromPort = portOf(r.from);
  const toIP = ipOf(r.to);
  if (fromPort !== null && portOf(r.to) !== fromPort && r.kind !== 'MASQUERADE') {
    d.push(opt(`${field}:${hostPort(toIP, fromPort)}`, changeText(field, hostPort(toIP, fromPort)), r.kind === 'DNAT' ? 'DNAT changes the port too: to the targetPort, where the pod listens.' : 'The port is restored too: conntrack puts back the whole address.', r.kind === 'DNAT' ? 'dnat-keeps-service-port' : 'port-not-restored'));
  }
  if (r.kind === 'DNAT' && cluster !== null) {
    const { ip: vip, port } = splitHostPort(r.from);
    const sp = port === null ? null : findServicePort(cluster, vip, port, trace.request.proto);
    for (const e of sp?.endpoints ?? []) {
      if (e.key !== r.to) d.push(opt(`dst:${e.key}`, changeText('dst', e.key), `${e.key} is another endpoint of the Service; this connection's draw went to ${r.to}.`));
    }
  }
  if (ip !== null && r.kind === 'DNAT') d.push(opt(`dst:${r.to}+src:${ip}`, `${changeText('dst', r.to)}, and the source becomes ${ip} (${node}'s IP)`, 'Service traffic from a pod is not SNATed: kube-proxy masquerades only packets it marked (hairpin, traffic from outside the pod network). Only the destination changes.', 'service-traffic-snat'));
  if (r.kind === 'MASQUERADE' && ip !== null && ip !== toIP) d.push(opt(`src:${ip}`, changeText('src', `${ip} (${node}'s eth0 address)`), 'MASQUERADE picks the address of the device the packet leaves through, not always eth0.', 'masq-to-node-ip'));
  if (r.kind === 'un-DNAT' && ip !== null) {
    const { ip: vip } = splitHostPort(r.to);
    d.push(opt(`src:${hostPort(ip, portOf(r.to))}`, changeText('src', hostPort(ip, portOf(r.to))), `The reply is not SNATed by kube-proxy: conntrack puts back exactly the address the client connected to, ${vip}.`, 'reply-snat-by-kube-proxy'));
  }
  return {
    topic: 'predict-rewrite',
    prompt,
    hint: r.kind === 'un-DNAT' || r.kind === 'un-SNAT' ? 'What did conntrack record when the connection started?' : 'Which rule matches, and what does its target do?',
    basis: null,
    key: opt(`${field}:${r.to}`, changeText(field, r.to), keyWhy),
    distractors: d,
  };
}

function dnatGuess(dst: string, cluster: ClusterModel | null): string {
  const { ip, port } = splitHostPort(dst);
  const pod = cluster?.pods.find((p) => p.ip !== null && p.ip !== ip && p.containerPorts.length > 0);
  if (pod) return hostPort(pod.ip!, pod.containerPorts[0]!.port);
  return hostPort(ip, port === null ? 80 : port === 80 ? 8080 : 80);
}

function rewriteWhy(trace: Trace, hop: Hop): string {
  const r = hop.rewrite!;
  switch (r.kind) {
    case 'DNAT':
      return `nat PREROUTING: KUBE-SERVICES matches ${r.from}, the KUBE-SVC chain draws an endpoint, and ${r.chain ?? 'its KUBE-SEP chain'} DNATs the destination to ${r.to}.`;
    case 'un-DNAT':
      return `conntrack recognises the reply of a DNATed connection and rewrites its source back from ${r.from} to ${r.to}, the address the client connected to. No rule is involved.`;
    case 'MASQUERADE':
      return `${r.chain ?? 'nat POSTROUTING'} masquerades it: the source becomes ${r.to}, the address of the outgoing device, with a new source port.`;
    case 'un-SNAT':
      return `The connection was masqueraded, so conntrack rewrites the reply's destination back to the original client, ${r.to}.`;
    case 'SNAT':
      return `${r.chain ?? 'nat POSTROUTING'} SNATs the source to ${r.to}.`;
  }
  return trace.hops.includes(hop) ? hop.action : '';
}

function noRewriteWrong(kind: string): string {
  switch (kind) {
    case 'DNAT':
      return 'The endpoint never sees the ClusterIP as its destination: KUBE-SERVICES matches it and the KUBE-SEP chain DNATs it here.';
    case 'un-DNAT':
      return 'Without the un-DNAT the client would get a reply from an address it never contacted, and would answer with a reset.';
    case 'MASQUERADE':
      return 'This packet carries kube-proxy\'s masquerade mark, so KUBE-POSTROUTING masquerades it.';
    case 'un-SNAT':
      return 'The request was masqueraded, so the reply is addressed to the masquerade address; conntrack must put the client back.';
    default:
      return 'A rule (or conntrack) rewrites this packet here.';
  }
}

// ---- chain ----------------------------------------------------------------------------------------

interface ChainPath {
  readonly table: string;
  readonly chains: readonly string[];
  /** The target of the last rule: DNAT, REJECT, MASQUERADE, ACCEPT, ... */
  readonly verdict: string | null;
}

function chainPath(hop: Hop): ChainPath | null {
  if (hop.rules.length === 0) return null;
  const parsed = hop.rules.map((line) => /^(\w+) (\S+): (.*)$/.exec(line)).filter((m): m is RegExpExecArray => m !== null);
  if (parsed.length === 0) return null;
  const last = parsed.at(-1)!;
  const table = last[1]!;
  const chains: string[] = [];
  for (const m of parsed) if (m[1] === table && !chains.includes(m[2]!)) chains.push(m[2]!);
  const verdict = /-j (\S+)/.exec(last[3]!)?.[1] ?? null;
  return { table, chains, verdict };
}

function pathValue(p: ChainPath): string {
  return `${p.table}:${p.chains.join('>')}`;
}

function pathText(p: ChainPath): string {
  return `${p.table} table: ${p.chains.join(' -> ')}${p.verdict && !p.verdict.startsWith('KUBE-') ? ` (${p.verdict})` : ''}`;
}

function chain(trace: Trace, hop: Hop, cluster: ClusterModel | null): Draft | null {
  const p = chainPath(hop);
  if (p === null) return null;
  const node = hop.node ?? hop.netns;
  const d: Option[] = [];
  const variant = (chains: readonly string[], table: string, why: string, m: string | null) => {
    const q = { table, chains, verdict: p.verdict };
    d.push(opt(pathValue(q), pathText(q), why, m));
  };
  const swap = (from: string, to: string) => p.chains.map((c) => (c === from ? to : c));
  const otherTable = p.table === 'nat' ? 'filter' : 'nat';
  variant(p.chains, otherTable, p.table === 'nat' ? 'Address rewrites (DNAT, MASQUERADE) live in the nat table; filter decides only whether a packet passes.' : 'REJECT and ACCEPT decisions live in the filter table; the nat table only rewrites addresses.', p.verdict === 'REJECT' ? 'reject-in-nat' : 'wrong-table');
  if (p.chains[0] === 'PREROUTING') variant(swap('PREROUTING', 'OUTPUT'), p.table, 'A pod\'s packet arrives through cni0, so it takes PREROUTING; OUTPUT is for packets the node\'s own processes send.', 'pod-traffic-is-output');
  if (p.chains[0] === 'FORWARD') variant(swap('FORWARD', 'INPUT'), p.table, 'The packet is forwarded to another address, not delivered to the node itself, so it passes FORWARD, not INPUT.', 'reject-in-input');
  if (p.chains[0] === 'PREROUTING' && p.chains.some((c) => c.startsWith('KUBE-SEP-'))) variant(swap('PREROUTING', 'POSTROUTING'), p.table, 'The DNAT must happen before routing, so the kernel routes the packet to the endpoint: PREROUTING. POSTROUTING is where SNAT happens.', 'dnat-in-postrouting');
  const svc = p.chains.find((c) => c.startsWith('KUBE-SVC-'));
  if (svc) {
    variant(p.chains.filter((c) => c !== svc), p.table, 'KUBE-SERVICES never jumps straight to an endpoint: it jumps to the Service\'s KUBE-SVC chain, which draws the endpoint.', 'services-to-sep');
    variant(swap(svc, svc.replace('KUBE-SVC-', 'KUBE-SVL-')), p.table, 'KUBE-SVL- chains are used only with internalTrafficPolicy: Local.', 'local-chain');
  }
  const sep = p.chains.find((c) => c.startsWith('KUBE-SEP-'));
  if (sep && cluster !== null && trace.target !== null) {
    const { ip, port } = splitHostPort(trace.target);
    const sp = port === null ? null : findServicePort(cluster, ip, port, trace.request.proto);
    for (const e of sp?.endpoints ?? []) {
      const other = endpointChain(sp!.spn, sp!.protocol, e.key);
      if (other !== sep) variant(swap(sep, other), p.table, `${other} is the chain of another endpoint, ${e.key}; this connection's draw jumped to ${sep}.`, null);
    }
  }
  if (p.verdict === 'REJECT' && p.chains.includes('KUBE-SERVICES')) {
    variant(swap('KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES'), p.table, 'KUBE-EXTERNAL-SERVICES holds the REJECTs for external traffic (node ports, external IPs); a ClusterIP\'s REJECT is in KUBE-SERVICES.', 'external-services-reject');
    variant(swap('KUBE-SERVICES', 'KUBE-FORWARD'), p.table, 'KUBE-FORWARD accepts marked and established traffic; it rejects nothing.', 'kube-forward-rejects');
  }
  if (p.chains.includes('KUBE-POSTROUTING')) variant(swap('KUBE-POSTROUTING', 'FLANNEL-POSTRTG'), p.table, 'FLANNEL-POSTRTG masquerades traffic leaving the pod network; a marked Service packet is masqueraded by kube-proxy\'s KUBE-POSTROUTING.', 'flannel-masquerades-service');
  return {
    topic: 'predict-chain',
    prompt: `The packet ${incoming(trace, hop).src} -> ${incoming(trace, hop).dst} reaches ${hop.hook !== null ? `the ${hop.hook} hook` : hop.device} on ${node}. Which table and chains do the rules that decide it run through?`,
    hint: 'Which hook is this, which table acts here, and where does kube-proxy hook its chains in?',
    basis: null,
    key: opt(pathValue(p), pathText(p), `${node} runs it through ${pathText(p)}: ${hop.rules.at(-1) ?? ''}`),
    distractors: d,
  };
}

// ---- outer-header -------------------------------------------------------------------------------

function outerHeader(trace: Trace, hop: Hop, cluster: ClusterModel | null): Draft | null {
  const o = hop.packet.outer;
  if (o === null || o.dport === null) return null;
  const vni = o.vni ?? 0;
  const v = (src: string, dst: string, port: number, n: number) => `${src}>${dst}/${o.proto.toLowerCase()}:${port}/vni:${n}`;
  const t = (src: string, dst: string, port: number, n: number) => `${src} -> ${dst}, ${o.proto} destination port ${port}, VNI ${n}`;
  const inner = { src: ipOf(hop.packet.src), dst: ipOf(hop.packet.dst) };
  const d: Option[] = [
    opt(v(o.src, o.dst, 4789, vni), t(o.src, o.dst, 4789, vni), `4789 is IANA's VXLAN port, but Flannel on Linux uses the kernel's default, ${o.dport}.`, 'flannel-uses-4789'),
    opt(v(inner.src, inner.dst, o.dport, vni), t(inner.src, inner.dst, o.dport, vni), 'Those are the inner packet\'s addresses; the outer header carries the node addresses, which the network between the nodes can reach.', 'outer-is-inner'),
    opt(v(o.dst, o.src, o.dport, vni), t(o.dst, o.src, o.dport, vni), `Reversed: the outer packet goes from this node (${o.src}) to the node that owns the destination pod (${o.dst}).`, 'outer-swapped'),
    opt(v(o.src, o.dst, o.dport, vni === 0 ? 1 : 0), t(o.src, o.dst, o.dport, vni === 0 ? 1 : 0), `Flannel's VXLAN network identifier is ${vni} unless its net-conf says otherwise.`, 'vni-zero'),
  ];
  for (const n of cluster?.nodes ?? []) {
    if (n.internalIP !== o.src && n.internalIP !== o.dst) d.push(opt(v(o.src, n.internalIP, o.dport, vni), t(o.src, n.internalIP, o.dport, vni), `${n.name} does not own ${inner.dst}'s pod CIDR; flannel.1's FDB sends the frame to the node that does.`));
  }
  return {
    topic: 'predict-outer-header',
    prompt: `flannel.1 on ${hop.node ?? hop.netns} wraps the packet ${hop.packet.src} -> ${hop.packet.dst} in VXLAN. What outer header does it get?`,
    hint: 'The outer header goes between the nodes. Which port does Linux use for VXLAN by default?',
    basis: null,
    key: opt(v(o.src, o.dst, o.dport, vni), t(o.src, o.dst, o.dport, vni), `flannel.1's FDB maps the peer's VTEP MAC to its node IP, ${o.dst}: outer ${o.src} -> ${o.dst}, ${o.proto} ${o.dport} (the Linux kernel's and Flannel's default), VNI ${vni}.`),
    distractors: d,
  };
}

// ---- conntrack ------------------------------------------------------------------------------------

function conntrack(trace: Trace, hop: Hop, cluster: ClusterModel | null): Draft | null {
  if (hop.conntrack === null) return null;
  const tuples = conntrackTuples(hop.conntrack);
  if (tuples === null) return null;
  const m = /src=(\S+) dst=(\S+) sport=(\S+) dport=(\S+) \| src=(\S+) dst=(\S+) sport=(\S+) dport=(\S+)/.exec(tuples);
  if (m === null) return null;
  const [os, od, osp, odp, rs, rd, rsp, rdp] = m.slice(1).map((x) => x ?? '') as [string, string, string, string, string, string, string, string];
  const t = (a: string, b: string, c: string, d: string, e: string, f: string, g: string, h: string) => `src=${a} dst=${b} sport=${c} dport=${d} | src=${e} dst=${f} sport=${g} dport=${h}`;
  const mirrored = rs === od && rd === os && rsp === odp && rdp === osp;
  const node = hop.node ?? hop.netns;
  const d: Option[] = [
    opt(t(rs, rd, rsp, rdp, os, od, osp, odp), t(rs, rd, rsp, rdp, os, od, osp, odp), 'The tuples are swapped: the first is the original direction (the packet that created the entry), the second the reply conntrack expects.', 'tuples-swapped'),
  ];
  if (!mirrored) {
    d.push(opt(t(os, od, osp, odp, od, os, odp, osp), t(os, od, osp, odp, od, os, odp, osp), 'That is the entry before the NAT: the reply tuple is the mirror image. The NAT changed what conntrack expects back.', 'entry-without-nat'));
    d.push(opt(t(os, rs, osp, rsp, rs, os, rsp, osp), t(os, rs, osp, rsp, rs, os, rsp, osp), 'The original tuple keeps the packet as it was sent, before the DNAT; only the reply tuple shows the rewrite.', 'orig-after-dnat'));
  } else if (trace.target !== null && trace.endpoint !== null && ipOf(trace.endpoint) === od) {
    const { ip: vip, port: vport } = splitHostPort(trace.target);
    d.push(opt(t(os, vip, osp, String(vport), rs, rd, rsp, rdp), t(os, vip, osp, String(vport), rs, rd, rsp, rdp), `That is the entry on the client's node, which did the DNAT. Here on ${node} the packet arrived already addressed to the endpoint, so the tuples mirror each other.`, 'endpoint-node-undnat'));
  }
  const ip = nodeIP(cluster, hop.node);
  if (ip !== null && ip !== rd) d.push(opt(t(os, od, osp, odp, rs, ip, rsp, rdp), t(os, od, osp, odp, rs, ip, rsp, rdp), 'The reply is expected at the client\'s own address: nothing SNATed the request to the node.', 'service-traffic-snat'));
  return {
    topic: 'predict-conntrack',
    prompt: `At this step on ${node}, which conntrack entry does the connection have (original tuple | reply tuple)?`,
    hint: 'The first tuple is the packet as first sent; the second is the reply conntrack expects, after any NAT.',
    basis: null,
    key: opt(tuples, tuples, mirrored
      ? `The two tuples mirror each other: ${node} rewrote nothing for this connection.`
      : `The original tuple is the first packet as it was sent; the reply tuple is what conntrack expects back after the NAT (from ${rs}:${rsp} to ${rd}:${rdp}). Their difference is the translation conntrack undoes on the reply.`),
    distractors: d,
  };
}

// ---- dns-queries -------------------------------------------------------------------------------------

function dnsQueries(trace: Trace): Draft | null {
  const dns = trace.dns;
  if (dns === null) return null;
  const names = dns.queries.filter((q) => q.type === 'A').map((q) => q.name);
  if (names.length === 0) return null;
  const search = /^search (.*)$/m.exec(dns.resolvConf)?.[1]?.trim().split(/\s+/) ?? [];
  const ndots = Number(/ndots:(\d+)/.exec(dns.resolvConf)?.[1] ?? '1');
  const first = names[0]!;
  const domain0 = search[0];
  const typed = domain0 !== undefined && first.endsWith(`.${domain0}.`) ? first.slice(0, -(domain0.length + 2)) : first.replace(/\.$/, '');
  const asTyped = `${typed}.`;
  const searched = search.map((s) => `${typed}.${s}.`);
  const answered = dns.queries.find((q) => q.type === 'A' && q.rcode === 'NOERROR')?.name ?? names.at(-1)!;
  const seq = (xs: readonly string[]) => xs.join(', then ');
  const val = (xs: readonly string[]) => xs.join(',');
  const dots = typed.split('.').length - 1;
  const typedFirst = first === asTyped;
  const d: Option[] = [];
  if (!typedFirst) {
    const wrongOrder = [asTyped, ...searched.filter((n) => n !== asTyped)].slice(0, names.length);
    d.push(opt(val(wrongOrder), seq(wrongOrder), `With ${dots} dot${dots === 1 ? '' : 's'}, fewer than ndots:${ndots}, the name as typed is tried last; the search domains come first.`, 'as-typed-first'));
  } else {
    const searchedFirst = [...searched, asTyped].slice(0, Math.max(2, names.length));
    d.push(opt(val(searchedFirst), seq(searchedFirst), 'A name that ends with a dot, or has at least ndots dots, is tried as typed first (and with a trailing dot, only as typed).', 'absolute-still-searched'));
  }
  d.push(opt(val([answered]), seq([answered]), 'The resolver cannot know which name exists: it walks the search list in order until one answers.', 'asks-fqdn-only'));
  d.push(opt(val([...searched, asTyped]), seq([...searched, asTyped]), 'The walk stops at the first name that gets an answer; it does not try the rest.', 'walk-never-stops'));
  const reversed = [...searched].reverse().concat([asTyped]).slice(0, Math.max(2, names.length));
  d.push(opt(val(reversed), seq(reversed), "The search domains are tried in the order resolv.conf lists them, the pod's own namespace first.", 'search-order'));
  const why = typedFirst
    ? `"${typed}" is tried as typed first: it ends with a dot or has at least ndots:${ndots} dots.`
    : `"${typed}" has ${dots} dot${dots === 1 ? '' : 's'}, fewer than ndots:${ndots}, so the search domains come first`;
  return {
    topic: 'predict-dns-queries',
    prompt: `The app asks for "${typed}" (resolv.conf: search ${search.join(' ')}; options ndots:${ndots}). Which names does the resolver send A queries for, in order?`,
    hint: 'Count the dots in the name and compare them with ndots.',
    basis: null,
    key: opt(val(names), seq(names), `${why}; the walk stops at the first answer: ${dns.queries.filter((q) => q.type === 'A').map((q) => `${q.name} ${q.rcode}`).join(', ')}.`),
    distractors: d,
  };
}
