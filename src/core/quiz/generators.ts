// Question generators: each reads a quiz variant, simulates what it asks about, and takes the key
// from the Trace. Distractors come from real misconceptions (each with its own explanation) and
// from the cluster itself (other pods, other nodes, other chains). Pure: randomness comes from the
// seeded generator passed in.

import { VXLAN_OVERHEAD } from '../cni/vxlan.js';
import type { PodModel, ServiceModel } from '../cluster/model.js';
import { bridgeIP, vtepIP } from '../kernel/routing.js';
import { endpointChain, externalChain, servicePortName, serviceChain, serviceLocalChain } from '../proxy/chain-names.js';
import { iptablesSaveProbability, kubeProxyProbability } from '../proxy/probability.js';
import { findServicePort } from '../proxy/service-ports.js';
import { pick, type Rng } from '../random.js';
import type { Hop, Trace } from '../trace-model.js';
import type { Draft, Option } from './build.js';
import { basis, conntrackTuples, hopAt, ipOf, lastHop, nodeOf, podDesc, podRef, portOf, serviceAddress, targetPortOf, traceOfBasis } from './facts.js';
import type { QuestionBasis, QuizTopic } from './types.js';
import type { QuizVariant, VariantService } from './variant.js';

/** `lesson`: the quiz's lesson, for a generator whose questions belong to different lessons; null for all. */
export type Generator = (v: QuizVariant, rng: Rng, lesson: number | null) => Draft | null;

export interface TopicSpec {
  readonly topic: QuizTopic;
  /** Lessons whose content the topic checks; the first is its home lesson. */
  readonly lessons: readonly number[];
  readonly make: Generator;
}

// ---- shared scene -------------------------------------------------------------------------------

/** Upper-cases the first letter of a sentence that starts with a description ("the Service ..."). */
function cap(text: string): string {
  return text.startsWith('the ') ? `T${text.slice(1)}` : text;
}

function svcDesc(svc: ServiceModel): string {
  const p = svc.ports[0]!;
  return `the Service ${svc.namespace}/${svc.name} (ClusterIP ${svc.clusterIP}, port ${p.port}, targetPort ${String(p.targetPort)})`;
}

type Placement = 'remote' | 'local' | 'any';

interface Scene {
  readonly client: PodModel;
  readonly service: VariantService;
  readonly endpoint: PodModel;
  readonly trace: Trace;
  readonly basis: QuestionBasis;
}

/** A client calling a Service's ClusterIP, with the endpoint pinned where the question needs it. */
function scene(v: QuizVariant, rng: Rng, placement: Placement, service: VariantService = v.main): Scene | null {
  const options: Array<{ client: PodModel; endpoint: PodModel }> = [];
  for (const client of v.clients) {
    for (const endpoint of service.endpoints) {
      if (endpoint.name === client.name) continue;
      const same = endpoint.nodeName === client.nodeName;
      if (placement === 'remote' && same) continue;
      if (placement === 'local' && !same) continue;
      options.push({ client, endpoint });
    }
  }
  const chosen = pick(rng, options);
  if (chosen === null) return null;
  const b = basis({ from: podRef(chosen.client), to: serviceAddress(service.service) }, { endpoint: chosen.endpoint.ip!, seed: rng.int(0x7fffffff) });
  const trace = traceOfBasis(v, b);
  if (trace === null || trace.verdict !== 'delivered') return null;
  return { client: chosen.client, service, endpoint: chosen.endpoint, trace, basis: b };
}

function connects(s: Scene): string {
  return `Pod ${podDesc(s.client)} connects to ${svcDesc(s.service.service)}. The random draw in kube-proxy's rules picks the endpoint ${s.endpoint.name} (${s.endpoint.ip}, on ${s.endpoint.nodeName}).`;
}

const opt = (value: string | number, text: string, explanation: string, misconception: string | null = null): Option => ({ value: String(value), text, explanation, misconception });

// ---- lesson 1: DNS and the journey --------------------------------------------------------------

interface NameForm {
  readonly name: string;
  readonly dots: number;
}

function nameForms(client: PodModel, svc: ServiceModel): NameForm[] {
  const forms = [`${svc.name}.${svc.namespace}`, `${svc.name}.${svc.namespace}.svc`, `${svc.name}.${svc.namespace}.svc.cluster.local`, `${svc.name}.${svc.namespace}.svc.cluster.local.`];
  if (client.namespace === svc.namespace) forms.unshift(svc.name);
  return forms.map((name) => ({ name, dots: name.replace(/\.$/, '').split('.').length - 1 }));
}

interface DnsScene {
  readonly client: PodModel;
  readonly svc: ServiceModel;
  readonly form: NameForm;
  readonly trace: Trace;
  readonly basis: QuestionBasis;
}

function dnsScene(v: QuizVariant, rng: Rng, service: VariantService = pick(rng, [v.main, v.other])!): DnsScene | null {
  const client = pick(rng, v.clients)!;
  const form = pick(rng, nameForms(client, service.service))!;
  const b = basis({ from: podRef(client), to: form.name }, { seed: rng.int(0x7fffffff) });
  const trace = traceOfBasis(v, b);
  if (trace === null || trace.dns === null) return null;
  return { client, svc: service.service, form, trace, basis: b };
}

function resolvConfLine(client: PodModel): string {
  return `search ${client.namespace}.svc.cluster.local svc.cluster.local cluster.local; options ndots:5`;
}

function walkText(trace: Trace): string {
  const a = trace.dns?.queries.filter((q) => q.type === 'A') ?? [];
  return a.map((q) => `${q.name} (${q.rcode === 'NOERROR' ? `answer ${q.answer ?? 'none'}` : q.rcode})`).join(', then ');
}

const dnsNxdomainCount: Generator = (v, rng) => {
  const s = dnsScene(v, rng);
  if (s === null) return null;
  const queries = s.trace.dns!.queries;
  const answered = queries.some((q) => q.type === 'A' && q.rcode === 'NOERROR' && q.answer !== null);
  if (!answered) return null;
  const nx = queries.filter((q) => q.type === 'A' && q.rcode === 'NXDOMAIN').length;
  const nxAll = queries.filter((q) => q.rcode === 'NXDOMAIN').length;
  const absolute = s.form.name.endsWith('.');
  const why = absolute
    ? `The trailing dot makes "${s.form.name}" absolute: the resolver asks for it once, as it is, with no search domain.`
    : `"${s.form.name}" has ${s.form.dots} dot${s.form.dots === 1 ? '' : 's'}, fewer than ndots:5, so glibc tries the search domains first, in order, and stops at the first answer: ${walkText(s.trace)}.`;
  return {
    topic: 'dns-nxdomain-count',
    prompt: `Pod ${s.client.name} in namespace ${s.client.namespace} (glibc; resolv.conf: ${resolvConfLine(s.client)}) runs curl http://${s.form.name}:${s.svc.ports[0]!.port}/ to reach the Service ${s.svc.namespace}/${s.svc.name}.\nHow many A queries come back NXDOMAIN before the resolver gets its answer?`,
    hint: 'Count the dots in the name and compare them with ndots; then walk the search list in order.',
    basis: s.basis,
    key: opt(nx, String(nx), why),
    distractors: [
      opt(0, '0', absolute ? 'Right count for an absolute name, but this one is searched.' : `Only a name with at least ndots (5) dots is tried as typed first; "${s.form.name}" has ${s.form.dots}, so the search domains come first.`, 'as-typed-first'),
      opt(3, '3', absolute ? 'A trailing dot turns the search list off: the name is asked for once, as it is.' : 'The walk stops at the first name that answers; it does not try every search domain.', absolute ? 'absolute-still-searched' : 'all-search-domains'),
      opt(nxAll, String(nxAll), `That counts the AAAA queries too: glibc sends an A and an AAAA query for each name, so ${nxAll} queries get NXDOMAIN, but only ${nx} of them are A queries.`, 'counts-aaaa'),
      opt(nx + 1, String(nx + 1), `One too many: the last query gets an answer (NOERROR), not NXDOMAIN. The A queries are: ${walkText(s.trace)}.`, 'counts-answer'),
      opt(4, '4', 'That would be every search domain plus the name as typed: the walk stops at the first answer.', 'walk-never-stops'),
    ],
  };
};

const dnsFirstQuery: Generator = (v, rng) => {
  const s = dnsScene(v, rng);
  if (s === null) return null;
  const first = s.trace.dns!.queries[0];
  if (first === undefined) return null;
  const bare = s.form.name.replace(/\.$/, '');
  const asTyped = `${bare}.`;
  const absolute = s.form.name.endsWith('.');
  return {
    topic: 'dns-first-query',
    prompt: `Pod ${s.client.name} in namespace ${s.client.namespace} (glibc; resolv.conf: ${resolvConfLine(s.client)}) runs curl http://${s.form.name}/.\nWhich name does its resolver ask CoreDNS for first?`,
    hint: 'Compare the number of dots in the name with ndots, and look at the first search domain.',
    basis: s.basis,
    key: opt(first.name, first.name, absolute
      ? 'A trailing dot makes the name absolute: it is the only name asked for.'
      : `"${s.form.name}" has ${s.form.dots} dot${s.form.dots === 1 ? '' : 's'}, fewer than ndots:5, so the first search domain, ${s.client.namespace}.svc.cluster.local (the client pod's own namespace), is appended first.`),
    distractors: [
      opt(asTyped, asTyped, `With fewer than ndots (5) dots the name as typed is tried last, not first: the search domains come first.`, 'as-typed-first'),
      opt(`${bare}.${s.svc.namespace}.svc.cluster.local.`, `${bare}.${s.svc.namespace}.svc.cluster.local.`, `The search list comes from the client pod's namespace (${s.client.namespace}), not from the Service's.`, 'service-namespace-search'),
      opt(`${bare}.svc.cluster.local.`, `${bare}.svc.cluster.local.`, `That is the second search domain; the first is ${s.client.namespace}.svc.cluster.local.`, 'skips-namespace-domain'),
      opt(`${bare}.cluster.local.`, `${bare}.cluster.local.`, 'cluster.local is the last search domain, not the first.', 'search-order'),
    ],
  };
};

