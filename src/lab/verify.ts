// `lab verify`: runs each scenario for real in the lab and records what the kernel did.
//
// Pinning the endpoint. kube-proxy's KUBE-SVC chain picks an endpoint with `-m statistic --mode
// random`, a real random draw per new connection. The simulator is told which endpoint to show
// (the scenario's `endpoint` option); the lab then RETRIES the connection, each time from a fresh
// client port with counters zeroed and conntrack emptied, until the kernel's own draw lands on that
// endpoint, counting attempts, bounded so that a correct rule set fails to get there with
// probability below 1e-6 (20 attempts for two endpoints). We do not load a rule set with the other
// endpoints' statistic rules removed: the rules in the kernel stay exactly what
// `kube-packet-tour rules` prints, so the probability rules themselves are under test.
//
// One packet each way. The simulator follows the first packet (SYN, or the DNS query) and the
// first answer (SYN-ACK, the DNS reply). So that the counters and conntrack show exactly those, the
// client pods drop their own TCP packets without SYN from the lab's client ports (in the pod's
// OUTPUT chain, never in a node's), and servers do not retransmit SYN-ACKs (tcp_synack_retries=0 in
// the pods): the connection stops at SYN_RECV, as the simulator's last conntrack line says.

import type { ClusterModel } from '../core/cluster/model.js';
import { CALICO_VXLAN_PORT, isCalico } from '../core/cni/calico/names.js';
import { splitHostPort } from '../core/net/ipv4.js';
import { findServicePort } from '../core/proxy/service-ports.js';
import type { Hop, Trace } from '../core/trace-model.js';
import { simulate } from '../core/trace.js';
import type { AgentReply } from './agent.js';
import { frameInFlow, orderDnsLog, type ClientResult, type DnsLogEntry, type Observation } from './compare.js';
import { inNs, run } from './exec.js';
import { parseConntrackList, parseSaveCounters, type Tuple } from './kernel-text.js';
import type { Lab } from './lab.js';
import { describeFrame, type CapturedFrame } from './pcap.js';
import type { PodPlan } from './plan.js';
import type { LabScenario } from './scenarios.js';

export const TCP_CLIENT_PORTS: readonly [number, number] = [43512, 44999];
/** How long a client waits for a SYN the simulator says is dropped: less than the 1 s initial RTO. */
export const DROP_WAIT_MS = 800;
export const UDP_CLIENT_PORTS: readonly [number, number] = [51234, 52999];
/** The chance that a correct rule set never picks the pinned endpoint in maxAttempts tries. */
const MISS_PROBABILITY = 1e-6;

export function maxAttempts(endpoints: number): number {
  if (endpoints <= 1) return 1;
  return Math.ceil(Math.log(MISS_PROBABILITY) / Math.log(1 - 1 / endpoints));
}

export interface ScenarioRun {
  readonly scenario: LabScenario;
  readonly trace: Trace;
  /** Frames not yet attached: the captures are read once, after every scenario ran. */
  readonly observation: Omit<Observation, 'frames'>;
  readonly tuples: readonly Tuple[];
  readonly ms: number;
  /**
   * Only the frames captured in this window count (µs since the epoch, as pcap stamps them): the
   * flow's earlier packets are in the captures too (stale-udp-conntrack's earlier datagrams).
   */
  readonly window?: { readonly since: number; readonly until: number };
  /** The cluster the packets met, when the lab changed the built one halfway (stale-udp-conntrack). */
  readonly cluster?: ClusterModel;
  /** vxlan-mtu: the whole exchange after the handshake, on a connection of its own (its frames attached like the main ones). */
  readonly data?: { readonly observation: Omit<Observation, 'frames'>; readonly tuples: readonly Tuple[]; readonly window: { readonly since: number; readonly until: number } };
}

/** Microseconds since the epoch, the clock pcap stamps frames with. */
export function nowMicros(): number {
  return Date.now() * 1000;
}

class Ports {
  private tcp = TCP_CLIENT_PORTS[0];
  private udp = UDP_CLIENT_PORTS[0];
  next(proto: 'TCP' | 'UDP'): number {
    return proto === 'TCP' ? this.tcp++ : this.udp++;
  }
}

