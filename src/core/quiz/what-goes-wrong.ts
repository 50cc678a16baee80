// "Where does it go wrong, and how?": every failure scenario of the tour (scenarios.ts
// FAILURE_SCENARIOS and no-endpoints, traffic-scenarios.ts TRAFFIC_FAILURE_SCENARIOS), rebuilt on
// the quiz's random variant with one knob turned (cluster-change.ts), so each seed asks about other
// nodes, pods, addresses and ports. The key is read from the trace: the hop where the connection is
// lost (the REJECT hop of a rejected one, else the last hop: the DROP, the RST) and the outcome.
// Distractors are the usual wrong guesses, each with why it is wrong.

import { VXLAN_OVERHEAD } from '../cni/vxlan.js';
import type { NodeModel, PodModel, ServiceModel } from '../cluster/model.js';
import { pick, shuffled, type Rng } from '../random.js';
import type { Hop, Trace } from '../trace-model.js';
import type { Draft, Option } from './build.js';
import type { ClusterChange } from './cluster-change.js';
import { basis, podDesc, podRef, serviceAddress, targetPortOf, traceOfBasis } from './facts.js';
import type { QuestionBasis } from './types.js';
import type { QuizVariant, VariantService } from './variant.js';

export type FailureName =
  | 'no-endpoints'
  | 'wrong-targetport'
  | 'no-br-netfilter'
  | 'networkpolicy-deny'
  | 'vxlan-mtu'
  | 'stale-udp-conntrack'
  | 'nodeport-local-no-endpoint'
  | 'internal-local-no-endpoint';

/** The hop where a failed connection is lost: its REJECT, else its last hop (the DROP, or the RST). */
export function failureHop(trace: Trace): Hop | null {
  return trace.hops.find((h) => h.step === 'reject') ?? trace.hops.at(-1) ?? null;
}

/** The canonical value of where and how it fails: "node-1/node-1 filter-input@INPUT|dropped"; "delivered" when nothing fails. */
export function failureValue(trace: Trace): string {
  const h = failureHop(trace);
  if (trace.outcome === 'delivered' || h === null) return 'delivered';
  return hopFailure(h.node, h.netns, h.step, h.hook, trace.outcome);
}

function hopFailure(node: string | null, netns: string, step: string, hook: string | null, outcome: string): string {
  return `${node ?? '-'}/${netns} ${step}${hook ? `@${hook}` : ''}|${outcome}`;
}

const opt = (value: string, text: string, explanation: string, misconception: string | null = null): Option => ({ value, text, explanation, misconception });
const DELIVERED = 'delivered';

interface Built {
  readonly prompt: string;
  readonly hint: string;
  readonly request: QuestionBasis['request'];
  readonly options: QuestionBasis['options'];
  readonly change: ClusterChange | null;
  /** The key's text, from the hop the trace says it fails at. */
  readonly keyText: (h: Hop, trace: Trace) => string;
  readonly distractors: readonly Option[];
}

interface Failure {
  readonly name: FailureName;
  /** Home lesson first. */
  readonly lessons: readonly number[];
  readonly build: (v: QuizVariant, rng: Rng) => Built | null;
}

const ref = (s: ServiceModel): string => `${s.namespace}/${s.name}`;
const svcDesc = (s: ServiceModel): string => `${ref(s)} (ClusterIP ${s.clusterIP}, port ${s.ports[0]!.port})`;
/** "KUBE-SERVICES" from the last rule that fired at the hop ("filter KUBE-SERVICES: -A ..."). */
const lastChain = (h: Hop, fallback: string): string => /^\w+ (\S+):/.exec(h.rules.at(-1) ?? '')?.[1] ?? fallback;