const dnsAnswer: Generator = (v, rng) => {
  const service = rng.int(3) === 0 ? v.empty : v.main;
  const client = pick(rng, v.clients)!;
  const svc = service.service;
  const name = `${svc.name}.${svc.namespace}.svc.cluster.local`;
  const b = basis({ from: podRef(client), to: `${name}:${svc.ports[0]!.port}` }, { seed: rng.int(0x7fffffff) });
  const trace = traceOfBasis(v, b);
  const answer = trace?.dns?.queries.find((q) => q.type === 'A' && q.rcode === 'NOERROR')?.answer ?? null;
  if (trace === null || answer === null) return null;
  const ep = service.endpoints[0] ?? v.main.endpoints[0]!;
  const empty = service.endpoints.length === 0;
  return {
    topic: 'dns-answer',
    prompt: `Pod ${client.name} looks up ${name}. ${svc.namespace}/${svc.name} is a ClusterIP Service${empty ? ' whose selector matches no pod: its EndpointSlice is empty' : ` with ${service.endpoints.length} ready endpoints`}.\nWhat does CoreDNS answer?`,
    hint: 'What does a ClusterIP Service\'s A record hold, and does it depend on the endpoints?',
    basis: b,
    key: opt(answer, `an A record: ${answer}`, `CoreDNS answers a ClusterIP Service's name with its ClusterIP, ${answer}${empty ? ', whether or not it has endpoints' : ''}. The endpoints are chosen later, per connection, by the rules in each node's kernel.`),
    distractors: [
      empty
        ? opt('NXDOMAIN', 'NXDOMAIN: a Service without endpoints has no DNS record', 'The record belongs to the Service, not to its endpoints: CoreDNS answers with the ClusterIP even when no pod is behind it.', 'no-endpoints-no-dns')
        : opt(ep.ip!, `an A record: ${ep.ip} (the pod ${ep.name})`, 'Only a headless Service (clusterIP: None) answers with pod IPs; this one has a ClusterIP, and DNS returns it.', 'dns-returns-pod'),
      opt(v.cluster.dns.nameserver, `an A record: ${v.cluster.dns.nameserver}`, `${v.cluster.dns.nameserver} is kube-dns, the server that answers the query, not the answer.`, 'nameserver-is-answer'),
      opt(v.main.endpoints[0]!.ip!, `an A record: ${v.main.endpoints[0]!.ip}`, 'A ClusterIP Service\'s name resolves to the ClusterIP, never to a pod IP.', 'dns-returns-pod'),
      opt(nodeOf(v.cluster, ep.nodeName)!.internalIP, `an A record: ${nodeOf(v.cluster, ep.nodeName)!.internalIP} (${ep.nodeName})`, 'A Service has no node: its ClusterIP exists only as rules in every node\'s kernel.', 'service-lives-on-node'),
    ],
  };
};

const dnsWrongNamespace: Generator = (v, rng) => {
  const candidates: Array<{ client: PodModel; svc: ServiceModel }> = [];
  for (const client of v.clients) {
    for (const s of [v.main, v.other]) {
      const svc = s.service;
      if (svc.namespace !== client.namespace && !v.cluster.services.some((x) => x.namespace === client.namespace && x.name === svc.name)) candidates.push({ client, svc });
    }
  }
  const c = pick(rng, candidates);
  if (c === null) return null;
  const b = basis({ from: podRef(c.client), to: `${c.svc.name}:${c.svc.ports[0]!.port}` }, { seed: rng.int(0x7fffffff) });
  const trace = traceOfBasis(v, b);
  if (trace === null || trace.outcome !== 'nxdomain') return null;
  const tried = trace.dns!.queries.filter((q) => q.type === 'A').map((q) => q.name).join(', ');
  return {
    topic: 'dns-wrong-namespace',
    prompt: `Pod ${c.client.name} in namespace ${c.client.namespace} runs curl http://${c.svc.name}:${c.svc.ports[0]!.port}/. The Service ${c.svc.name} exists in namespace ${c.svc.namespace} (ClusterIP ${c.svc.clusterIP}).\nWhat happens?`,
    hint: 'Which namespace do the search domains in the pod\'s resolv.conf come from?',
    basis: b,
    key: opt('nxdomain', 'curl cannot resolve the host: every name the resolver tries gets NXDOMAIN', `The search list starts with the client's own namespace, ${c.client.namespace}.svc.cluster.local. The resolver tries ${tried}: none exists, so getaddrinfo fails and no packet is sent.`),
    distractors: [
      opt('clusterip', `it connects to ${c.svc.clusterIP}: CoreDNS looks the name up in every namespace`, `CoreDNS answers only the exact names asked for; a bare name is completed with the client's own namespace. From another namespace, use ${c.svc.name}.${c.svc.namespace}.`, 'dns-searches-all-namespaces'),
      opt('refused', 'curl says "Connection refused"', 'That needs an address to connect to; here the name never resolves, so no SYN is sent.', 'refused-for-unknown-name'),
      opt('timeout', 'curl hangs until its connect timeout', 'Nothing is sent to time out: resolution fails at once with NXDOMAIN.', 'timeout-for-unknown-name'),
    ],
  };
};

const whoRewrites: Generator = (v, rng) => {
  const s = scene(v, rng, rng.int(4) === 0 ? 'any' : 'remote');
  if (s === null) return null;
  const dnat = hopAt(s.trace, 'dnat', 'request');
  if (dnat === null || dnat.rewrite === null) return null;
  const node = dnat.node!;
  const remote = s.endpoint.nodeName !== s.client.nodeName;
  return {
    topic: 'who-rewrites',
    prompt: `${connects(s)}\nWhat rewrites the SYN's destination from ${serviceAddress(s.service.service)} to ${dnat.rewrite.to}?`,
    hint: 'kube-proxy writes rules. Where do packets meet those rules?',
    basis: s.basis,
    key: opt(`netfilter@${node}`, `${node}'s kernel: netfilter's nat PREROUTING hook, following the rules kube-proxy wrote`, `The packet never reaches a process: ${node}'s kernel matches it against the nat rules in KUBE-SERVICES and DNATs it on the way in (${dnat.rewrite.chain}). kube-proxy only wrote those rules.`),
    distractors: [
      opt('kube-proxy', `the kube-proxy process on ${node}, which receives the packet and forwards it`, 'kube-proxy is not in the data path in iptables mode: it watches Services and EndpointSlices and writes rules; the kernel applies them to each packet.', 'kube-proxy-forwards'),
      ...(remote ? [opt(`netfilter@${s.endpoint.nodeName}`, `${s.endpoint.nodeName}'s kernel, when the packet arrives there`, `The DNAT happens on the client's node, ${node}, in PREROUTING: the packet must already be addressed to the endpoint to be routed to ${s.endpoint.nodeName}.`, 'endpoint-node-dnat')] : []),
      opt('coredns', 'CoreDNS, which hands out the endpoint\'s address', 'CoreDNS answers with the ClusterIP; the client connects to the ClusterIP, and the rewrite happens per connection in the kernel.', 'dns-returns-pod'),
      opt('flanneld', 'flanneld, which routes Service traffic to an endpoint', 'Flannel connects pod networks of nodes; it knows nothing about Services.', 'cni-load-balances'),
    ],
  };
};

// ---- lesson 2: the reply -----------------------------------------------------------------------

