// simulate(cluster, request, options) -> Trace: DNS first, then the request hop by hop, then the reply.

import type { ClusterModel, PodModel, Protocol } from './cluster/model.js';
import { podNslookup, resolveName } from './dns/index.js';
import { makeChooser, makeIpvsChooser, instructiveEndpoint, pinEndpoint, type Pins } from './endpoint-choice.js';
import { findServicePort } from './proxy/service-ports.js';
import { Datapath, packetFlags, type DeliveryOutcome, type Packet } from './kernel/datapath.js';
import { hostPort, isIPv4, splitHostPort } from './net/ipv4.js';
import type { ProxyServicePort } from './proxy/service-ports.js';
import { memoByObject } from './memo.js';
import { seededRng, type Rng } from './random.js';
import type { TraceOptions, TraceRequest } from './request.js';
import type { DnsSection, Hop, Outcome, Trace, Verdict } from './trace-model.js';

export interface SimulationError {
  readonly field: 'from' | 'to' | 'endpoint' | 'proto';
  readonly message: string;
}

export type SimulationResult = { readonly ok: true; readonly trace: Trace } | { readonly ok: false; readonly error: SimulationError };

/** The client port a fresh connection gets when no seed is given (the reference scenario's). */
export const DEFAULT_CLIENT_PORT = 43512;
export const DEFAULT_DNS_CLIENT_PORT = 51234;

export function findPod(cluster: ClusterModel, ref: string): PodModel | null {
  const [ns, name] = ref.includes('/') ? ref.split('/', 2) : ['default', ref];
  return cluster.pods.find((p) => p.namespace === ns && p.name === name) ?? null;
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
  const client = findPod(cluster, request.from);
  if (client === null) return fail('from', `no pod "${request.from}" in ${cluster.source} (use NAME for namespace default, or NAMESPACE/NAME)`);
  if (client.ip === null) return fail('from', `pod ${client.namespace}/${client.name} has no IP yet (status.podIP is empty), so it cannot send`);
  if (client.hostNetwork) return fail('from', `pod ${client.namespace}/${client.name} uses the host network; host-network clients are not simulated yet`);

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
      });
    }
    targetIP = resolution.answer;
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
  const result = connect(dp, client, targetIP, port, sport, proto, null, cluster.network.brNetfilter);
  const hops = dp.hops;
  const dnat = hops.find((h) => h.rewrite?.kind === 'DNAT');
  return ok({
    request: { from: `${client.namespace}/${client.name}`, to: request.to, proto },
    scenario: null,
    target: hostPort(targetIP, port),
    endpoint: dnat?.rewrite?.to ?? null,
    dns,
    hops,
    ...verdictOf(result),
    assumptions,
  });
}

interface ConnectResult {
  readonly request: DeliveryOutcome;
  readonly reply: DeliveryOutcome | null;
}

/** Sends the first packet, and when it arrives, the server's first answer. */
function connect(dp: Datapath, client: PodModel, ip: string, port: number, sport: number, proto: Protocol, payload: string | null, brNetfilter: boolean): ConnectResult {
  const packet: Packet = {
    proto, src: client.ip!, sport, dst: ip, dport: port, ttl: 64, srcMac: client.mac, dstMac: '', flags: packetFlags(proto, 'request'), outer: null, mark: 0, payload,
  };
  dp.setDirection('request');
  dp.expectation = (p) => listeningProblem(p, dp);
  const what = proto === 'UDP' ? `sends a UDP datagram` : `calls connect(): the kernel sends a SYN`;
  const request = dp.sendFromPod(client, packet, `${client.name}'s app ${what} from ${hostPort(packet.src, sport)} to ${hostPort(ip, port)}.`);
  if (request.kind !== 'delivered') return { request, reply: null };

  const seen = request.packet;
  const answer: Packet = {
    proto, src: seen.dst, sport: seen.dport, dst: seen.src, dport: seen.sport, ttl: 64, srcMac: '', dstMac: '', flags: packetFlags(proto, 'reply'), outer: null, mark: 0, payload: null,
  };
  dp.setDirection('reply');
  dp.expectation = (p) => {
    if (p.src === ip && p.sport === port) return null;
    const replyHops = dp.hops.filter((h) => h.direction === 'reply');
    const bridgedUnseen = !brNetfilter && !replyHops.some((h) => h.step === 'route' || h.step === 'un-dnat');
    const why = bridgedUnseen
      ? ` The reply was bridged pod to pod on cni0, and with br_netfilter off (bridge-nf-call-iptables=0) bridged frames never reach conntrack, so nothing un-DNATed it (the symptom captured in kubernetes/kubernetes#122174: a SYN-ACK from the pod IP, answered with a RST).`
      : '';
    return `${client.name}'s socket is connected to ${hostPort(ip, port)}, but this answer comes from ${hostPort(p.src, p.sport)}: no socket matches, so the kernel answers with a RST and the connection fails.${why}`;
  };
  const how = `${proto === 'UDP' ? 'with a UDP datagram' : 'with a SYN-ACK'} to ${hostPort(seen.src, seen.sport)}, the source it saw.`;
  const reply = request.pod !== null
    ? dp.sendFromPod(request.pod, answer, `${request.pod.name} answers ${how}`)
    : dp.sendFromHost(request.host!, answer, `The process on ${request.host!.name} answers ${how}`);
  return { request, reply };
}

function listeningProblem(p: Packet, dp: Datapath): string | null {
  const pod = dp.podByIP(p.dst);
  if (pod === null || pod.containerPorts.length === 0) return null;
  if (pod.containerPorts.some((c) => c.port === p.dport && c.protocol === p.proto)) return null;
  const ports = pod.containerPorts.map((c) => `${c.port}/${c.protocol}`).join(', ');
  return `Nothing in ${pod.name} listens on ${p.dport}/${p.proto} (its containers declare ${ports}): the kernel answers with a RST, so the client sees "Connection refused".`;
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
  const svc = cluster.services.find((s) => s.clusterIP === ip);
  const p = svc?.ports.find((x) => x.protocol === proto);
  if (p) return p.port;
  const pod = cluster.pods.find((x) => x.ip === ip);
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
  const r = connect(dp, client, server, 53, sport, 'UDP', `The DNS question: ${question}`, cluster.network.brNetfilter);
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

