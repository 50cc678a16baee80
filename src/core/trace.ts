// simulate(cluster, request, options) -> Trace: DNS first, then the request hop by hop, then the reply.

import type { ClusterModel, NodeModel, PodModel, Protocol } from './cluster/model.js';
import { podNslookup, resolveName } from './dns/index.js';
import { makeChooser, makeIpvsChooser, instructiveEndpoint, pinEndpoint, type Pins } from './endpoint-choice.js';
import { findServicePort } from './proxy/service-ports.js';
import { ipvsGap } from './proxy/ipvs/unmodelled.js';
import { Datapath, packetFlags, type DeliveryOutcome, type ExternalHost, type Packet } from './kernel/datapath.js';
import { cidrContains, cidrHost, hostPort, isIPv4, splitHostPort } from './net/ipv4.js';
import { macFor } from './net/mac.js';
import { deviceAddress, lookupRoute, nodeOfPodAddress, nodeRoutes, nodeSubnet } from './kernel/routing.js';
import { newEntry } from './kernel/conntrack.js';
import { LISTENING_SOCKET } from './kernel/socket-expectation.js';
import type { ProxyServicePort } from './proxy/service-ports.js';
import { memoByObject } from './memo.js';
import { anyPodWithIP, nodeNamed, podNamed, serviceWithClusterIP } from './cluster/lookup.js';
import { seededRng, type Rng } from './random.js';
import { parseClientRef, parsePodRef, type TraceOptions, type TraceRequest } from './request.js';
import type { DnsSection, EarlierConnection, Hop, Outcome, Trace, Verdict } from './trace-model.js';

export interface SimulationError {
  readonly field: 'from' | 'to' | 'endpoint' | 'proto' | 'proxy-mode';
  readonly message: string;
}

export type SimulationResult = { readonly ok: true; readonly trace: Trace } | { readonly ok: false; readonly error: SimulationError };

/** The client port a fresh connection gets when no seed is given (the reference scenario's). */
export const DEFAULT_CLIENT_PORT = 43512;
export const DEFAULT_DNS_CLIENT_PORT = 51234;

export function findPod(cluster: ClusterModel, ref: string): PodModel | null {
  const { namespace, name } = parsePodRef(ref);
  return podNamed(cluster, namespace, name);
}

/** Who sends: a pod in its own network namespace, a process in a node's (hostNetwork), or a host outside the cluster. */
export type Client =
  | { readonly kind: 'pod'; readonly label: string; readonly pod: PodModel; readonly nodeName: string }
  | { readonly kind: 'host'; readonly label: string; readonly node: NodeModel; readonly pod: PodModel | null; readonly nodeName: string }
  | { readonly kind: 'external'; readonly label: string; readonly host: ExternalHost; readonly nodeName: null };

/** The outside client's default address: host 50 of the first node's subnet (192.168.1.50 on the built-in cluster). */
export function defaultExternalIP(cluster: ClusterModel): string | null {
  const node = cluster.nodes[0];
  return node ? cidrHost(nodeSubnet(node), 50) : null;
}

/** Who sends: a pod, a node's own namespace (node/NAME or a host-network pod), or a host outside the cluster (external[/IP]). */
export function resolveClient(cluster: ClusterModel, from: string): Client | SimulationError {
  const ref = parseClientRef(from);
  if (ref.kind === 'external') {
    const ip = ref.ip ?? defaultExternalIP(cluster);
    if (ip === null) return { field: 'from', message: 'the cluster has no nodes, so there is no node network for an outside client' };
    if (!isIPv4(ip)) return { field: 'from', message: `"${from}": expected external or external/IPV4` };
    const subnets = [...new Set(cluster.nodes.map((n) => nodeSubnet(n)))];
    if (!subnets.some((c) => cidrContains(c, ip))) return { field: 'from', message: `external/${ip} is not on the nodes' network (${subnets.join(', ')}); the simulator models an outside client on that network only` };
    if (cluster.nodes.some((n) => n.internalIP === ip) || ip.endsWith('.0') || ip.endsWith('.1') || ip.endsWith('.255')) return { field: 'from', message: `external/${ip} is a node's, the network's or its gateway's address; pick another host address` };
    return { kind: 'external', label: `external/${ip}`, host: { ip, mac: macFor(`eth0@external/${ip}`) }, nodeName: null };
  }
  if (ref.kind === 'node') {
    const node = nodeNamed(cluster, ref.node);
    if (node === null) return { field: 'from', message: `no node "${ref.node}" in ${cluster.source} (nodes: ${cluster.nodes.map((n) => n.name).join(', ')})` };
    return { kind: 'host', label: `node/${node.name}`, node, pod: null, nodeName: node.name };
  }
  const pod = podNamed(cluster, ref.namespace, ref.name);
  if (pod === null) return { field: 'from', message: `no pod "${from}" in ${cluster.source} (use NAME for namespace default, NAMESPACE/NAME, node/NODE or external)` };
  if (pod.ip === null) return { field: 'from', message: `pod ${pod.namespace}/${pod.name} has no IP yet (status.podIP is empty), so it cannot send` };
  const label = `${pod.namespace}/${pod.name}`;
  if (pod.hostNetwork) {
    const node = nodeNamed(cluster, pod.nodeName);
    if (node === null) return { field: 'from', message: `pod ${label} runs on unknown node ${pod.nodeName}` };
    return { kind: 'host', label, node, pod, nodeName: node.name };
  }
  return { kind: 'pod', label, pod, nodeName: pod.nodeName };
}