const replySource: Generator = (v, rng) => {
  const s = scene(v, rng, rng.int(3) === 0 ? 'any' : 'remote');
  if (s === null) return null;
  const delivered = lastHop(s.trace, 'reply');
  if (delivered === null || delivered.step !== 'deliver') return null;
  const svc = s.service.service;
  const tp = targetPortOf(svc);
  const epNode = nodeOf(v.cluster, s.endpoint.nodeName)!;
  const clientNode = nodeOf(v.cluster, s.client.nodeName)!;
  return {
    topic: 'reply-source',
    prompt: `${connects(s)}\n${s.endpoint.name} answers with a SYN-ACK from its own address, ${s.endpoint.ip}:${tp}. What source address does the SYN-ACK carry when it reaches ${s.client.name}?`,
    hint: 'Which address is the client\'s socket connected to?',
    basis: s.basis,
    key: opt(delivered.packet.src, delivered.packet.src, `conntrack on ${clientNode.name} recognises the reply of the connection it DNATed and rewrites its source back to ${delivered.packet.src} (un-DNAT), the address ${s.client.name}'s socket is connected to.`),
    distractors: [
      opt(`${s.endpoint.ip}:${tp}`, `${s.endpoint.ip}:${tp}`, `Without the un-DNAT the client would get a reply from an address it never contacted, and its TCP stack would answer with a reset. conntrack rewrites it back to ${serviceAddress(svc)}.`, 'no-undnat'),
      opt(`${epNode.internalIP}:${tp}`, `${epNode.internalIP}:${tp}`, 'The reply is not SNATed by kube-proxy or by the endpoint\'s node: it keeps the endpoint\'s address until conntrack on the client\'s node restores the ClusterIP.', 'reply-snat-by-kube-proxy'),
      opt(`${svc.clusterIP}:${tp}`, `${svc.clusterIP}:${tp}`, `conntrack restores the whole original destination, port included: ${serviceAddress(svc)}.`, 'port-not-restored'),
      opt(`${bridgeIP(clientNode)}:${tp}`, `${bridgeIP(clientNode)}:${tp}`, `${bridgeIP(clientNode)} is cni0's address on ${clientNode.name}; nothing masquerades this connection.`, 'masquerade-to-bridge'),
    ],
  };
};

const undnatWhere: Generator = (v, rng) => {
  const s = scene(v, rng, 'remote');
  if (s === null) return null;
  const un = hopAt(s.trace, 'un-dnat', 'reply');
  if (un === null || un.rewrite === null || un.node === null) return null;
  return {
    topic: 'undnat-where',
    prompt: `${connects(s)}\nThe SYN-ACK leaves ${s.endpoint.name} with source ${s.endpoint.ip}:${targetPortOf(s.service.service)}. Where, and by what, is its source changed back to ${serviceAddress(s.service.service)}?`,
    hint: 'Which node rewrote the request, and what remembered it?',
    basis: s.basis,
    key: opt(`${un.node}|${un.component}|${un.hook ?? ''}`, `on ${un.node}, by conntrack at the ${un.hook} hook, from the entry the DNAT created`, `The nat rules run only for a connection's first packet. ${un.node}'s conntrack entry stores the DNAT and applies its inverse to the reply (un-DNAT) at ${un.hook}; no iptables rule is involved.`),
    distractors: [
      opt(`${un.node}|rule|POSTROUTING`, `on ${un.node}, by a reverse-SNAT rule kube-proxy writes in nat POSTROUTING`, 'kube-proxy writes no rule for replies. The reply gets the inverse of the DNAT from conntrack; it was never SNATed, so there is nothing to reverse.', 'reverse-snat-rule'),
      opt(`${s.endpoint.nodeName}|conntrack|POSTROUTING`, `on ${s.endpoint.nodeName}, by conntrack, as the reply leaves the endpoint's node`, `${s.endpoint.nodeName} has an entry too, but it never rewrote anything for this connection: its two tuples mirror each other exactly.`, 'endpoint-node-undnat'),
      opt('client-pod', `inside ${s.client.name}'s own network namespace, by its kernel`, `The DNAT happened in ${s.client.nodeName}'s root namespace; the pod's namespace has no record of it.`, 'client-pod-undnat'),
      opt('kube-proxy', `by the kube-proxy process on ${un.node}, which relays the reply`, 'kube-proxy is not in the data path: no packet passes through it.', 'kube-proxy-forwards'),
    ],
  };
};

// ---- lesson 3: inside the node ------------------------------------------------------------------

const routeDevice: Generator = (v, rng) => {
  const s = scene(v, rng, rng.int(3) === 0 ? 'local' : 'remote') ?? scene(v, rng, 'any');
  if (s === null) return null;
  const route = hopAt(s.trace, 'route', 'request');
  if (route === null) return null;
  const remote = s.endpoint.nodeName !== s.client.nodeName;
  const node = s.client.nodeName;
  const key = route.device;
  const explanations: Record<string, string> = {
    'flannel.1': `${s.endpoint.ip} is in ${s.endpoint.nodeName}'s pod CIDR, and flanneld's route for it points at flannel.1, the VXLAN device, which wraps the packet for ${s.endpoint.nodeName}.`,
    cni0: `${s.endpoint.ip} is in ${node}'s own pod CIDR, which is on cni0: the packet goes back to the bridge and is switched to ${s.endpoint.name}'s veth.`,
    eth0: `The route for ${s.endpoint.ip} points at eth0.`,
  };
  return {
    topic: 'route-device',
    prompt: `${connects(s)}\nAfter the DNAT, ${node}'s routing decision sends the packet to ${s.endpoint.ip}. Which device does it go out of?`,
    hint: `Whose pod CIDR holds ${s.endpoint.ip}?`,
    basis: s.basis,
    key: opt(key, key, explanations[key] ?? `The route lookup on ${node} picks ${key}.`),
    distractors: [
      remote
        ? opt('eth0', 'eth0', `The inner packet does not leave through eth0 directly: the route for ${s.endpoint.nodeName}'s pod CIDR points at flannel.1, and only the outer VXLAN packet crosses eth0.`, 'inner-out-eth0')
        : opt('eth0', 'eth0', 'Same-node traffic is not routed through eth0: eth0 is the node\'s uplink, and the endpoint sits on the same cni0 bridge.', 'same-node-via-eth0'),
      remote
        ? opt('cni0', 'cni0', `cni0 only holds ${node}'s own pods (${nodeOf(v.cluster, node)!.podCIDR}); ${s.endpoint.ip} is on another node.`)
        : opt('flannel.1', 'flannel.1', 'flannel.1 carries traffic to other nodes only; this endpoint is on the same node.', 'all-via-overlay'),
      opt(s.client.hostVeth, s.client.hostVeth, `${s.client.hostVeth} is ${s.client.name}'s own veth, where the packet came in.`),
      opt('tunl0', 'tunl0', 'tunl0 is the IP-in-IP device of Calico\'s IPIP mode; Flannel VXLAN uses flannel.1.', 'calico-device'),
    ],
  };
};

const ttlAtDelivery: Generator = (v, rng) => {
  const kind = pick(rng, ['svc-remote', 'svc-local', 'pod-remote', 'pod-local'] as const)!;
  let b: QuestionBasis;
  let setting: string;
  if (kind.startsWith('svc')) {
    const s = scene(v, rng, kind === 'svc-remote' ? 'remote' : 'local');
    if (s === null) return null;
    b = s.basis;
    setting = connects(s);
  } else {
    const client = pick(rng, v.clients)!;
    const targets = [...v.main.endpoints, ...v.other.endpoints].filter((p) => (kind === 'pod-local') === (p.nodeName === client.nodeName));
    const target = pick(rng, targets);
    if (target === null) return null;
    const port = target.containerPorts[0]!.port;
    b = basis({ from: podRef(client), to: `${target.ip}:${port}` }, { seed: rng.int(0x7fffffff) });
    setting = `Pod ${podDesc(client)} connects straight to the pod ${podDesc(target)} on port ${port}: no Service.`;
  }
  const trace = traceOfBasis(v, b);
  if (trace === null || trace.verdict !== 'delivered') return null;
  const deliver = lastHop(trace, 'request');
  if (deliver === null || deliver.step !== 'deliver') return null;
  const ttl = deliver.packet.ttl;
  const routed = trace.hops.filter((h) => h.direction === 'request' && h.changed.includes('ttl')).map((h) => h.node);
  const why = routed.length === 0
    ? 'No node IP-forwards this packet: cni0 switches it at layer 2 (on the bridged DNAT path too), so the TTL stays 64.'
    : `Each node that IP-forwards the packet decrements the TTL once: ${routed.join(' and ')}. Bridging by cni0 and the VXLAN tunnel leave the inner TTL alone.`;
  const wrong = (d: number): Option => {
    if (d === 64) return opt(64, '64', 'The packet is routed, not only bridged: each forwarding node decrements the TTL.', 'no-ttl-change');
    if (d > ttl) return opt(d, String(d), `Too few decrements: ${routed.length === 2 ? 'both nodes forward the packet, the sender\'s from cni0 to flannel.1 and the receiver\'s from flannel.1 to cni0' : 'the node forwards the packet once'}.`, 'tunnel-hides-hop');
    return opt(d, String(d), ttl === 64 ? 'Same-node traffic is switched by cni0 at layer 2 (bridged), not routed: no TTL decrement.' : 'Too many decrements: encapsulation, decapsulation and bridging do not touch the inner TTL; only IP forwarding does.', ttl === 64 ? 'same-node-routed' : 'tunnel-decrements');
  };
  return {
    topic: 'ttl-at-delivery',
    prompt: `${setting}\nThe SYN leaves the client with TTL 64. What TTL does it have when it reaches the destination pod?`,
    hint: 'Only IP forwarding decrements the TTL. Which nodes forward this packet, and which only switch it?',
    basis: b,
    key: opt(ttl, String(ttl), why),
    distractors: [64, 63, 62, 61].filter((d) => d !== ttl).map(wrong),
  };
};

// ---- lesson 4: rewriting ------------------------------------------------------------------------