/** A client and an endpoint of `svc` placed as asked: on the same node or on different ones. */
function pair(v: QuizVariant, rng: Rng, svc: VariantService, sameNode: boolean): { client: PodModel; endpoint: PodModel } | null {
  const pairs = v.clients.flatMap((client) =>
    svc.endpoints.filter((e) => e.name !== client.name && (e.nodeName === client.nodeName) === sameNode).map((endpoint) => ({ client, endpoint })));
  return pick(rng, pairs);
}

/** Nodes with no endpoint of the Service. */
function nodesWithout(v: QuizVariant, svc: VariantService): NodeModel[] {
  return v.cluster.nodes.filter((n) => !svc.endpoints.some((e) => e.nodeName === n.name));
}

const noEndpoints: Failure = {
  name: 'no-endpoints',
  lessons: [7, 5],
  build: (v, rng) => {
    const client = pick(rng, v.clients)!;
    const svc = v.empty.service;
    const n = client.nodeName;
    const port = svc.ports[0]!.port;
    return {
      prompt: `${svcDesc(svc)} selects no pod: its EndpointSlice is empty. Pod ${podDesc(client)} runs curl http://${svc.name}.${svc.namespace}:${port}/.\nWhere does the connection go wrong, and how?`,
      hint: 'DNS knows the Service. What does kube-proxy write for a Service with nothing behind it, and in which table?',
      request: { from: podRef(client), to: `${svc.name}.${svc.namespace}:${port}` },
      options: { seed: rng.int(0x7fffffff) },
      change: null,
      keyText: (h) => `${h.node}, filter ${h.hook}, chain ${lastChain(h, 'KUBE-SERVICES')}: "${ref(svc)} has no endpoints" -j REJECT. ICMP port unreachable comes back at once: "Connection refused".`,
      distractors: [
        opt(hopFailure(n, n, 'reject', 'FORWARD', 'dropped'), `${n}, filter FORWARD: a DROP. The SYN goes unanswered and curl times out.`, `kube-proxy REJECTs a Service without endpoints ("has no endpoints" -j REJECT) so clients fail at once; a silent DROP is what it writes for "has no local endpoints" under a Local traffic policy.`, 'no-endpoints-timeout'),
        opt(hopFailure(null, client.name, 'dns', null, 'nxdomain'), 'Before any packet: CoreDNS answers NXDOMAIN, because a Service without endpoints has no DNS record.', 'The DNS record belongs to the Service, not to its endpoints: CoreDNS answers with the ClusterIP whether or not a pod is behind it.', 'no-endpoints-no-dns'),
        opt(hopFailure(n, n, 'dnat', 'PREROUTING', 'rejected'), `${n}, nat PREROUTING: KUBE-SERVICES REJECTs it before routing.`, 'The nat table only rewrites addresses, and iptables accepts REJECT only in the filter table: kube-proxy puts it in filter KUBE-SERVICES, which FORWARD and OUTPUT jump to.', 'nat-rejects'),
        opt(hopFailure(n, n, 'route', null, 'dropped'), `${n}: no rule matches the ClusterIP, so the SYN follows the default route out of eth0 and is lost.`, 'That is a cluster without kube-proxy. Here kube-proxy wrote a REJECT for the ClusterIP:port, which answers before any route is looked up for the world.', 'no-endpoints-leaves-cluster'),
      ],
    };
  },
};