/** Prepares the pods for one-packet-each-way connections (see the top of this file). */
export async function prepareClients(lab: Lab): Promise<void> {
  const [lo, hi] = TCP_CLIENT_PORTS;
  const drop = `-p tcp --sport ${lo}:${hi} --tcp-flags SYN NONE -j DROP`;
  await Promise.all([
    ...lab.plan.pods.map((p) => run(inNs(p.ns, ['sh', '-c', `echo 0 > /proc/sys/net/ipv4/tcp_synack_retries && iptables -A OUTPUT ${drop}`]))),
    ...(lab.plan.external ? [run(inNs(lab.plan.external.ns, ['sh', '-c', `iptables -A OUTPUT ${drop}`]))] : []),
    // A host-network client shares its node's tables: its drop goes in table raw (OUTPUT, before
    // conntrack and every nat/filter chain), whose counters the comparison leaves out, so the
    // filter and nat counters still count only the SYN and the SYN-ACK.
    ...lab.plan.nodes.filter((n) => lab.hostClients.includes(n.node.name)).map((n) => run(inNs(n.ns, ['sh', '-c', `iptables -t raw -A OUTPUT ${drop}`]))),
  ]);
}

export function simulateScenario(cluster: ClusterModel, s: LabScenario): Trace {
  const r = simulate(cluster, s.request, s.options);
  if (!r.ok) throw new Error(`the simulator cannot run ${s.name}: ${r.error.message}`);
  return r.trace;
}

function dnsAgents(lab: Lab): { pod: PodPlan; mark: number }[] {
  return lab.plan.pods.filter((p) => p.dnsServer).map((p) => ({ pod: p, mark: lab.agentIn(p.ns).events.length }));
}

function collectDns(lab: Lab, marks: { pod: PodPlan; mark: number }[]): DnsLogEntry[] {
  const all: (DnsLogEntry & { t: bigint })[] = [];
  for (const { pod, mark } of marks) {
    for (const ev of lab.agentIn(pod.ns).events.slice(mark)) {
      if (ev.ev !== 'dns') continue;
      all.push({ server: pod.pod.name, remote: ev.remote, name: ev.name, type: ev.type, rcode: ev.rcode, t: BigInt(ev.t) });
    }
  }
  return orderDnsLog(all);
}

/** What the agent's client call reported, as the comparison reads it. */
export function clientResult(r: AgentReply): ClientResult {
  return {
    ok: r.ok,
    code: r.ok ? null : r.code ?? 'ERROR',
    remote: r.remote ?? r.from ?? null,
    answers: r.answers ?? (r.addresses ? r.addresses.filter((a) => a.family === 4).map((a) => a.address) : []),
    rcode: r.rcode ?? null,
  };
}

/**
 * The input device of a route hop: where the packet entered the node before this lookup. Flannel:
 * cni0 (a bridge port's frame is received by the bridge) or flannel.1; Calico: the pod's cali veth
 * (routed, no bridge) or vxlan.calico; host-gw and Calico BGP: eth0, from the wire.
 */
export function routeIif(hops: readonly Hop[], i: number): string | null {
  const node = hops[i]!.node;
  for (let j = i - 1; j >= 0; j--) {
    const h = hops[j]!;
    // From the wire, or from the outside client (on no node: its frame arrives on the node's eth0).
    if (h.node !== node) return h.step === 'wire' || h.node === null ? 'eth0' : null;
    if (h.step === 'bridge-in') return 'cni0';
    if (h.step === 'decap') return h.device;
    if (h.step === 'veth' && h.netns === node) return h.device;
    if (h.netns !== node) return null;
  }
  return null;
}