const dnatDestination: Generator = (v, rng) => {
  const s = scene(v, rng, 'any');
  if (s === null) return null;
  const dnat = hopAt(s.trace, 'dnat', 'request');
  if (dnat?.rewrite == null) return null;
  const svc = s.service.service;
  const tp = targetPortOf(svc);
  const port = svc.ports[0]!.port;
  const others = s.service.endpoints.filter((e) => e.ip !== s.endpoint.ip);
  const other = pick(rng, others);
  const epNode = nodeOf(v.cluster, s.endpoint.nodeName)!;
  return {
    topic: 'dnat-destination',
    prompt: `${connects(s)}\nWhat is the SYN's destination after nat PREROUTING on ${s.client.nodeName}?`,
    hint: 'The DNAT rule in the endpoint\'s KUBE-SEP chain names an address and a port.',
    basis: s.basis,
    key: opt(dnat.rewrite.to, dnat.rewrite.to, `KUBE-SEP's rule is "-j DNAT --to-destination ${dnat.rewrite.to}": the endpoint's IP and the Service's targetPort (${tp}).`),
    distractors: [
      opt(`${s.endpoint.ip}:${port}`, `${s.endpoint.ip}:${port}`, `DNAT changes the port too: to the targetPort, ${tp}, where the pod listens.`, 'dnat-keeps-service-port'),
      opt(serviceAddress(svc), serviceAddress(svc), `The endpoint never sees the ClusterIP as its destination: the DNAT replaces it with ${dnat.rewrite.to} before routing.`, 'endpoint-sees-clusterip'),
      opt(`${epNode.internalIP}:${tp}`, `${epNode.internalIP}:${tp}`, 'The DNAT goes straight to the pod\'s IP; the node\'s address only appears in the VXLAN outer header.', 'dnat-to-node'),
      ...(other ? [opt(`${other.ip}:${tp}`, `${other.ip}:${tp}`, `That is ${other.name}, another endpoint of the Service; this connection's draw picked ${s.endpoint.name}.`)] : []),
    ],
  };
};

const endpointSees: Generator = (v, rng) => {
  const s = scene(v, rng, rng.int(3) === 0 ? 'local' : 'remote') ?? scene(v, rng, 'any');
  if (s === null) return null;
  const deliver = lastHop(s.trace, 'request');
  if (deliver === null || deliver.step !== 'deliver') return null;
  const src = ipOf(deliver.packet.src);
  const dst = deliver.packet.dst;
  const clientNode = nodeOf(v.cluster, s.client.nodeName)!;
  const epNode = nodeOf(v.cluster, s.endpoint.nodeName)!;
  const text = (a: string, b: string) => `source ${a}, destination ${b}`;
  return {
    topic: 'endpoint-sees',
    prompt: `${connects(s)}\nWhat source and destination does ${s.endpoint.name} see on the SYN?`,
    hint: 'Which rewrites happen on the way: a DNAT, an SNAT, both?',
    basis: s.basis,
    key: opt(`${src}>${dst}`, text(src, dst), `The DNAT on ${clientNode.name} changed only the destination, to ${dst}. Pod-to-ClusterIP traffic is not SNATed, so the endpoint sees the client's own address, ${src}.`),
    distractors: [
      opt(`${src}>${serviceAddress(s.service.service)}`, text(src, serviceAddress(s.service.service)), `The endpoint does not see the ClusterIP as its destination: the DNAT on ${clientNode.name} replaced it before routing.`, 'endpoint-sees-clusterip'),
      opt(`${clientNode.internalIP}>${dst}`, text(clientNode.internalIP, dst), 'Service traffic from a pod is not SNATed to the node\'s IP: KUBE-POSTROUTING masquerades only packets kube-proxy marked (hairpin, traffic from outside the pod network), and FLANNEL-POSTRTG returns for pod-to-pod traffic.', 'service-traffic-snat'),
      opt(`${bridgeIP(clientNode)}>${dst}`, text(bridgeIP(clientNode), dst), `Masquerading to cni0's address (${bridgeIP(clientNode)}) happens only for hairpin traffic, when a pod reaches itself through its Service.`, 'masquerade-to-bridge'),
      ...(s.endpoint.nodeName !== s.client.nodeName
        ? [opt(`${clientNode.internalIP}>${epNode.internalIP}`, text(clientNode.internalIP, epNode.internalIP), 'Those are the VXLAN outer header\'s addresses; the receiving node strips that header before the pod sees the packet.', 'outer-header-seen')]
        : []),
    ],
  };
};

const hairpinSource: Generator = (v, rng) => {
  const self = pick(rng, v.main.endpoints);
  if (self === null) return null;
  const svc = v.main.service;
  const b = basis({ from: podRef(self), to: serviceAddress(svc) }, { endpoint: self.ip!, seed: rng.int(0x7fffffff) });
  const trace = traceOfBasis(v, b);
  const deliver = trace === null ? null : lastHop(trace, 'request');
  if (trace === null || deliver === null || deliver.step !== 'deliver') return null;
  const src = ipOf(deliver.packet.src);
  const node = nodeOf(v.cluster, self.nodeName)!;
  return {
    topic: 'hairpin-source',
    prompt: `Pod ${podDesc(self)} is an endpoint of ${svcDesc(svc)}. It connects to its own Service, and the random draw picks ${self.name} itself.\nWhat source address does ${self.name} see on the SYN that arrives?`,
    hint: 'kube-proxy marks one kind of Service traffic for masquerade. Which address does MASQUERADE pick?',
    basis: b,
    key: opt(src, src, `Hairpin traffic: KUBE-SEP's "-s ${self.ip} -j KUBE-MARK-MASQ" marks it, and KUBE-POSTROUTING masquerades it to the address of the outgoing device, cni0 (${src}). The reply then comes back through the node, where conntrack can undo both rewrites.`),
    distractors: [
      opt(self.ip!, self.ip!, 'Without the masquerade the reply would go from the pod straight to itself inside its own namespace, never reaching the node\'s conntrack to be un-DNATed; that is why hairpin traffic is masqueraded.', 'hairpin-no-snat'),
      opt(node.internalIP, node.internalIP, `MASQUERADE picks the address of the device the packet leaves through: cni0 (${src}), not eth0 (${node.internalIP}).`, 'masq-to-node-ip'),
      opt(svc.clusterIP, svc.clusterIP, 'The ClusterIP is the original destination, never a source: the SNAT uses a real interface address.', 'src-clusterip'),
      opt(vtepIP(node), vtepIP(node), `${vtepIP(node)} is flannel.1's address; the packet never leaves through flannel.1, it stays on cni0.`, 'masq-to-vtep'),
    ],
  };
};

const postroutingSnat: Generator = (v, rng) => {
  const s = scene(v, rng, 'remote');
  if (s === null) return null;
  const post = s.trace.hops.find((h) => h.direction === 'request' && h.node === s.client.nodeName && (h.step === 'postrouting' || h.step === 'masquerade')) ?? null;
  if (post === null) return null;
  const node = nodeOf(v.cluster, s.client.nodeName)!;
  const keyValue = post.rewrite === null ? 'unchanged' : `${post.rewrite.kind}:${ipOf(post.rewrite.to)}`;
  if (keyValue !== 'unchanged') return null;
  return {
    topic: 'postrouting-snat',
    prompt: `${connects(s)}\nThe SYN, now addressed to ${s.endpoint.ip}, passes nat POSTROUTING on ${node.name} on its way to flannel.1. What happens to its source address ${s.client.ip}?`,
    hint: 'KUBE-POSTROUTING masquerades only marked packets. Was this one marked?',
    basis: s.basis,
    key: opt('unchanged', `nothing: it stays ${s.client.ip}`, 'KUBE-POSTROUTING returns at once (no 0x4000 mark: pod-to-Service traffic from inside the pod network is not marked), and FLANNEL-POSTRTG returns for pod-network to pod-network traffic.'),
    distractors: [
      opt(`MASQUERADE:${node.internalIP}`, `it is masqueraded to ${node.name}'s IP, ${node.internalIP}`, 'Service traffic is not SNATed by kube-proxy as a rule: only packets it marked (hairpin, traffic from outside the cluster CIDR, masqueradeAll) are.', 'service-traffic-snat'),
      opt(`MASQUERADE:${vtepIP(node)}`, `it is masqueraded to flannel.1's address, ${vtepIP(node)}`, 'flannel.1\'s address is used only when a marked packet is masqueraded on its way out of flannel.1; this one is not marked.', 'masq-to-vtep'),
      opt(`SNAT:${s.service.service.clusterIP}`, `it is SNATed to the ClusterIP ${s.service.service.clusterIP}, so the reply comes back to the Service`, 'The reply finds its way back through conntrack, not through a rewritten source: the endpoint replies to the client\'s own address.', 'snat-to-clusterip'),
    ],
  };
};

// ---- lesson 5: kube-proxy's chains -------------------------------------------------------------

function spnOf(svc: ServiceModel): string {
  return servicePortName(svc.namespace, svc.name, svc.ports[0]!.name);
}