const wrongTargetPort: Failure = {
  name: 'wrong-targetport',
  lessons: [4, 7],
  build: (v, rng) => {
    const p = pair(v, rng, v.main, false) ?? pair(v, rng, v.main, true);
    if (p === null) return null;
    const svc = v.main.service;
    const port = svc.ports[0]!.port;
    const listens = targetPortOf(svc);
    const { client, endpoint } = p;
    const cn = client.nodeName;
    const en = endpoint.nodeName;
    return {
      prompt: `${svcDesc(svc)} was written without targetPort, so it defaulted to ${port}; its pods listen on ${listens}. Pod ${podDesc(client)} connects to ${svc.clusterIP}:${port}, and kube-proxy's draw picks ${podDesc(endpoint)}.\nWhere does the connection go wrong, and how?`,
      hint: 'Which port does the EndpointSlice publish, and what does a kernel do with a SYN for a port nobody listens on?',
      request: { from: podRef(client), to: serviceAddress(svc) },
      options: { endpoint: endpoint.ip!, seed: rng.int(0x7fffffff) },
      change: { kind: 'target-port-defaulted', service: ref(svc) },
      keyText: (h) => `${h.netns} on ${h.node}: the SYN arrives DNATed to ${endpoint.ip}:${port}, where nothing listens, so its kernel answers with a RST: "Connection refused".`,
      distractors: [
        opt(hopFailure(cn, cn, 'dnat', 'PREROUTING', 'rejected'), `${cn}, nat PREROUTING: kube-proxy sees that no container listens on ${port} and refuses the DNAT.`, `kube-proxy never checks what a pod listens on: it DNATs to the EndpointSlice's port, which the EndpointSlice controller took from the targetPort (defaulted to ${port}).`, 'kube-proxy-checks-ports'),
        opt(hopFailure(en, endpoint.name, 'deliver', null, 'dropped'), `${endpoint.name}: its kernel drops the SYN silently, and curl times out.`, 'A Linux kernel answers a SYN for a port with no listening socket with a RST at once; only a firewall rule would drop it silently.', 'closed-port-drops'),
        opt(DELIVERED, `Nothing: the DNAT uses the containerPort ${listens} the pods declare, so it works.`, `Without targetPort the API server sets it to the Service's port, ${port}; a containerPort is informational and is not consulted.`, 'targetport-from-container'),
      ],
    };
  },
};

const noBrNetfilter: Failure = {
  name: 'no-br-netfilter',
  lessons: [5, 8],
  build: (v, rng) => {
    const p = pair(v, rng, v.main, true);
    if (p === null) return null;
    const svc = v.main.service;
    const { client, endpoint } = p;
    const n = client.nodeName;
    const tp = targetPortOf(svc);
    return {
      prompt: `br_netfilter is not loaded on ${n} (net.bridge.bridge-nf-call-iptables = 0). Pod ${podDesc(client)} connects to ${svcDesc(svc)}, and the DNAT picks ${podDesc(endpoint)} on the same node.\nWhere does the connection go wrong, and how?`,
      hint: 'Which packet of the handshake is routed by the node, and which one only crosses the bridge?',
      request: { from: podRef(client), to: serviceAddress(svc) },
      options: { endpoint: endpoint.ip!, seed: rng.int(0x7fffffff) },
      change: { kind: 'no-br-netfilter' },
      keyText: (h) => `${h.netns}: the SYN-ACK comes back from ${endpoint.ip}:${tp} straight across the bridge, never un-DNATed; no socket is connected to that address, so its kernel answers with a RST.`,
      distractors: [
        opt(hopFailure(n, n, 'dnat', 'PREROUTING', 'dropped'), `${n}, nat PREROUTING: without br_netfilter iptables never sees the SYN, so it is not DNATed and goes nowhere.`, `The SYN is addressed to the ClusterIP, which is not on the bridge: ${client.name} sends it to its gateway, and the node routes it through nat PREROUTING, where it is DNATed as usual. br_netfilter matters for frames the bridge forwards pod to pod: the reply.`, 'no-br-netfilter-no-dnat'),
        opt(DELIVERED, 'Nothing: conntrack on the node un-DNATs the reply as it crosses the bridge.', 'With bridge-nf-call-iptables = 0, a frame the bridge forwards never reaches netfilter, so conntrack never sees the reply and cannot un-DNAT it.', 'bridge-undnat'),
        opt(hopFailure(n, endpoint.name, 'deliver', null, 'reset'), `${endpoint.name}: it answers the SYN with a RST, because the SYN is still addressed to the ClusterIP.`, `The SYN was routed through ${n}'s nat PREROUTING and DNATed to ${endpoint.ip}:${tp}; ${endpoint.name} accepts it and answers with a SYN-ACK.`, null),
      ],
    };
  },
};