export async function runScenario(lab: Lab, s: LabScenario, trace: Trace, ports: Ports): Promise<ScenarioRun> {
  const started = Date.now();
  const client = lab.clientFor(trace.request.from, trace.target);
  if (client === null) throw new Error(`${s.name}: the client ${trace.request.from} is not in the lab`);
  const agent = lab.agentIn(client.ns);
  const proto = trace.request.proto === 'UDP' || s.options.dnsOnly ? 'UDP' : 'TCP';

  // 1. The resolver's walk, when the scenario starts from a name.
  let dnsLog: DnsLogEntry[] | null = null;
  let lookup: ClientResult | null = null;
  const host = splitHostPort(s.request.to).ip;
  if (trace.dns !== null) {
    const marks = dnsAgents(lab);
    lookup = clientResult(await agent.request({ op: 'lookup', name: host }));
    dnsLog = collectDns(lab, marks);
  }

  // 2. The connection (or the one DNS query), until the kernel picks the pinned endpoint.
  let targetIP: string | null = null;
  let targetPort: number | null = null;
  if (s.options.dnsOnly && trace.dns?.server) {
    targetIP = trace.dns.server;
    targetPort = 53;
  } else if (trace.target !== null) {
    const t = splitHostPort(trace.target);
    targetIP = lookup?.ok && lookup.answers[0] ? lookup.answers[0] : t.ip;
    targetPort = t.port;
  }
  const pinned = trace.endpoint;
  const sp = targetIP !== null && targetPort !== null ? findServicePort(lab.cluster, targetIP, targetPort, proto) : null;
  const limit = pinned !== null && sp !== null ? maxAttempts(sp.endpoints.length) : 1;
  let attempts = 0;
  let port = 0;
  let result: ClientResult = lookup ?? { ok: false, code: 'ENOTFOUND', remote: null, answers: [], rcode: null };
  let conntrack: Record<string, string> = {};
  const clientNode = client.node;
  if (targetIP !== null && targetPort !== null) {
    const question = trace.dns?.queries.at(-1);
    // The simulator follows one SYN; when it says the SYN is dropped, the client gives up before its
    // first retransmission (the initial RTO is 1 s), so the counters count that one SYN only.
    const dropped = trace.outcome === 'dropped' && proto === 'TCP';
    const once = async (localPort: number): Promise<AgentReply> =>
      s.options.dnsOnly
        ? agent.request({ op: 'dns', server: targetIP, port: targetPort, localPort, name: question?.name ?? host, type: question?.type ?? 'A' })
        : agent.request({ op: 'connect', host: targetIP, port: targetPort, localPort, ...(dropped ? { timeoutMs: DROP_WAIT_MS } : {}) });
    while (attempts < limit) {
      attempts++;
      port = ports.next(proto);
      await lab.resetNodes();
      result = clientResult(await once(port));
      conntrack = await lab.conntrack();
      if (pinned !== null) {
        const entry = parseConntrackList(conntrack[clientNode ?? ''] ?? '').find((e) => e.orig.src === client.ip && e.orig.sport === port);
        let chosen = entry ? `${entry.reply.src}:${entry.reply.sport}` : null;
        if (chosen === null && dropped) {
          // A SYN dropped in FORWARD on the client's own node never confirms its conntrack entry, so
          // `conntrack -L` cannot say where it was DNATed: the DNAT rule that counted it can.
          const save = (await run(inNs(lab.nodeNs(clientNode ?? ''), ['iptables-save', '-c', '-t', 'nat']), { allowFail: true })).stdout;
          const dnat = parseSaveCounters(save).find((c) => c.packets > 0 && /-j DNAT --to-destination \S+/.test(c.text));
          chosen = dnat ? /--to-destination (\S+)/.exec(dnat.text)![1]! : null;
        }
        if (chosen !== pinned && chosen !== null) continue;
      }
      if (s.options.secondConnection) {
        // sessionAffinity: the trace follows the second connection, from a new port, with the first
        // one's conntrack entry and -m recent entry left in place; only the counters start again.
        await lab.zeroCounters();
        port = ports.next(proto);
        result = clientResult(await once(port));
        conntrack = await lab.conntrack();
      }
      break;
    }
  }
  const counters = attempts > 0 ? await lab.counters() : {};

  // 3. Route lookups for the route hops, inside their nodes.
  const routes = await routeLookups(lab, trace);

  // 4. The flow's tuples, to pick its frames out of the captures.
  const tuples: Tuple[] = targetIP !== null && targetPort !== null && attempts > 0 ? flowTuples({ src: client.ip, sport: port, dst: targetIP, dport: targetPort }, conntrack) : [];

  return {
    scenario: s,
    trace,
    tuples,
    ms: Date.now() - started,
    observation: {
      scenario: s.name,
      clientPort: port,
      attempts,
      maxAttempts: limit,
      client: result,
      conntrack,
      counters,
      routes,
      dnsLog,
      lookup,
      resolvConf: trace.dns !== null ? client.pod?.files['resolv.conf'] ?? null : null,
      ...(await labFacts(lab)),
    },
  };
}

/** `ip route get` in the hop's node for each route hop of the trace (with the input device the packet came in on). */
export async function routeLookups(lab: Lab, trace: Trace): Promise<Record<string, string>> {
  const routes: Record<string, string> = {};
  for (let i = 0; i < trace.hops.length; i++) {
    const h = trace.hops[i]!;
    if (h.step !== 'route' || h.node === null) continue;
    const iif = routeIif(trace.hops, i);
    const src = splitHostPort(h.packet.src).ip;
    const dst = splitHostPort(h.packet.dst).ip;
    const argv = ['ip', '-n', lab.nodeNs(h.node), 'route', 'get', dst, 'from', src, ...(iif ? ['iif', iif] : [])];
    const r = await run(argv, { allowFail: true });
    routes[String(h.index)] = r.code === 0 ? r.stdout : `ip route get failed: ${r.stderr.trim()}`;
  }
  return routes;
}