const svcChain: Generator = (v, rng) => {
  const s = scene(v, rng, 'any');
  if (s === null) return null;
  const dnat = hopAt(s.trace, 'dnat', 'request');
  if (dnat === null) return null;
  const svc = s.service.service;
  const line = dnat.rules.find((r) => r.startsWith('nat KUBE-SERVICES:') && r.includes(`-d ${svc.clusterIP}`));
  const target = line === undefined ? null : (/-j (\S+)/.exec(line)?.[1] ?? null);
  if (target === null) return null;
  const spn = spnOf(svc);
  const sep = endpointChain(spn, 'tcp', `${s.endpoint.ip}:${targetPortOf(svc)}`);
  return {
    topic: 'svc-chain',
    prompt: `${connects(s)}\nIn ${s.client.nodeName}'s nat table, the KUBE-SERVICES rule that matches -d ${svc.clusterIP} --dport ${svc.ports[0]!.port} jumps to which chain?`,
    hint: 'kube-proxy writes one chain per Service port and one per endpoint. Which comes first?',
    basis: s.basis,
    key: opt(target, target, `KUBE-SERVICES jumps to the Service port's own chain, ${target} ("KUBE-SVC-" + a hash of "${spn}" and the protocol). That chain holds one rule per endpoint and jumps, at random, to a KUBE-SEP chain, where the DNAT is.`),
    distractors: [
      opt(sep, sep, `That is the endpoint's chain: KUBE-SERVICES never jumps straight to an endpoint. The KUBE-SVC chain in between makes the random choice.`, 'services-to-sep'),
      opt('KUBE-MARK-MASQ', 'KUBE-MARK-MASQ', 'KUBE-MARK-MASQ only sets the masquerade mark; KUBE-SVC jumps to it for traffic from outside the cluster CIDR, not KUBE-SERVICES for every packet.', 'mark-masq-first'),
      opt(serviceLocalChain(spn, 'tcp'), serviceLocalChain(spn, 'tcp'), 'KUBE-SVL- chains hold node-local endpoints, used only with internalTrafficPolicy: Local; this Service uses Cluster.', 'local-chain'),
      opt(externalChain(spn, 'tcp'), externalChain(spn, 'tcp'), 'KUBE-EXT- chains handle external traffic (NodePort, LoadBalancer); this is a ClusterIP.', 'external-chain'),
      opt('KUBE-NODEPORTS', 'KUBE-NODEPORTS', 'KUBE-NODEPORTS is the last rule of KUBE-SERVICES, for traffic to a node\'s own address; a ClusterIP matches its own rule first.', 'nodeports'),
    ],
  };
};

function probabilityScene(v: QuizVariant, rng: Rng) {
  const service = v.main;
  const svc = service.service;
  const sp = findServicePort(v.cluster, svc.clusterIP, svc.ports[0]!.port, 'TCP');
  if (sp === null || sp.endpoints.length < 2) return null;
  const n = sp.endpoints.length;
  const k = 1 + rng.int(n);
  const ep = sp.endpoints[k - 1]!;
  const client = pick(rng, v.clients)!;
  const b = basis({ from: podRef(client), to: serviceAddress(svc) }, { endpoint: ep.ip, seed: rng.int(0x7fffffff) });
  const trace = traceOfBasis(v, b);
  const dnat = trace === null ? null : hopAt(trace, 'dnat', 'request');
  if (trace === null || dnat === null) return null;
  const svcRule = dnat.rules.find((r) => r.startsWith('nat KUBE-SVC-') && r.includes('-j KUBE-SEP-'));
  if (svcRule === undefined) return null;
  const written = /--probability (\S+)/.exec(svcRule)?.[1] ?? null;
  return { svc, n, k, b, written, client };
}

const ruleProbability: Generator = (v, rng) => {
  const p = probabilityScene(v, rng);
  if (p === null) return null;
  const { n, k, written } = p;
  const left = n - k + 1;
  const key = written ?? 'none';
  const keyText = written === null ? 'no --probability: it takes every packet that gets that far' : `-m statistic --mode random --probability ${written}`;
  const why = written === null
    ? `The last rule needs no draw: kube-proxy leaves the statistic match off, so whatever the ${n - 1} rules above did not take goes to the last endpoint.`
    : `${k === 1 ? `Rule 1 is tried first, with all ${n} endpoints left` : `Rule ${k} is tried only when the ${k - 1} rule${k - 1 === 1 ? '' : 's'} above did not match, with ${left} endpoints left`}, so it takes 1/${left}; kube-proxy writes it with %0.10f: ${written}. Each endpoint ends up with 1/${n} of the connections.`;
  const first = kubeProxyProbability(n);
  const opts: Option[] = [];
  if (written !== null) {
    opts.push(opt('none', 'no --probability: it takes every packet that gets that far', `Only the last rule has no statistic match; rule ${k} of ${n} must leave some connections to the rules below it.`, 'only-first-has-probability'));
    opts.push(opt(iptablesSaveProbability(written), `-m statistic --mode random --probability ${iptablesSaveProbability(written)}`, `That is how iptables-save prints the value back (the kernel stores round(2^31 x p) and prints it with 11 decimals); kube-proxy writes ${written}.`, 'save-form-written'));
  } else {
    opts.push(opt('1.0000000000', '-m statistic --mode random --probability 1.0000000000', 'kube-proxy does not write a probability of 1 on the last rule: it simply leaves the statistic match off.', 'last-rule-probability-one'));
  }
  if (k > 1) opts.push(opt(first, `-m statistic --mode random --probability ${first}`, `1/${n} is right only for the first rule. Rule ${k} sees only the connections the rules above left, so it needs 1/${left} for every endpoint to get 1/${n} overall.`, 'every-rule-1-over-n'));
  opts.push(opt(`nth:${n}`, `-m statistic --mode nth --every ${n} --packet ${k - 1}`, 'kube-proxy draws at random per connection (--mode random), not round robin (--mode nth).', 'round-robin'));
  if (left > 1) opts.push(opt((1 / left).toFixed(2), `-m statistic --mode random --probability ${(1 / left).toFixed(2)}`, 'kube-proxy writes the probability with ten decimals (%0.10f).', 'rounded-probability'));
  if (left > 1) {
    const complement = ((left - 1) / left).toFixed(10);
    opts.push(opt(complement, `-m statistic --mode random --probability ${complement}`, `The probability is the chance of taking this endpoint, 1/${left}, not of passing it by.`, 'complement-probability'));
  }
  return {
    topic: 'rule-probability',
    prompt: `${cap(svcDesc(p.svc))} has ${n} ready endpoints, so kube-proxy writes ${n} rules in its KUBE-SVC chain, tried in order. What does rule ${k} of ${n} carry, as kube-proxy writes it?`,
    hint: 'Each rule only sees the connections the rules above it let through.',
    basis: p.b,
    key: opt(key, keyText, why),
    distractors: opts,
  };
};

const ruleProbabilitySaved: Generator = (v, rng) => {
  let p = probabilityScene(v, rng);
  for (let i = 0; i < 4 && (p === null || p.written === null); i++) p = probabilityScene(v, rng);
  if (p === null || p.written === null) return null;
  const written = p.written;
  const saved = iptablesSaveProbability(written);
  const stored = Math.round(0x80000000 * Number(written));
  return {
    topic: 'rule-probability-saved',
    prompt: `kube-proxy writes rule ${p.k} of the KUBE-SVC chain of ${svcDesc(p.svc)} with "-m statistic --mode random --probability ${written}". What does iptables-save print for that match on the node?`,
    hint: 'The kernel does not keep the decimal text; it keeps a 31-bit fraction.',
    basis: p.b,
    key: opt(saved, `--probability ${saved}`, `libxt_statistic stores round(2^31 x ${written}) = ${stored} and iptables-save prints ${stored}/2^31 with 11 decimals: ${saved}.`),
    distractors: [
      opt(written, `--probability ${written}`, 'iptables-save prints what the kernel holds, not what kube-proxy wrote: the value went through a 31-bit fraction and comes back with 11 decimals.', 'save-prints-as-written'),
      opt(`${written}0`, `--probability ${written}0`, `It is not the written value padded with a zero: ${stored}/2^31 printed with 11 decimals is ${saved}.`, 'save-pads-zero'),
      opt(`0x${stored.toString(16)}`, `--probability 0x${stored.toString(16)}`, 'iptables-save prints the fraction as a decimal, not the raw stored integer.', 'save-prints-hex'),
      opt(`nth:${p.n}`, `--mode nth --every ${p.n}`, 'The mode stays random; only the number\'s form changes.', 'round-robin'),
    ],
  };
};

// ---- lesson 6: across nodes ----------------------------------------------------------------------

function encapScene(v: QuizVariant, rng: Rng) {
  const s = scene(v, rng, 'remote');
  if (s === null) return null;
  const encap = hopAt(s.trace, 'encap', 'request');
  if (encap === null || encap.packet.outer === null) return null;
  return { s, encap, outer: encap.packet.outer };
}