const networkPolicyDeny: Failure = {
  name: 'networkpolicy-deny',
  lessons: [8, 5],
  build: (v, rng) => {
    const p = pair(v, rng, v.main, false);
    if (p === null) return null;
    const svc = v.main.service;
    const { client, endpoint } = p;
    const cn = client.nodeName;
    const en = endpoint.nodeName;
    return {
      prompt: `The cluster runs Calico (IPIP). The Kubernetes docs' default-deny-ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules) is applied in namespace ${svc.namespace}. Pod ${podDesc(client)} connects to ${svcDesc(svc)}, and the DNAT picks ${podDesc(endpoint)}.\nWhere does the connection go wrong, and how?`,
      hint: 'An Ingress policy protects the pods it selects: on which node, and in which chain, does Calico enforce it?',
      request: { from: podRef(client), to: serviceAddress(svc) },
      options: { endpoint: endpoint.ip!, seed: rng.int(0x7fffffff) },
      change: { kind: 'default-deny-ingress', namespace: svc.namespace },
      keyText: (h) => `${h.node}, filter FORWARD: ${endpoint.name}'s ${lastChain(h, 'cali-tw-')} chain DROPs the SYN ("Drop if no policies passed packet"); nothing answers, and curl times out.`,
      distractors: [
        opt(hopFailure(cn, cn, 'filter-forward', 'FORWARD', 'dropped'), `${cn}, filter FORWARD, as the SYN leaves ${client.name}'s node.`, `default-deny-ingress is an Ingress policy: Calico enforces it in the selected pod's cali-tw- (to workload) chain on ${en}, where ${endpoint.name} lives. On ${cn} the SYN only meets ${client.name}'s egress chain, which no policy restricts.`, 'policy-at-source'),
        opt(hopFailure(en, en, 'filter-forward', 'FORWARD', 'rejected'), `${en}, filter FORWARD: Calico REJECTs it, so curl says "Connection refused".`, 'Calico\'s policy chains end in DROP ("Drop if no policies passed packet"): no RST and no ICMP come back, and the client only times out.', 'policy-rejects'),
        opt(DELIVERED, 'Nothing: a connection to a Service\'s ClusterIP is not subject to NetworkPolicy.', 'Calico enforces policy after kube-proxy\'s DNAT, on the packet addressed to the pod itself: going through a Service changes nothing.', 'service-bypasses-policy'),
      ],
    };
  },
};

const vxlanMtu: Failure = {
  name: 'vxlan-mtu',
  lessons: [6, 11, 3],
  build: (v, rng) => {
    const p = pair(v, rng, v.main, false);
    if (p === null) return null;
    const svc = v.main.service;
    const { client, endpoint } = p;
    const eth0 = v.cluster.network.underlayMtu;
    const inner = eth0 - VXLAN_OVERHEAD;
    const cn = client.nodeName;
    const en = endpoint.nodeName;
    return {
      prompt: `The network between the nodes carries at most ${inner}-byte packets, but the nodes' eth0 say MTU ${eth0}, so flannel.1 and the pods got ${inner}. Pod ${podDesc(client)} calls ${svcDesc(svc)}; the DNAT picks ${podDesc(endpoint)} and the handshake succeeds. ${endpoint.name} then sends its first full-size response segment: ${inner} bytes, DF set.\nWhere is that segment lost, and why?`,
      hint: 'Count the bytes the packet has on each device, and ask who could report an oversized packet.',
      request: { from: podRef(client), to: serviceAddress(svc) },
      options: { endpoint: endpoint.ip!, responseBytes: inner, seed: rng.int(0x7fffffff) },
      change: { kind: 'underlay-path-mtu', mtu: inner },
      keyText: () => `On the node network between ${en} and ${cn}: the ${eth0}-byte VXLAN packet (${inner} + ${VXLAN_OVERHEAD}) is larger than the ${inner} bytes it carries. A switch cannot fragment or send ICMP, so it is lost silently.`,
      distractors: [
        opt(hopFailure(en, en, 'route', null, 'dropped'), `${en}, ip_forward: ${inner} bytes with DF exceed flannel.1's MTU, so it drops the segment and sends ICMP fragmentation needed to ${endpoint.name}.`, `${inner} bytes fit flannel.1's MTU of ${inner} exactly, so ip_forward passes it. (That ICMP would come for a larger pod packet, and TCP would recover from it.)`, 'inner-exceeds-flannel'),
        opt(hopFailure(en, en, 'encap', null, 'dropped'), `${en}, flannel.1: the VXLAN driver copies DF to the outer header and gets ICMP back, so ${endpoint.name} lowers its MSS.`, 'flanneld creates flannel.1 without a df setting: the outer header leaves DF clear and no ICMP is generated; on a switched network nothing reports the loss at all.', 'outer-df-inherited'),
        opt(hopFailure(cn, client.name, 'send', null, 'dropped'), `${client.name}'s SYN: connections over a too-small MTU fail at the handshake.`, `The SYN, SYN-ACK and small requests are far below ${inner} bytes: they get through, which is why the connection hangs instead of failing.`, 'handshake-fails'),
      ],
    };
  },
};