function ephemeralPort(rng: Rng | null, fallback: number): number {
  // net.ipv4.ip_local_port_range defaults to 32768-60999.
  return rng === null ? fallback : 32768 + rng.int(60999 - 32768 + 1);
}

/** MASQUERADE --random-fully draws the new source port from 1024-65535 (seen on a real kernel). */
function masqueradePort(rng: Rng | null, fallback: number): number {
  return rng === null ? fallback : 1024 + rng.int(65535 - 1024 + 1);
}

export function simulate(cluster: ClusterModel, request: TraceRequest, options: TraceOptions = {}): SimulationResult {
  const proto: Protocol = request.proto ?? 'TCP';
  const who = resolveClient(cluster, request.from);
  if (!('kind' in who)) return fail(who.field, who.message);
  const gap = ipvsGap(cluster, who.kind, options);
  if (gap !== null) return fail(gap.field, gap.message);
  if (who.kind !== 'pod') return simulateOutside(cluster, who, request, options, proto);
  const client = who.pod;

  const rng = options.seed === undefined ? null : seededRng(options.seed);
  const pins: Pins = new Map();
  const assumptions: string[] = [...cluster.assumptions];
  const { ip: host, port: explicitPort } = splitHostPort(request.to);
  if (explicitPort !== null && !(Number.isInteger(explicitPort) && explicitPort >= 1 && explicitPort <= 65535)) {
    return fail('to', `"${request.to}": the port must be a number from 1 to 65535`);
  }

  // 1. DNS
  let dns: DnsSection | null = null;
  let targetIP = host;
  if (!isIPv4(host)) {
    const resolution = cachedResolution(cluster, client, host, options.resolver ?? 'glibc');
    const dnsPort = ephemeralPort(rng, DEFAULT_DNS_CLIENT_PORT);
    const server = resolution.server;
    let dnsHops: readonly Hop[] = [];
    let answeredBy: string | null = null;
    const journeyQuery = [...resolution.queries].reverse().find((q) => q.type === 'A') ?? resolution.queries.at(-1) ?? null;
    if (server !== null && journeyQuery !== null) {
      const answering = journeyQuery;
      const journey = dnsJourney(cluster, client, server, dnsPort, `${answering.type} ${answering.name} (${answering.rcode}${answering.answer ? ` ${answering.answer}` : ''})`, rng, pins);
      dnsHops = journey.hops;
      answeredBy = journey.answeredBy;
    }
    dns = {
      resolvConf: resolution.resolvConf.text,
      queries: resolution.queries,
      server,
      answeredBy,
      nslookup: cachedNslookup(cluster, client, host),
      answers: resolution.answers,
      journeyQuery,
      hops: dnsHops,
    };
    if (resolution.answer === null) {
      const nx = resolution.queries.filter((q) => q.rcode === 'NXDOMAIN' && q.type === 'A').length;
      return ok({
        request: { from: `${client.namespace}/${client.name}`, to: request.to, proto },
        scenario: null, target: null, endpoint: null, dns, hops: [],
        verdict: 'rejected', outcome: 'nxdomain',
        reason: `"${host}" does not resolve: every name the resolver tried got NXDOMAIN (${nx} A queries). curl prints "Could not resolve host: ${host}".`,
        assumptions,
        proxyMode: cluster.proxy.mode,
      });
    }
    targetIP = resolution.answer;
    if (resolution.answers.length > 1) {
      assumptions.push(`${resolution.answeredName ?? host} has ${resolution.answers.length} A records (${resolution.answers.join(', ')}): a headless Service's pod IPs. The client connects to the first one; CoreDNS and the resolver may order them differently on each lookup.`);
    }
    if (options.dnsOnly) {
      const last = dnsHops.at(-1);
      const delivered = last?.step === 'deliver' && last.direction === 'reply';
      return ok({
        request: { from: `${client.namespace}/${client.name}`, to: `${server}:53`, proto: 'UDP' },
        scenario: null,
        target: server === null ? null : `${server}:53`,
        endpoint: dnsHops.find((h) => h.rewrite?.kind === 'DNAT')?.rewrite?.to ?? null,
        dns,
        hops: dnsHops,
        verdict: delivered ? 'delivered' : 'dropped',
        outcome: delivered ? 'delivered' : 'dropped',
        reason: delivered ? null : 'the DNS query did not come back',
        assumptions,
        proxyMode: cluster.proxy.mode,
      });
    }
  }

  // 2. The destination port and the Service behind it.
  const servicePort = defaultPort(cluster, targetIP, proto);
  const port = explicitPort ?? servicePort ?? 80;
  const sp = findServicePort(cluster, targetIP, port, proto);
  if (options.endpoint !== undefined) {
    if (sp === null) return fail('endpoint', `--endpoint applies to a Service, and ${hostPort(targetIP, port)}/${proto} is not a Service port`);
    const chosen = sp.endpoints.find((e) => e.ip === options.endpoint || e.key === options.endpoint);
    if (chosen === undefined) {
      const list = sp.endpoints.map((e) => e.key).join(', ') || 'none';
      return fail('endpoint', `${options.endpoint} is not an endpoint of ${sp.spn} (endpoints: ${list})`);
    }
    pinEndpoint(pins, sp, chosen.key);
  } else if (sp !== null && rng === null) {
    const key = instructiveEndpoint(sp, client);
    if (key !== null && sp.endpoints.length > 1) {
      pinEndpoint(pins, sp, key);
      assumptions.push(cluster.proxy.mode === 'ipvs'
        ? `No --seed: the trace shows ${key}, the endpoint on another node, so the whole ${cluster.network.cni === 'flannel-host-gw' || cluster.network.cni === 'calico-bgp' ? 'node-to-node' : 'overlay'} path is visible. IPVS's rr scheduler hands connections to the real servers in turn, starting from the order kube-proxy added them in; --seed N draws that start.`
        : `No --seed: the trace shows ${key}, the endpoint on another node, so the whole ${cluster.network.cni === 'flannel-host-gw' || cluster.network.cni === 'calico-bgp' ? 'node-to-node' : 'overlay'} path is visible. kube-proxy really draws at random per connection; --seed N draws the same way.`);
    }
  }

  // 3. The request and the reply.
  const sport = ephemeralPort(rng, DEFAULT_CLIENT_PORT);
  const dp = new Datapath(cluster, { chooser: makeChooser(pins, rng), ipvsChooser: makeIpvsChooser(pins, rng), randomPort: () => masqueradePort(rng, 40001) });
  if (options.staleEntryTo !== undefined) {
    const stale = seedStaleEntry(cluster, dp, client, targetIP, port, sport, proto, options.staleEntryTo);
    if (stale !== null) return fail('endpoint', stale);
    assumptions.push(`${client.name} sends every datagram from one long-lived UDP socket (${hostPort(client.ip!, sport)}). Its earlier datagrams went to ${options.staleEntryTo}, so ${client.nodeName}'s conntrack still holds that flow, DNATed to ${options.staleEntryTo}; the pod behind it has been deleted since, and kube-proxy has not yet run its conntrack cleanup.`);
  }
  const sender = podSender(dp, client);
  const earlier: EarlierConnection[] = [];
  if (options.secondConnection) {
    const first = connect(dp, sender, targetIP, port, sport, proto, null, cluster.network.brNetfilter, options.responseBytes);
    const hops1 = dp.nextConnection();
    earlier.push({ from: hostPort(client.ip!, sport), target: hostPort(targetIP, port), endpoint: hops1.find((h) => h.rewrite?.kind === 'DNAT')?.rewrite?.to ?? null, verdict: verdictOf(first).verdict, hops: hops1 });
  }
  const sport2 = options.secondConnection ? nextPort(sport) : sport;
  const result = connect(dp, sender, targetIP, port, sport2, proto, null, cluster.network.brNetfilter, options.responseBytes);
  const hops = dp.hops;
  const dnat = hops.find((h) => h.rewrite?.kind === 'DNAT');
  const verdict = verdictOf(result);
  if (options.staleEntryTo !== undefined && verdict.verdict === 'dropped') {
    verdict.reason = `${verdict.reason}. The datagram matched the conntrack entry left by this socket's earlier datagrams, so ${client.nodeName} applied that entry's DNAT to ${options.staleEntryTo} without consulting kube-proxy's rules, which no longer list it. The app gets no error, only silence (a resolver times out after 5 s and retries from the same socket). Every datagram refreshes the entry (UDP conntrack timeout 30 s, 120 s once replies were seen), so this lasts until kube-proxy deletes it: after each sync its CleanStaleEntries (pkg/proxy/conntrack/cleanup.go, over netlink) removes UDP entries whose original destination is a Service IP:port and whose reply source is no longer a serving endpoint, like "conntrack -D -p udp --orig-dst ${targetIP} --reply-src ${splitHostPort(options.staleEntryTo).ip}". The failure is seen in the window before that sync, or for good when the cleanup cannot run (kube-proxy down, or an old kube-proxy without the conntrack binary). A new socket (new source port) makes a NEW entry and reaches a live endpoint.`;
  }
  return ok({
    request: { from: `${client.namespace}/${client.name}`, to: request.to, proto },
    scenario: null,
    target: hostPort(targetIP, port),
    endpoint: dnat?.rewrite?.to ?? null,
    dns,
    hops,
    ...verdict,
    assumptions,
    proxyMode: cluster.proxy.mode,
    ...(earlier.length > 0 ? { earlier } : {}),
  });
}