const outerHeader: Generator = (v, rng) => {
  const e = encapScene(v, rng);
  if (e === null) return null;
  const { s, outer } = e;
  const text = (src: string, dst: string, port: number, vni: number) => `${src} -> ${dst}, UDP destination port ${port}, VNI ${vni}`;
  const value = (src: string, dst: string, port: number, vni: number) => `${src}>${dst}/udp:${port}/vni:${vni}`;
  const third = pick(rng, v.cluster.nodes.filter((n) => n.internalIP !== outer.src && n.internalIP !== outer.dst));
  return {
    topic: 'outer-header',
    prompt: `${connects(s)}\nflannel.1 on ${s.client.nodeName} encapsulates the SYN. What outer header does the packet carry on the wire?`,
    hint: 'The outer header is between the two nodes. Which port does Linux use for VXLAN by default?',
    basis: s.basis,
    key: opt(value(outer.src, outer.dst, outer.dport!, outer.vni!), text(outer.src, outer.dst, outer.dport!, outer.vni!), `flannel.1's FDB maps ${s.endpoint.nodeName}'s VTEP MAC to its node IP ${outer.dst}; the outer packet goes from node to node, UDP port ${outer.dport} (the Linux kernel's and Flannel's default), VNI ${outer.vni} (Flannel's default).`),
    distractors: [
      opt(value(outer.src, outer.dst, 4789, outer.vni!), text(outer.src, outer.dst, 4789, outer.vni!), `4789 is IANA's VXLAN port, but Flannel on Linux uses the kernel's default, ${outer.dport}.`, 'flannel-uses-4789'),
      opt(value(s.client.ip!, s.endpoint.ip!, outer.dport!, outer.vni!), text(s.client.ip!, s.endpoint.ip!, outer.dport!, outer.vni!), 'Those are the inner packet\'s addresses; the outer header carries the node addresses, which the network between the nodes knows how to reach.', 'outer-is-inner'),
      opt(value(outer.dst, outer.src, outer.dport!, outer.vni!), text(outer.dst, outer.src, outer.dport!, outer.vni!), `Reversed: the packet goes from ${s.client.nodeName} (${outer.src}) to ${s.endpoint.nodeName} (${outer.dst}).`, 'outer-swapped'),
      ...(third ? [opt(value(outer.src, third.internalIP, outer.dport!, outer.vni!), text(outer.src, third.internalIP, outer.dport!, outer.vni!), `${third.name} does not own ${s.endpoint.ip}'s pod CIDR; flannel.1's FDB sends the frame to ${s.endpoint.nodeName}, which does.`)] : []),
    ],
  };
};

const vxlanPort: Generator = (v, rng) => {
  const e = encapScene(v, rng);
  if (e === null) return null;
  const port = e.outer.dport!;
  return {
    topic: 'vxlan-port',
    prompt: `${connects(e.s)}\nflannel.1 on ${e.s.client.nodeName} wraps the SYN in VXLAN. Which UDP destination port does the outer packet use?`,
    hint: 'Flannel leaves the port to the Linux kernel\'s default.',
    basis: e.s.basis,
    key: opt(port, `UDP ${port}`, `Flannel's VXLAN backend on Linux uses the kernel's default VXLAN port, ${port}, which predates IANA's assignment.`),
    distractors: [
      opt(4789, 'UDP 4789', `4789 is IANA's VXLAN port (and Windows Flannel's, and Calico's), but Flannel on Linux uses ${port}.`, 'flannel-uses-4789'),
      opt(8285, 'UDP 8285', '8285 is Flannel\'s old udp backend, a user-space tunnel, not VXLAN.', 'flannel-udp-backend'),
      opt(6081, 'UDP 6081', '6081 is Geneve\'s port (used by OVN, Cilium), not VXLAN.', 'geneve-port'),
      opt(179, 'TCP 179', '179 is BGP, which Calico uses to exchange routes; it is not a tunnel.', 'bgp-port'),
    ],
  };
};

const vxlanMtu: Generator = (v, rng) => {
  const e = encapScene(v, rng);
  if (e === null) return null;
  const u = v.cluster.network.underlayMtu;
  const mtu = u - VXLAN_OVERHEAD;
  return {
    topic: 'vxlan-mtu',
    prompt: `The nodes' eth0 MTU is ${u}, and Flannel uses VXLAN (IPv4). What MTU does flanneld give flannel.1 (and the pods' eth0)?`,
    hint: 'Add up the headers VXLAN puts around an inner Ethernet frame.',
    basis: e.s.basis,
    key: opt(mtu, String(mtu), `VXLAN adds ${VXLAN_OVERHEAD} bytes: outer IPv4 20 + UDP 8 + VXLAN 8 + the inner Ethernet header 14. ${u} - ${VXLAN_OVERHEAD} = ${mtu}.`),
    distractors: [
      opt(u, String(u), `The outer headers need room: a ${u}-byte inner packet plus ${VXLAN_OVERHEAD} bytes of encapsulation would not fit eth0.`, 'no-overhead'),
      opt(u - 20, String(u - 20), '20 bytes is the overhead of IP-in-IP (Calico IPIP); VXLAN adds UDP, the VXLAN header and the inner Ethernet header too.', 'ipip-overhead'),
      opt(u - 36, String(u - 36), 'That leaves out the inner Ethernet header (14 bytes): VXLAN carries whole frames.', 'forgets-inner-ethernet'),
      opt(u - 8, String(u - 8), 'That counts only the UDP header.', 'udp-only-overhead'),
    ],
  };
};

// ---- lesson 7: no endpoints ------------------------------------------------------------------------

function rejectScene(v: QuizVariant, rng: Rng) {
  const client = pick(rng, v.clients)!;
  const svc = v.empty.service;
  const b = basis({ from: podRef(client), to: `${svc.name}.${svc.namespace}:${svc.ports[0]!.port}` }, { seed: rng.int(0x7fffffff) });
  const trace = traceOfBasis(v, b);
  const reject = trace === null ? null : hopAt(trace, 'reject', 'request');
  if (trace === null || reject === null) return null;
  return { client, svc, b, trace, reject };
}

const noEndpoints: Generator = (v, rng) => {
  const r = rejectScene(v, rng);
  if (r === null || r.trace.outcome !== 'rejected') return null;
  return {
    topic: 'no-endpoints',
    prompt: `${cap(svcDesc(r.svc))} selects no pod: its EndpointSlice is empty. Pod ${podDesc(r.client)} runs curl http://${r.svc.name}.${r.svc.namespace}:${r.svc.ports[0]!.port}/.\nWhat happens?`,
    hint: 'DNS knows the Service. What does kube-proxy write for a Service with nothing behind it?',
    basis: r.b,
    key: opt('reject', 'curl fails at once with "Connection refused": a filter rule REJECTs the SYN with ICMP port unreachable', `DNS answers with the ClusterIP. kube-proxy writes a REJECT for a Service without endpoints ("${r.svc.namespace}/${r.svc.name} has no endpoints"), so ${r.client.nodeName} answers the SYN with ICMP port unreachable and connect() fails with ECONNREFUSED.`),
    distractors: [
      opt('nxdomain', 'curl cannot resolve the host: a Service without endpoints has no DNS record', 'CoreDNS answers with the ClusterIP whether or not the Service has endpoints; the record belongs to the Service.', 'no-endpoints-no-dns'),
      opt('timeout', 'curl hangs until it times out: the SYN is dropped silently', 'kube-proxy REJECTs rather than drops, so clients fail fast instead of waiting for a timeout.', 'no-endpoints-timeout'),
      opt('dnat-any', 'the SYN is DNATed to some other pod of the namespace', 'There is no KUBE-SVC chain to jump to: kube-proxy only DNATs to the Service\'s own endpoints, and it has none.', 'no-endpoints-dnat-anyway'),
      opt('leaves', 'the SYN leaves the node through eth0 towards the default gateway', 'That is what happens when no rule at all matches the ClusterIP (no kube-proxy); here kube-proxy wrote a REJECT.', 'no-endpoints-leaves-cluster'),
    ],
  };
};

const rejectChain: Generator = (v, rng) => {
  const r = rejectScene(v, rng);
  if (r === null) return null;
  const last = r.reject.rules.at(-1);
  const m = last === undefined ? null : /^(\w+) (\S+):.*-j REJECT/.exec(last);
  if (m === null) return null;
  const key = `${m[1]} ${m[2]}`;
  const spn = spnOf(r.svc);
  const svcChainName = serviceChain(spn, 'tcp');
  return {
    topic: 'reject-chain',
    prompt: `${cap(svcDesc(r.svc))} has no endpoints. Pod ${podDesc(r.client)} sends a SYN to ${serviceAddress(r.svc)}, and ${r.client.nodeName} rejects it.\nWhich table and chain hold the REJECT rule?`,
    hint: 'Which table can REJECT a packet, and which chain do the FORWARD rules jump to for Services?',
    basis: r.b,
    key: opt(key, `the ${m[1]} table, chain ${m[2]}`, `kube-proxy writes "-A ${m[2]} ... -m comment --comment "${r.svc.namespace}/${r.svc.name} has no endpoints" ... -j REJECT" in the ${m[1]} table; FORWARD jumps there for new connections.`),
    distractors: [
      opt('nat KUBE-SERVICES', 'the nat table, chain KUBE-SERVICES', 'The nat table rewrites addresses; REJECT is a filter target. nat KUBE-SERVICES holds the jumps to KUBE-SVC chains, and this Service has none.', 'reject-in-nat'),
      opt(`nat ${svcChainName}`, `the nat table, chain ${svcChainName}`, 'kube-proxy writes no KUBE-SVC chain for a Service without endpoints: there is nothing to choose from.', 'svc-chain-for-empty'),
      opt('filter KUBE-FORWARD', 'the filter table, chain KUBE-FORWARD', 'KUBE-FORWARD accepts marked and established traffic; it rejects nothing.', 'kube-forward-rejects'),
      opt('filter KUBE-EXTERNAL-SERVICES', 'the filter table, chain KUBE-EXTERNAL-SERVICES', 'KUBE-EXTERNAL-SERVICES holds the REJECTs for external traffic (NodePorts, external IPs); a ClusterIP\'s REJECT is in KUBE-SERVICES.', 'external-services-reject'),
      opt('filter INPUT', 'the filter table, chain INPUT', 'The SYN from a pod to a ClusterIP is forwarded, not delivered to the node itself, so it passes FORWARD, not INPUT.', 'reject-in-input'),
    ],
  };
};