/** The flow's tuples (the client's, and every conntrack tuple that touches them, NATed or outer), to pick its frames out of the captures. */
export function flowTuples(first: Tuple, conntrack: Readonly<Record<string, string>>): Tuple[] {
  const tuples: Tuple[] = [first];
  const entries = Object.values(conntrack).flatMap((t) => parseConntrackList(t));
  for (let pass = 0; pass < 3; pass++) {
    for (const e of entries) {
      const touches = (t: Tuple): boolean =>
        tuples.some((k) => (k.src === t.src && k.sport === t.sport) || (k.dst === t.dst && k.dport === t.dport && k.src === t.src));
      if (touches(e.orig) || touches(e.reply)) {
        if (!tuples.some((k) => k.src === e.orig.src && k.sport === e.orig.sport && k.dst === e.orig.dst && k.dport === e.orig.dport)) tuples.push(e.orig);
        if (!tuples.some((k) => k.src === e.reply.src && k.sport === e.reply.sport && k.dst === e.reply.dst && k.dport === e.reply.dport)) tuples.push(e.reply);
      }
    }
  }
  return tuples;
}

/** What every observation records about the lab itself: the nodes' port range, the VXLAN port, cni0's MACs. */
export async function labFacts(lab: Lab): Promise<Pick<Observation, 'portRange' | 'vxlanPort' | 'bridgeMacs'>> {
  const nodeOf = lab.plan.nodes[0];
  const rangeText = nodeOf ? (await run(inNs(nodeOf.ns, ['cat', '/proc/sys/net/ipv4/ip_local_port_range']), { allowFail: true })).stdout : '';
  const range = rangeText.trim().split(/\s+/).map(Number);
  return {
    portRange: [range[0] || 32768, range[1] || 60999],
    vxlanPort: lab.plan.cni === 'calico-vxlan' ? CALICO_VXLAN_PORT : lab.cluster.network.vxlan.port,
    bridgeMacs: isCalico(lab.plan.cni) ? {} : Object.fromEntries(lab.cluster.nodes.map((n) => [n.name, n.bridgeMac])),
  };
}

/** The frames of a flow (by its tuples), in each capture, within the window when there is one. */
function flowFrames(captures: ReadonlyMap<string, readonly CapturedFrame[]>, tuples: readonly Tuple[], proto: string, window?: { since: number; until: number }): Record<string, CapturedFrame[]> {
  const frames: Record<string, CapturedFrame[]> = {};
  for (const [key, list] of captures) {
    const inWindow = window ? list.filter((c) => c.time >= window.since && c.time <= window.until) : list;
    frames[key] = tuples.length === 0 ? [] : inWindow.filter((c) => frameInFlow(c.frame, tuples, proto));
  }
  return frames;
}

/** Every ICMP message captured anywhere in the window, whatever flow it is about: "capture key: description". */
function icmpInWindow(captures: ReadonlyMap<string, readonly CapturedFrame[]>, window: { since: number; until: number }): string[] {
  const out: string[] = [];
  for (const [key, list] of captures) {
    for (const c of list) if (c.time >= window.since && c.time <= window.until && c.frame.ip?.proto === 'ICMP') out.push(`${key}: ${describeFrame(c.frame)}`);
  }
  return out;
}

/** Attaches each scenario's frames, picked by its tuples, from the captures read at the end. */
export function attachFrames(runs: readonly ScenarioRun[], captures: ReadonlyMap<string, readonly CapturedFrame[]>): Observation[] {
  return runs.map((r) => {
    const proto = r.observation.client && r.scenario.options.dnsOnly ? 'UDP' : r.trace.request.proto;
    return { ...r.observation, frames: flowFrames(captures, r.tuples, proto, r.window) };
  });
}

/** The same for a run's second connection (vxlan-mtu), with every ICMP message of its window. */
export function attachDataFrames(r: ScenarioRun, captures: ReadonlyMap<string, readonly CapturedFrame[]>): Observation | null {
  if (r.data === undefined) return null;
  return { ...r.data.observation, frames: flowFrames(captures, r.data.tuples, r.trace.request.proto, r.data.window), icmp: icmpInWindow(captures, r.data.window) };
}

export { Ports };