/**
 * The next connection's source port. Linux's connect() prefers ports of one parity and walks them
 * from a per-destination offset (RFC 6056 algorithm 3, __inet_hash_connect); since 5.19 it also adds
 * a small random even step, so "+2" is the model's simplification: the next even-parity port.
 */
function nextPort(port: number): number {
  return port + 2 > 60999 ? 32768 + (port % 2) : port + 2;
}

/** The entry the client's earlier datagrams left on its node (and the plain one on the endpoint's node). */
function seedStaleEntry(cluster: ClusterModel, dp: Datapath, client: PodModel, ip: string, port: number, sport: number, proto: Protocol, endpoint: string): string | null {
  if (proto !== 'UDP') return 'a stale conntrack entry is modelled for UDP only (TCP ends with FIN/RST, or times out)';
  const ep = splitHostPort(endpoint);
  if (!isIPv4(ep.ip) || ep.port === null) return `stale entry endpoint "${endpoint}": expected IP:PORT`;
  const orig = { src: client.ip!, sport, dst: ip, dport: port };
  const reply = { src: ep.ip, sport: ep.port, dst: client.ip!, dport: sport };
  dp.seedConntrack(client.nodeName, { ...newEntry('udp', orig), reply, dstNat: true, seenReply: true, confirmed: true });
  const epNode = nodeOfPodAddress(cluster, ep.ip);
  if (epNode !== null && epNode.name !== client.nodeName) {
    const fwd = { src: client.ip!, sport, dst: ep.ip, dport: ep.port };
    dp.seedConntrack(epNode.name, { ...newEntry('udp', fwd), seenReply: true, confirmed: true });
    // The earlier datagrams crossed the overlay with the same inner flow, so (Flannel VXLAN) their
    // outer flow is tracked on both nodes too: the next datagram's outer packet is not its first.
    dp.seedOuterFlow(client.nodeName, epNode.name, { ...fwd, proto });
  }
  return null;
}