// ---- lesson 8: without kube-proxy ------------------------------------------------------------------

const podIpRewrites: Generator = (v, rng) => {
  const client = pick(rng, v.clients)!;
  const target = pick(rng, [...v.main.endpoints, ...v.other.endpoints].filter((p) => p.nodeName !== client.nodeName));
  if (target === null) return null;
  const port = target.containerPorts[0]!.port;
  const b = basis({ from: podRef(client), to: `${target.ip}:${port}` }, { seed: rng.int(0x7fffffff) });
  const trace = traceOfBasis(v, b);
  if (trace === null || trace.verdict !== 'delivered') return null;
  const rewrites = trace.hops.filter((h) => h.direction === 'request' && h.rewrite !== null);
  if (rewrites.length > 0) return null;
  const node = nodeOf(v.cluster, client.nodeName)!;
  const peer = nodeOf(v.cluster, target.nodeName)!;
  return {
    topic: 'pod-ip-rewrites',
    prompt: `Pod ${podDesc(client)} connects straight to the pod ${podDesc(target)} on port ${port}: no Service, no DNS.\nWhich address rewrites happen to the SYN on its way?`,
    hint: 'Which rules match a pod IP, and which traffic does Flannel masquerade?',
    basis: b,
    key: opt('none', 'none: it arrives with the same source and destination it was sent with', 'No kube-proxy rule matches a pod IP, so nat PREROUTING changes nothing, and FLANNEL-POSTRTG returns for pod-network to pod-network traffic. The chains are still traversed; they just do not match.'),
    distractors: [
      opt('dnat', 'a DNAT by kube-proxy\'s rules, to the same pod IP', 'KUBE-SERVICES matches only Service addresses (ClusterIPs, node ports); a pod IP goes through untouched.', 'kube-proxy-dnat-pod-ip'),
      opt(`masq:${node.internalIP}`, `a MASQUERADE to ${node.name}'s IP, ${node.internalIP}, as it leaves the node`, 'FLANNEL-POSTRTG masquerades only traffic leaving the pod network; pod-to-pod traffic keeps its source.', 'flannel-masq-pod'),
      opt(`dst:${peer.internalIP}`, `the destination becomes ${peer.name}'s IP, ${peer.internalIP}, for the trip between nodes`, 'The node address is in the VXLAN outer header wrapped around the packet; the packet itself keeps its destination.', 'vxlan-rewrites-dst'),
    ],
  };
};

const sameNodePodPath: Generator = (v, rng) => {
  const pairs: Array<{ client: PodModel; target: PodModel }> = [];
  for (const client of v.clients) {
    for (const target of [...v.main.endpoints, ...v.other.endpoints]) if (target.nodeName === client.nodeName) pairs.push({ client, target });
  }
  const p = pick(rng, pairs);
  if (p === null) return null;
  const port = p.target.containerPorts[0]!.port;
  const b = basis({ from: podRef(p.client), to: `${p.target.ip}:${port}` }, { seed: rng.int(0x7fffffff) });
  const trace = traceOfBasis(v, b);
  if (trace === null || trace.verdict !== 'delivered') return null;
  const req = trace.hops.filter((h) => h.direction === 'request');
  const fwd = req.find((h) => h.step === 'bridge-forward');
  if (fwd === undefined || req.some((h) => h.step === 'route')) return null;
  return {
    topic: 'same-node-pod-path',
    prompt: `Pod ${podDesc(p.client)} connects to the pod ${podDesc(p.target)}, on the same node, by its IP and port ${port}.\nHow does the SYN get from ${p.client.name} to ${p.target.name}?`,
    hint: `Is ${p.target.ip} inside ${p.client.name}'s own subnet?`,
    basis: b,
    key: opt(`bridge:${fwd.device}`, `cni0 switches the frame at layer 2 from ${p.client.name}'s veth to ${fwd.device}, ${p.target.name}'s veth; the TTL stays 64`, `${p.target.ip} is on-link in ${p.client.name}'s /24, so it ARPs for it and sends the frame to ${p.target.name}'s MAC; cni0 looks that MAC up in its forwarding table and sends the frame out of ${fwd.device}. No routing decision.`),
    distractors: [
      opt('eth0', `${p.client.nodeName} routes it out of eth0 and back in`, 'Same-node traffic is not routed through eth0: both pods hang off the same cni0 bridge.', 'same-node-via-eth0'),
      opt('flannel.1', 'it goes through flannel.1 and a VXLAN tunnel, like all pod traffic', 'flannel.1 carries traffic to other nodes only.', 'all-via-overlay'),
      opt('route:cni0', `${p.client.nodeName}'s kernel routes it from cni0 back to cni0 (IP forwarding, TTL 63)`, 'The source text says the bridge "routes internally", but same-node pod traffic is bridged at layer 2: no routing decision, no TTL decrement.', 'same-node-routed'),
      opt('kube-proxy', 'kube-proxy on the node passes it to the other pod', 'kube-proxy is not in the data path, and a pod IP involves no Service at all.', 'kube-proxy-forwards'),
    ],
  };
};

const withoutKubeProxy: Generator = (v, rng) => {
  const client = pick(rng, v.clients)!;
  const svc = v.main.service;
  const ref = `${svc.namespace}/${svc.name}`;
  const b = basis({ from: podRef(client), to: serviceAddress(svc) }, { seed: rng.int(0x7fffffff) }, { withoutService: ref });
  const trace = traceOfBasis(v, b);
  if (trace === null) return null;
  const req = trace.hops.filter((h) => h.direction === 'request');
  const route = req.find((h) => h.step === 'route');
  if (route === undefined || req.some((h) => h.rewrite?.kind === 'DNAT') || trace.verdict === 'delivered') return null;
  const node = nodeOf(v.cluster, client.nodeName)!;
  return {
    topic: 'without-kube-proxy',
    prompt: `Suppose kube-proxy had never written rules for ${svcDesc(svc)} on ${node.name}. Pod ${podDesc(client)} sends a SYN to ${serviceAddress(svc)}.\nWhat does ${node.name} do with it?`,
    hint: 'Without a rule, a ClusterIP is just an address. Which route matches it?',
    basis: b,
    key: opt(`route:${route.device}`, `nothing rewrites it: ${node.name} routes it out of ${route.device} by its default route, and it never reaches an endpoint`, `The ClusterIP exists only as kube-proxy's rules. With none, nat PREROUTING changes nothing, the routing table has no route for ${svc.clusterIP} but the default one, and the SYN leaves through ${route.device} (masqueraded by FLANNEL-POSTRTG), to a gateway that knows nothing of Services.`),
    distractors: [
      opt('flannel', 'flannel.1 carries it to one of the endpoints: the CNI knows the Service', 'The CNI knows pod networks, not Services; Services are kube-proxy\'s (or another service proxy\'s) job.', 'cni-load-balances'),
      opt('reject', `${node.name} answers with ICMP port unreachable: curl says "Connection refused"`, 'That REJECT is itself a kube-proxy rule (for a Service without endpoints); without kube-proxy there is no rule at all.', 'refused-without-proxy'),
      opt('coredns', 'CoreDNS forwards it to an endpoint', 'CoreDNS only answers names; it never sees the connection.', 'coredns-forwards'),
      opt('apiserver', 'the API server proxies it to an endpoint', 'The API server is not in the data path of Service traffic.', 'apiserver-proxies'),
    ],
  };
};

// ---- lesson 9: a real flow -------------------------------------------------------------------------

const conntrackNode: Generator = (v, rng) => {
  const s = scene(v, rng, 'remote');
  if (s === null) return null;
  const un = hopAt(s.trace, 'un-dnat', 'reply');
  if (un === null || un.node === null) return null;
  const third = pick(rng, v.cluster.nodes.filter((n) => n.name !== s.client.nodeName && n.name !== s.endpoint.nodeName));
  return {
    topic: 'conntrack-node',
    prompt: `${connects(s)}\nWhich node holds the conntrack entry that turns the SYN-ACK's source back into ${serviceAddress(s.service.service)}?`,
    hint: 'Where did the DNAT happen?',
    basis: s.basis,
    key: opt(un.node, un.node, `The DNAT happened on ${un.node}, the client's node, and its conntrack entry records it; the reply comes back through ${un.node}, which un-DNATs it.`),
    distractors: [
      opt(s.endpoint.nodeName, s.endpoint.nodeName, `${s.endpoint.nodeName} has an entry too, but it only forwarded the flow: its two tuples mirror each other, with no NAT to undo.`, 'endpoint-node-undnat'),
      opt('kube-proxy', 'none: kube-proxy keeps the connection table', 'kube-proxy keeps no per-connection state; conntrack in each node\'s kernel does.', 'kube-proxy-tracks'),
      opt('both', `both: ${un.node} and ${s.endpoint.nodeName} each undo half of it`, `Only ${un.node} rewrote anything; ${s.endpoint.nodeName} has nothing to undo.`, 'both-nodes-undo'),
      ...(third ? [opt(third.name, third.name, `${third.name} is not on this packet's path at all.`)] : []),
    ],
  };
};