const staleUdpConntrack: Failure = {
  name: 'stale-udp-conntrack',
  lessons: [7, 9],
  build: (v, rng) => {
    const client = pick(rng, v.clients)!;
    const coredns = v.cluster.pods.filter((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns');
    // The instructive case: the deleted pod on another node, so the client's node forwards to a pod that is gone.
    const deleted = pick(rng, coredns.filter((p) => p.nodeName !== client.nodeName)) ?? pick(rng, coredns);
    const alive = coredns.find((p) => p !== deleted);
    if (deleted === null || alive === undefined) return null;
    const dns = v.cluster.dns.nameserver;
    const cn = client.nodeName;
    return {
      prompt: `Pod ${podDesc(client)} keeps one UDP socket open to kube-dns ${dns}:53. Its flow was DNATed to the CoreDNS pod ${deleted.ip} on ${deleted.nodeName}, which has just been deleted; kube-proxy already removed it from its rules, and the other CoreDNS pod ${alive.ip} is still there.\nWhere is the socket's next datagram lost, and why?`,
      hint: 'For a packet of a flow it already knows, does the kernel consult the nat rules or the conntrack entry?',
      request: { from: podRef(client), to: `${dns}:53`, proto: 'UDP' },
      options: { staleEntryTo: `${deleted.ip}:53`, seed: rng.int(0x7fffffff) },
      change: { kind: 'pod-deleted', pod: podRef(deleted) },
      keyText: (h) => `${h.node}, ${h.device}: ${cn} followed the old conntrack entry's DNAT to ${deleted.ip}, which no longer exists, so nothing receives it. It lasts until the entry is deleted.`,
      distractors: [
        opt(DELIVERED, `None: kube-proxy's rules now DNAT it to ${alive.ip}, which answers.`, `The nat rules run only for a flow's first packet. This datagram matches the existing entry, whose DNAT to ${deleted.ip} is applied without consulting any rule; only deleting the entry (kube-proxy's CleanStaleEntries, or conntrack -D) sends the flow through the rules again.`, 'rules-apply-to-existing-flows'),
        opt(hopFailure(cn, cn, 'reject', 'FORWARD', 'rejected'), `${cn}, filter FORWARD: REJECT, because the Service lost an endpoint.`, `kube-dns still has an endpoint (${alive.ip}), so kube-proxy writes no REJECT; and filter rules for Services only look at new connections.`, 'reject-on-endpoint-loss'),
        opt(hopFailure(cn, cn, 'dnat', 'PREROUTING', 'dropped'), `${cn}, nat PREROUTING: the DNAT rule for ${deleted.ip} is gone, so the datagram matches no rule and is dropped.`, 'The nat table never drops, and this datagram does not even reach its rules: it belongs to a flow conntrack already knows, whose DNAT is applied from the entry.', 'missing-rule-drops'),
      ],
    };
  },
};

const nodePortLocalNoEndpoint: Failure = {
  name: 'nodeport-local-no-endpoint',
  lessons: [4, 9, 5],
  build: (v, rng) => {
    const choices = [v.other, v.main].flatMap((s) => nodesWithout(v, s).map((node) => ({ s, node })));
    const c = pick(rng, choices);
    if (c === null) return null;
    const svc = c.s.service;
    const nodePort = 30000 + rng.int(2768);
    const n = c.node.name;
    const elsewhere = c.s.endpoints[0]!;
    // An outside host on the nodes' network below the nodes' own addresses (the variant gives nodes hosts 10-250).
    const clientIP = `${c.node.internalIP.split('.').slice(0, 3).join('.')}.${2 + rng.int(8)}`;
    return {
      prompt: `${ref(svc)} is a NodePort Service (nodePort ${nodePort}) with externalTrafficPolicy: Local. Its pods run on ${[...new Set(c.s.endpoints.map((e) => e.nodeName))].join(', ')}, none on ${n}. A client outside the cluster, ${clientIP}, connects to ${n} ${c.node.internalIP}:${nodePort}.\nWhere does the connection go wrong, and how?`,
      hint: 'With externalTrafficPolicy Local, kube-proxy on a node writes only what that node\'s own endpoints need.',
      request: { from: `external/${clientIP}`, to: `${c.node.internalIP}:${nodePort}` },
      options: { seed: rng.int(0x7fffffff) },
      change: { kind: 'external-local-nodeport', service: ref(svc), nodePort },
      keyText: (h) => `${h.node}, filter INPUT, chain ${lastChain(h, 'KUBE-EXTERNAL-SERVICES')}: "${ref(svc)} has no local endpoints" -j DROP. Nothing DNATed it, so it was for ${h.node} itself; the client times out.`,
      distractors: [
        opt(hopFailure(n, n, 'dnat', 'PREROUTING', 'rejected'), `${n}, nat PREROUTING: KUBE-NODEPORTS REJECTs it, and the client sees "Connection refused".`, 'The nat table never drops or rejects. KUBE-NODEPORTS jumps to KUBE-EXT, but with no local endpoint that chain has no KUBE-SVL jump, so the packet leaves nat PREROUTING untouched; the DROP is a filter rule, and a DROP answers nothing.', 'nat-drops'),
        opt(DELIVERED, `None: ${n} forwards it to ${elsewhere.name} on ${elsewhere.nodeName}, as for any NodePort.`, `That is externalTrafficPolicy Cluster (which would also masquerade the client). With Local, traffic from outside only goes to endpoints on the node it arrived at, to keep the client's address; ${n} has none.`, 'nodeport-any-node'),
        opt(hopFailure(n, n, 'filter-input', 'INPUT', 'rejected'), `${n}, filter INPUT: REJECT with ICMP port unreachable, so the client sees "Connection refused" at once.`, 'REJECT is for a Service with no endpoints anywhere. Here endpoints exist, just not on this node: the rule is "... has no local endpoints" -j DROP, and the client only times out.', 'drop-is-reject'),
      ],
    };
  },
};

const internalLocalNoEndpoint: Failure = {
  name: 'internal-local-no-endpoint',
  lessons: [5, 9],
  build: (v, rng) => {
    const choices = [v.main, v.other].flatMap((s) => v.clients.filter((cl) => !s.endpoints.some((e) => e.nodeName === cl.nodeName)).map((client) => ({ s, client })));
    const c = pick(rng, choices);
    if (c === null) return null;
    const svc = c.s.service;
    const { client } = c;
    const cn = client.nodeName;
    return {
      prompt: `${svcDesc(svc)} has internalTrafficPolicy: Local. Its pods run on ${[...new Set(c.s.endpoints.map((e) => e.nodeName))].join(', ')}, none on ${cn}. Pod ${podDesc(client)} connects to ${serviceAddress(svc)}.\nWhere does the connection go wrong, and how?`,
      hint: 'internalTrafficPolicy Local never sends a ClusterIP connection to another node.',
      request: { from: podRef(client), to: serviceAddress(svc) },
      options: { seed: rng.int(0x7fffffff) },
      change: { kind: 'internal-local', service: ref(svc) },
      keyText: (h) => `${h.node}, filter FORWARD, chain ${lastChain(h, 'KUBE-SERVICES')}: "${ref(svc)} has no local endpoints" -j DROP. kube-proxy wrote no nat rule for it on ${h.node}; the client times out.`,
      distractors: [
        opt(DELIVERED, `None: with no local endpoint kube-proxy falls back to a pod on ${c.s.endpoints[0]!.nodeName}.`, 'There is no fallback for internalTrafficPolicy Local: without a local endpoint the ClusterIP is dropped on that node (proxier.go: internalTrafficFilterTarget = "DROP").', 'itp-falls-back'),
        opt(hopFailure(cn, cn, 'filter-forward', 'FORWARD', 'rejected'), `${cn}, filter FORWARD: REJECT with ICMP port unreachable, so curl says "Connection refused".`, 'REJECT is for a Service with no endpoints anywhere ("... has no endpoints"). Here endpoints exist, just not on this node: the rule is "... has no local endpoints" -j DROP, and the client only times out.', 'drop-is-reject'),
        opt(hopFailure(cn, cn, 'dnat', 'PREROUTING', 'dropped'), `${cn}, nat PREROUTING: KUBE-SVL has no endpoint to jump to, so the nat table drops the SYN.`, 'The nat table never drops: with no local endpoint kube-proxy writes no nat rule for the ClusterIP at all on this node. The drop is its filter rule, in FORWARD.', 'nat-drops'),
      ],
    };
  },
};

export const FAILURES: readonly Failure[] = [noEndpoints, wrongTargetPort, noBrNetfilter, networkPolicyDeny, vxlanMtu, staleUdpConntrack, nodePortLocalNoEndpoint, internalLocalNoEndpoint];

/** The lessons the failures belong to, home lesson of the first failure first. */
export const WHAT_GOES_WRONG_LESSONS: readonly number[] = [...new Set(FAILURES.flatMap((f) => f.lessons))];

/** The draft for one failure on the variant, or null when the variant cannot stage it. */
export function failureDraft(v: QuizVariant, rng: Rng, failure: Failure): Draft | null {
  const built = failure.build(v, rng);
  if (built === null) return null;
  const first = basis(built.request, built.options, built.change === null ? {} : { change: built.change });
  const trace = traceOfBasis(v, first);
  if (trace === null || trace.outcome === 'delivered') return null;
  const hop = failureHop(trace);
  if (hop === null) return null;
  return {
    topic: 'what-goes-wrong',
    prompt: built.prompt,
    hint: built.hint,
    basis: { ...first, step: hop.step, direction: hop.direction },
    key: opt(failureValue(trace), built.keyText(hop, trace), trace.reason ?? hop.action),
    distractors: built.distractors,
    lessons: failure.lessons,
  };
}

/** A "what goes wrong" question: a failure of the chosen lesson (or any), drawn by the seed, staged on the variant. */
export function whatGoesWrong(v: QuizVariant, rng: Rng, lesson: number | null = null): Draft | null {
  const pool = FAILURES.filter((f) => lesson === null || f.lessons.includes(lesson));
  for (const f of shuffled(rng, pool)) {
    const d = failureDraft(v, rng, f);
    if (d !== null) return d;
  }
  return null;
}