/**
 * A client that is not a pod in its own network namespace: a host process (node/NAME or a
 * hostNetwork pod) or an outside host. Neither uses cluster DNS, so the destination is an address.
 */
function simulateOutside(cluster: ClusterModel, client: Exclude<Client, { kind: 'pod' }>, request: TraceRequest, options: TraceOptions, proto: Protocol): SimulationResult {
  const rng = options.seed === undefined ? null : seededRng(options.seed);
  const pins: Pins = new Map();
  const assumptions: string[] = [...cluster.assumptions];
  const { ip: targetIP, port: explicitPort } = splitHostPort(request.to);
  if (!isIPv4(targetIP)) {
    return fail('to', client.kind === 'external'
      ? `an outside client does not use the cluster's DNS: give --to NODE_IP:NODEPORT (e.g. ${cluster.nodes[0]?.internalIP ?? '192.168.1.11'}:${firstNodePort(cluster) ?? 30080})`
      : `${client.label} resolves names with its node's /etc/resolv.conf, not CoreDNS (a hostNetwork pod needs dnsPolicy: ClusterFirstWithHostNet for that): give --to a ClusterIP[:PORT] or a pod IP:PORT`);
  }
  if (explicitPort !== null && !(Number.isInteger(explicitPort) && explicitPort >= 1 && explicitPort <= 65535)) {
    return fail('to', `"${request.to}": the port must be a number from 1 to 65535`);
  }
  const targetNode = cluster.nodes.find((n) => n.internalIP === targetIP) ?? null;
  if (targetNode !== null && explicitPort === null) return fail('to', `${targetIP} is ${targetNode.name}'s address: give the port too, e.g. ${targetIP}:${firstNodePort(cluster) ?? 30080} for a NodePort`);
  if (client.kind === 'external' && targetNode === null) {
    return fail('to', `an outside client reaches the cluster through a node's address: ${targetIP} is not a node's InternalIP (ClusterIPs and pod IPs are not routed on the node network); use NODE_IP:NODEPORT`);
  }
  const port = explicitPort ?? defaultPort(cluster, targetIP, proto) ?? 80;
  const sp = findServicePort(cluster, targetIP, port, proto) ?? (targetNode !== null ? findNodePort(cluster, port, proto) : null);
  if (options.endpoint !== undefined) {
    if (sp === null) return fail('endpoint', `--endpoint applies to a Service, and ${hostPort(targetIP, port)}/${proto} is not a Service port`);
    const chosen = sp.endpoints.find((e) => e.ip === options.endpoint || e.key === options.endpoint);
    if (chosen === undefined) return fail('endpoint', `${options.endpoint} is not an endpoint of ${sp.spn} (endpoints: ${sp.endpoints.map((e) => e.key).join(', ') || 'none'})`);
    pinEndpoint(pins, sp, chosen.key);
  } else if (sp !== null && rng === null) {
    const near = client.kind === 'external' ? { nodeName: targetNode!.name } : { nodeName: client.nodeName };
    const key = instructiveEndpoint(sp, near);
    if (key !== null && sp.endpoints.length > 1) {
      pinEndpoint(pins, sp, key);
      assumptions.push(`No --seed: the trace shows ${key}, an endpoint on another node, so the whole path is visible. kube-proxy really draws at random per connection; --seed N draws the same way.`);
    }
  }
  const sport = ephemeralPort(rng, DEFAULT_CLIENT_PORT);
  const dp = new Datapath(cluster, { chooser: makeChooser(pins, rng), ipvsChooser: makeIpvsChooser(pins, rng), randomPort: () => masqueradePort(rng, 40001) });
  let sender: Sender;
  if (client.kind === 'external') {
    assumptions.push(`The outside client ${client.host.ip} is a machine on the nodes' own network (${nodeSubnet(targetNode!)}), so it reaches ${targetNode!.name} without a router; a client further away would arrive through the gateway the same way.`);
    sender = { ip: client.host.ip, name: client.host.ip, send: (p, action) => dp.sendFromExternal(client.host, targetNode!, p, action) };
  } else {
    const node = client.node;
    const route = lookupRoute(nodeRoutes(cluster, node), targetIP);
    // The source address of an unbound socket: the output device's address for the first route lookup (before any DNAT).
    const src = route === null ? node.internalIP : deviceAddress(cluster, node, route.dev);
    const who = client.pod ? `${client.pod.name} (hostNetwork: true, so in ${node.name}'s own network namespace)` : `A process on ${node.name} (the node's own network namespace, like a hostNetwork pod)`;
    sender = { ip: src, name: client.pod?.name ?? node.name, send: (p, action) => dp.sendFromHost(node, p, action.replace(/^\S+'s app/, `${who}`)) };
  }
  const result = connect(dp, sender, targetIP, port, sport, proto, null, cluster.network.brNetfilter, options.responseBytes);
  const hops = dp.hops;
  const dnat = hops.find((h) => h.rewrite?.kind === 'DNAT');
  return ok({
    request: { from: client.label, to: request.to, proto },
    scenario: null,
    target: hostPort(targetIP, port),
    endpoint: dnat?.rewrite?.to ?? null,
    dns: null,
    hops,
    ...verdictOf(result),
    assumptions,
    proxyMode: cluster.proxy.mode,
  });
}

function firstNodePort(cluster: ClusterModel): number | null {
  for (const s of cluster.services) for (const p of s.ports) if (p.nodePort) return p.nodePort;
  return null;
}

/** The Service port behind a nodePort (any node address). */
function findNodePort(cluster: ClusterModel, nodePort: number, proto: Protocol): ProxyServicePort | null {
  for (const s of cluster.services) {
    if (s.type !== 'NodePort' && s.type !== 'LoadBalancer') continue;
    const p = s.ports.find((x) => x.nodePort === nodePort && x.protocol === proto);
    if (p) return findServicePort(cluster, s.clusterIP, p.port, proto);
  }
  return null;
}

interface ConnectResult {
  readonly request: DeliveryOutcome;
  readonly reply: DeliveryOutcome | null;
}

interface Sender {
  readonly ip: string;
  readonly name: string;
  send(packet: Packet, action: string): DeliveryOutcome;
}

function podSender(dp: Datapath, pod: PodModel): Sender {
  return { ip: pod.ip!, name: pod.name, send: (p, action) => dp.sendFromPod(pod, p, action) };
}

/** Sends the first packet, and when it arrives, the server's first answer (and, with responseBytes, a full-size data segment after it). */
function connect(dp: Datapath, client: Sender, ip: string, port: number, sport: number, proto: Protocol, payload: string | null, brNetfilter: boolean, responseBytes?: number): ConnectResult {
  const packet: Packet = {
    proto, src: client.ip, sport, dst: ip, dport: port, ttl: 64, srcMac: '', dstMac: '', flags: packetFlags(proto, 'request'), outer: null, mark: 0, payload,
  };
  dp.setDirection('request');
  dp.expectation = LISTENING_SOCKET;
  const what = proto === 'UDP' ? `sends a UDP datagram` : `calls connect(): the kernel sends a SYN`;
  const request = client.send(packet, `${client.name}'s app ${what} from ${hostPort(packet.src, sport)} to ${hostPort(ip, port)}.`);
  if (request.kind !== 'delivered') return { request, reply: null };

  const seen = request.packet;
  const answer: Packet = {
    proto, src: seen.dst, sport: seen.dport, dst: seen.src, dport: seen.sport, ttl: 64, srcMac: '', dstMac: '', flags: packetFlags(proto, 'reply'), outer: null, mark: 0, payload: null,
  };
  dp.setDirection('reply');
  dp.expectation = { kind: 'answer', client: client.name, ip, port, brNetfilter };

  const how = `${proto === 'UDP' ? 'with a UDP datagram' : 'with a SYN-ACK'} to ${hostPort(seen.src, seen.sport)}, the source it saw.`;
  const reply = request.pod !== null
    ? dp.sendFromPod(request.pod, answer, `${request.pod.name} answers ${how}`)
    : dp.sendFromHost(request.host!, answer, `The process on ${request.host!.name} answers ${how}`);
  if (responseBytes === undefined || reply.kind !== 'delivered' || request.pod === null || proto !== 'TCP') return { request, reply };
  // The handshake is done (the client's ACK and its small request get through like the SYN did);
  // the server's response fills a whole segment: MSS = its eth0 MTU - 40.
  const data: Packet = { ...answer, src: seen.dst, sport: seen.dport, dst: seen.src, dport: seen.sport, ttl: 64, srcMac: '', dstMac: '', flags: 'P.', outer: null, mark: 0, payload: null, length: responseBytes, df: true };
  const response = dp.sendFromPod(request.pod, data, `After the handshake and the client's small request, ${request.pod.name} sends its response: a full-size TCP segment of ${responseBytes} bytes (MSS ${responseBytes - 40} + 40 bytes of headers), with DF set (Linux TCP sockets do path MTU discovery: IP_PMTUDISC_WANT).`);
  return { request, reply: response };
}

function verdictOf(r: ConnectResult): { verdict: Verdict; outcome: Outcome; reason: string | null } {
  const last = r.reply ?? r.request;
  if (r.request.kind !== 'delivered') return fromOutcome(r.request);
  if (last.kind === 'delivered') return { verdict: 'delivered', outcome: 'delivered', reason: null };
  return fromOutcome(last);
}

function fromOutcome(o: DeliveryOutcome): { verdict: Verdict; outcome: Outcome; reason: string | null } {
  switch (o.kind) {
    case 'delivered':
      return { verdict: 'delivered', outcome: 'delivered', reason: null };
    case 'rejected':
      return { verdict: 'rejected', outcome: 'rejected', reason: o.reason };
    case 'reset':
      return { verdict: 'rejected', outcome: 'reset', reason: o.reason };
    case 'dropped':
      return { verdict: 'dropped', outcome: 'dropped', reason: o.reason };
  }
}

function defaultPort(cluster: ClusterModel, ip: string, proto: Protocol): number | null {
  const svc = serviceWithClusterIP(cluster, ip);
  const p = svc?.ports.find((x) => x.protocol === proto);
  if (p) return p.port;
  const pod = anyPodWithIP(cluster, ip);
  return pod?.containerPorts.find((c) => c.protocol === proto)?.port ?? null;
}

/** The answering DNS query's own trip: UDP to the kube-dns ClusterIP, DNATed to a CoreDNS pod. */
function dnsJourney(cluster: ClusterModel, client: PodModel, server: string, sport: number, question: string, rng: Rng | null, pins: Pins): { hops: readonly Hop[]; answeredBy: string | null } {
  const sp: ProxyServicePort | null = findServicePort(cluster, server, 53, 'UDP');
  if (sp === null) return { hops: [], answeredBy: null };
  if (rng === null) {
    const key = instructiveEndpoint(sp, client);
    if (key !== null) pinEndpoint(pins, sp, key);
  }
  const dp = new Datapath(cluster, { chooser: makeChooser(pins, rng), ipvsChooser: makeIpvsChooser(pins, rng), randomPort: () => masqueradePort(rng, 40002) });
  const r = connect(dp, podSender(dp, client), server, 53, sport, 'UDP', `The DNS question: ${question}`, cluster.network.brNetfilter);
  const answeredBy = r.request.kind === 'delivered' && r.request.pod !== null ? `${r.request.pod.namespace}/${r.request.pod.name}` : null;
  return { hops: dp.hops, answeredBy };
}

// DNS answers depend only on the (immutable) cluster, the client and the name, never on the seed.
const resolutionsOf = memoByObject((_: ClusterModel) => new Map<string, ReturnType<typeof resolveName>>());
const nslookupsOf = memoByObject((_: ClusterModel) => new Map<string, string | null>());

function cachedResolution(cluster: ClusterModel, client: PodModel, name: string, flavour: 'glibc' | 'musl'): ReturnType<typeof resolveName> {
  const cache = resolutionsOf(cluster);
  const key = `${client.namespace}/${client.name}|${flavour}|${name}`;
  let r = cache.get(key);
  if (r === undefined) {
    r = resolveName(cluster, client, name, flavour);
    if (cache.size > 1000) cache.clear();
    cache.set(key, r);
  }
  return r;
}

function cachedNslookup(cluster: ClusterModel, client: PodModel, name: string): string | null {
  const cache = nslookupsOf(cluster);
  const key = `${client.namespace}/${client.name}|${name}`;
  if (!cache.has(key)) {
    if (cache.size > 1000) cache.clear();
    cache.set(key, podNslookup(cluster, client, name, 'dnsutils'));
  }
  return cache.get(key) ?? null;
}

function ok(trace: Trace): SimulationResult {
  return { ok: true, trace };
}

function fail(field: SimulationError['field'], message: string): SimulationResult {
  return { ok: false, error: { field, message } };
}