const conntrackEntry: Generator = (v, rng) => {
  const s = scene(v, rng, 'remote');
  if (s === null) return null;
  const match = s.trace.hops.find((h) => h.direction === 'reply' && h.step === 'conntrack-match' && h.node === s.client.nodeName);
  const tuples = match?.conntrack ? conntrackTuples(match.conntrack) : null;
  if (tuples === null || match === undefined) return null;
  const m = /src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+) \| src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)/.exec(tuples);
  if (m === null) return null;
  const [os, od, osp, odp, rs, , rsp, rdp] = m.slice(1).map((x) => x ?? '') as [string, string, string, string, string, string, string, string];
  const t = (a: string, b: string, c: string, d: string, e: string, f: string, g: string, h: string) => `src=${a} dst=${b} sport=${c} dport=${d} | src=${e} dst=${f} sport=${g} dport=${h}`;
  const node = nodeOf(v.cluster, s.client.nodeName)!;
  return {
    topic: 'conntrack-entry',
    prompt: `${connects(s)}\nThe SYN-ACK has come back to ${node.name}. Which entry does conntrack -L show there for the connection (original tuple | reply tuple)?`,
    hint: 'The first tuple is the packet as the client sent it; the second is the reply conntrack expects.',
    basis: s.basis,
    key: opt(tuples, tuples, `The original tuple is the SYN as ${s.client.name} sent it, to the ClusterIP; the reply tuple is what conntrack expects back after the DNAT: from ${rs}:${rsp}. The difference between the two is the DNAT.`),
    distractors: [
      opt(t(os, od, osp, odp, od, os, odp, osp), t(os, od, osp, odp, od, os, odp, osp), 'That is the entry before the DNAT, when the reply tuple is still the mirror image; the DNAT changed the reply tuple to come from the endpoint.', 'entry-without-nat'),
      opt(t(os, rs, osp, rsp, rs, os, rsp, osp), t(os, rs, osp, rsp, rs, os, rsp, osp), `That is ${s.endpoint.nodeName}'s entry: there the packet already had the endpoint as its destination, so the tuples mirror each other. The original tuple keeps the packet as sent, before the DNAT.`, 'orig-after-dnat'),
      opt(t(os, od, osp, odp, rs, node.internalIP, rsp, rdp), t(os, od, osp, odp, rs, node.internalIP, rsp, rdp), 'The reply is expected at the client\'s own address: nothing SNATed the request.', 'service-traffic-snat'),
    ],
  };
};

const clientPort: Generator = (v, rng) => {
  const s = scene(v, rng, 'remote');
  if (s === null) return null;
  const send = hopAt(s.trace, 'send', 'request');
  const deliver = lastHop(s.trace, 'request');
  if (send === null || deliver === null || deliver.step !== 'deliver') return null;
  const sport = portOf(send.packet.src)!;
  const seen = portOf(deliver.packet.src)!;
  const svc = s.service.service;
  const other = 32768 + ((sport - 32768 + 7919) % 28232);
  return {
    topic: 'client-port',
    prompt: `${connects(s)}\n${s.client.name}'s kernel picks the ephemeral source port ${sport} for the connection. Which source port does ${s.endpoint.name} see on the SYN?`,
    hint: 'Which part of the packet does a DNAT change?',
    basis: s.basis,
    key: opt(seen, String(seen), `The DNAT rewrites only the destination; nothing SNATs the request, so the source port stays ${seen}, as ${s.client.name} sent it.`),
    distractors: [
      opt(svc.ports[0]!.port, String(svc.ports[0]!.port), `${svc.ports[0]!.port} is the Service's port, a destination port; the source port is the client's.`, 'port-confusion'),
      opt(targetPortOf(svc), String(targetPortOf(svc)), `${targetPortOf(svc)} is the targetPort, the new destination port after the DNAT.`, 'port-confusion-target'),
      opt(other, String(other), 'kube-proxy does not open a new connection from a port of its own: it is not in the data path, and no SNAT happens.', 'kube-proxy-new-port'),
    ],
  };
};

// ---- lesson 10: the whole picture ------------------------------------------------------------------

const roundTripRewrites: Generator = (v, rng) => {
  const s = scene(v, rng, 'remote');
  if (s === null) return null;
  const rewrites = s.trace.hops.filter((h): h is Hop & { rewrite: NonNullable<Hop['rewrite']> } => h.rewrite !== null);
  if (rewrites.length === 0) return null;
  const value = (xs: ReadonlyArray<readonly [string, string]>) => xs.map(([k, n]) => `${k}@${n}`).join(',');
  const text = (xs: ReadonlyArray<readonly [string, string]>) => xs.map(([k, n]) => `${k} on ${n}`).join(', then ');
  const actual = rewrites.map((h) => [h.rewrite.kind, h.node ?? '?'] as const);
  const c = s.client.nodeName;
  const e = s.endpoint.nodeName;
  const alt = (xs: Array<readonly [string, string]>, why: string, m: string) => opt(value(xs), text(xs), why, m);
  return {
    topic: 'round-trip-rewrites',
    prompt: `${connects(s)}\nWhich address rewrites happen on the whole round trip (the SYN, then the SYN-ACK), in order?`,
    hint: "Count the NAT operations, then ask which node's conntrack undoes them.",
    basis: s.basis,
    key: opt(value(actual), text(actual), `One DNAT on the client's node (${c}) for the request, and conntrack's inverse of it, the un-DNAT, on the same node for the reply. Nothing is SNATed.`),
    distractors: [
      alt([['DNAT', c], ['SNAT', e]], 'There is no "reverse SNAT": the request was never SNATed. The reply gets the inverse of the DNAT, on the client\'s node.', 'reverse-snat'),
      alt([['DNAT', c], ['MASQUERADE', c], ['un-SNAT', c], ['un-DNAT', c]], 'Pod-to-Service traffic is not masqueraded; only the DNAT and its inverse happen.', 'service-traffic-snat'),
      alt([['DNAT', e], ['un-DNAT', e]], `The DNAT happens on the client's node, ${c}, before routing: the packet must be addressed to the endpoint to reach ${e}.`, 'endpoint-node-dnat'),
      alt([['DNAT', c], ['un-DNAT', e]], `The un-DNAT happens where the DNAT was recorded, on ${c}; ${e} never rewrote anything.`, 'endpoint-node-undnat'),
    ],
  };
};

/** The topics of quiz format 1, in its order (topics.ts adds the later formats' topics after them). */
export const FORMAT_1_TOPICS: readonly TopicSpec[] = [
  { topic: 'dns-nxdomain-count', lessons: [1, 7], make: dnsNxdomainCount },
  { topic: 'dns-first-query', lessons: [1], make: dnsFirstQuery },
  { topic: 'dns-answer', lessons: [1, 7], make: dnsAnswer },
  { topic: 'who-rewrites', lessons: [1, 2, 5], make: whoRewrites },
  { topic: 'reply-source', lessons: [2, 10], make: replySource },
  { topic: 'undnat-where', lessons: [2, 9], make: undnatWhere },
  { topic: 'route-device', lessons: [3, 5, 6], make: routeDevice },
  { topic: 'ttl-at-delivery', lessons: [3, 8, 6, 10], make: ttlAtDelivery },
  { topic: 'dnat-destination', lessons: [4, 1, 10], make: dnatDestination },
  { topic: 'endpoint-sees', lessons: [4, 10], make: endpointSees },
  { topic: 'hairpin-source', lessons: [4], make: hairpinSource },
  { topic: 'postrouting-snat', lessons: [4], make: postroutingSnat },
  { topic: 'svc-chain', lessons: [5, 9], make: svcChain },
  { topic: 'rule-probability', lessons: [5, 4, 10], make: ruleProbability },
  { topic: 'rule-probability-saved', lessons: [5, 9], make: ruleProbabilitySaved },
  { topic: 'outer-header', lessons: [6, 11, 1], make: outerHeader },
  { topic: 'vxlan-port', lessons: [6, 10, 11], make: vxlanPort },
  { topic: 'vxlan-mtu', lessons: [6, 11, 10], make: vxlanMtu },
  { topic: 'no-endpoints', lessons: [7, 5], make: noEndpoints },
  { topic: 'reject-chain', lessons: [7, 5], make: rejectChain },
  { topic: 'dns-wrong-namespace', lessons: [7, 1], make: dnsWrongNamespace },
  { topic: 'pod-ip-rewrites', lessons: [8], make: podIpRewrites },
  { topic: 'same-node-pod-path', lessons: [8, 3], make: sameNodePodPath },
  { topic: 'without-kube-proxy', lessons: [8, 5], make: withoutKubeProxy },
  { topic: 'conntrack-node', lessons: [9, 2], make: conntrackNode },
  { topic: 'conntrack-entry', lessons: [9, 2], make: conntrackEntry },
  { topic: 'client-port', lessons: [9, 4], make: clientPort },
  { topic: 'round-trip-rewrites', lessons: [10, 2, 4], make: roundTripRewrites },
];
