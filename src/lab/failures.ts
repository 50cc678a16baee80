// `lab verify --scenario` for the two failures that need more than one connection:
//
// stale-udp-conntrack. The lab is built WITH the CoreDNS pod the scenario deletes. pod-a opens one
// UDP socket and sends a DNS query to kube-dns (retried from fresh sockets, conntrack emptied,
// until the kernel's own draw DNATs it to that pod, as runScenario pins endpoints); the answer
// comes back, so node-1's conntrack holds the flow DNATed to the pod. Then the pod is deleted as
// the kubelet and the CNI plugin do (its veth and namespace removed) and every node loads the rules
// `kube-packet-tour rules` prints for the cluster without it (kube-proxy's sync; conntrack is left
// alone, as before kube-proxy's CleanStaleEntries). The counters are zeroed and the same socket
// sends again: that datagram is the trace. Then a new socket sends once more: that is a second
// comparison, with the simulator's trace of a fresh datagram on the cluster without the pod.
//
// vxlan-mtu. Built on withSmallUnderlay (the lan bridge's ports carry 1450 bytes, the nodes' eth0
// say 1500). The handshake runs as every scenario (one SYN, one SYN-ACK, the endpoint pinned); then
// a whole exchange from a client port outside the range whose non-SYN packets the client pods drop:
// connect, a small request ("BIG 1398"), and pod-b's response of one full segment (1398 bytes of
// data with TCP timestamps: a 1450-byte packet, DF set), which should never arrive.

import type { ClusterModel } from '../core/cluster/model.js';
import { splitHostPort } from '../core/net/ipv4.js';
import { findServicePort } from '../core/proxy/service-ports.js';
import type { Trace } from '../core/trace-model.js';
import type { AgentReply } from './agent.js';
import { splitAtData, type Row } from './compare.js';
import { parseConntrackList } from './kernel-text.js';
import type { Lab } from './lab.js';
import { planLab } from './plan.js';
import type { LabScenario } from './scenarios.js';
import { clientResult, flowTuples, labFacts, maxAttempts, nowMicros, routeLookups, runScenario, simulateScenario, TCP_CLIENT_PORTS, type Ports, type ScenarioRun } from './verify.js';

/** How long a datagram the simulator says is lost is waited for (a resolver waits 5 s; the lab need not). */
const UDP_LOSS_WAIT_MS = 1000;
/** How long the exchange waits for the full-size response (several of the sender's retransmissions). */
const SEGMENT_WAIT_MS = 1500;
/** The exchange's client ports: above the range whose non-SYN packets the client pods drop. */
export const EXCHANGE_PORTS: readonly [number, number] = [TCP_CLIENT_PORTS[1] + 1, TCP_CLIENT_PORTS[1] + 500];
/** TCP timestamps (on by default) take 12 bytes of every segment's options: MSS 1410 carries 1398 bytes. */
export const TCP_TIMESTAMP_BYTES = 12;

/** The name the datagrams ask for: any name the stand-in CoreDNS answers. */
function queryName(cluster: ClusterModel): string {
  return `kubernetes.default.svc.${cluster.dns.clusterDomain.replace(/\.$/, '')}`;
}

export interface StaleUdpRuns {
  readonly runs: readonly ScenarioRun[];
  /** The rules reloaded on each node (does iptables-save print them back). */
  readonly rows: readonly Row[];
}

/** The scenario's companion: the same request from a new socket, on the cluster without the pod. */
export function newSocketScenario(s: LabScenario): LabScenario {
  return { name: `${s.name}/new-socket`, title: `${s.request.from}'s next datagram from a NEW socket (source port), after the deletion`, request: s.request, options: {} };
}

export async function runStaleUdp(lab: Lab, s: LabScenario, ports: Ports, progress: (m: string) => void): Promise<StaleUdpRuns> {
  const started = Date.now();
  const after = s.after ? s.after(lab.cluster) : lab.cluster;
  const trace = simulateScenario(after, s);
  const client = lab.clientFor(trace.request.from, trace.target);
  if (client === null || trace.target === null) throw new Error(`${s.name}: the client ${trace.request.from} is not in the lab`);
  const agent = lab.agentIn(client.ns);
  const target = splitHostPort(trace.target);
  const stale = splitHostPort(s.options.staleEntryTo ?? '');
  const victim = lab.plan.pods.find((p) => p.ip === stale.ip);
  if (victim === undefined || target.port === null) throw new Error(`${s.name}: no pod ${stale.ip} in the lab to delete`);
  const name = queryName(lab.cluster);
  const query = (localPort: number, keep: boolean, timeoutMs: number): Promise<AgentReply> =>
    agent.request({ op: 'dns', server: target.ip, port: target.port, localPort, name, type: 'A', keep, timeoutMs });

  // 1. The socket's earlier datagram, until the kernel's draw DNATs it to the pod about to go.
  const sp = findServicePort(lab.cluster, target.ip, target.port, 'UDP');
  const limit = maxAttempts(sp?.endpoints.length ?? 1);
  let attempts = 0;
  let port = 0;
  let earlier: AgentReply | null = null;
  while (attempts < limit) {
    attempts++;
    port = ports.next('UDP');
    await lab.resetNodes();
    earlier = await query(port, true, 3000);
    const ct = await lab.conntrack();
    const entry = parseConntrackList(ct[client.node ?? ''] ?? '').find((e) => e.orig.src === client.ip && e.orig.sport === port);
    if (entry && entry.reply.src === stale.ip && earlier.ok) break;
    await agent.request({ op: 'close-udp', localPort: port });
    earlier = null;
  }
  if (earlier === null) throw new Error(`${s.name}: the kernel never DNATed the socket's first datagram to ${stale.ip} in ${limit} tries`);

  // 2. The pod goes, and kube-proxy's next sync loads the rules without it (conntrack untouched).
  progress(`  deleting ${victim.pod.namespace}/${victim.pod.name} (${victim.ip}) and reloading the rules without it...`);
  await lab.deletePod(victim);
  const planned = planLab(after, lab.plan.runId);
  if (!planned.ok) throw new Error(`${s.name}: ${planned.reason}`);
  const rows = await lab.reloadRules(planned.plan, `without ${victim.pod.namespace}/${victim.pod.name}`);

  // 3. The same socket again: the trace.
  await lab.zeroCounters();
  const since = nowMicros();
  const again = clientResult(await query(port, true, UDP_LOSS_WAIT_MS));
  const conntrack = await lab.conntrack();
  const counters = await lab.counters();
  const until = nowMicros();
  await agent.request({ op: 'close-udp', localPort: port });
  const facts = await labFacts(lab);
  const first: ScenarioRun = {
    scenario: s,
    trace,
    tuples: flowTuples({ src: client.ip, sport: port, dst: target.ip, dport: target.port }, conntrack),
    ms: Date.now() - started,
    window: { since, until },
    cluster: after,
    observation: {
      scenario: s.name, clientPort: port, attempts, maxAttempts: limit, client: again, conntrack, counters,
      routes: await routeLookups(lab, trace), dnsLog: null, lookup: null, resolvConf: null, ...facts,
    },
  };

  // 4. A new socket: a NEW conntrack entry, DNATed by the rules as they are now.
  const t1 = Date.now();
  const fresh = newSocketScenario(s);
  const freshTrace = simulateScenario(after, fresh);
  await lab.zeroCounters();
  const since2 = nowMicros();
  const port2 = ports.next('UDP');
  const answer = clientResult(await query(port2, false, 3000));
  const conntrack2 = await lab.conntrack();
  const counters2 = await lab.counters();
  const until2 = nowMicros();
  const second: ScenarioRun = {
    scenario: fresh,
    trace: freshTrace,
    tuples: flowTuples({ src: client.ip, sport: port2, dst: target.ip, dport: target.port }, conntrack2),
    ms: Date.now() - t1,
    window: { since: since2, until: until2 },
    cluster: after,
    observation: {
      scenario: fresh.name, clientPort: port2, attempts: 1, maxAttempts: 1, client: answer, conntrack: conntrack2, counters: counters2,
      routes: await routeLookups(lab, freshTrace), dnsLog: null, lookup: null, resolvConf: null, ...facts,
    },
  };
  return { runs: [first, second], rows };
}

class ExchangePorts {
  private port = EXCHANGE_PORTS[0];
  next(): number {
    return this.port++;
  }
}

export async function runFullSegment(lab: Lab, s: LabScenario, trace: Trace, ports: Ports): Promise<ScenarioRun> {
  const started = Date.now();
  const split = splitAtData(trace);
  if (split === null) return runScenario(lab, s, trace, ports);
  // 1. The handshake, as every scenario: one SYN, one SYN-ACK, the endpoint pinned.
  const handshake = await runScenario(lab, s, split.handshake, ports);

  // 2. The whole exchange, on a connection of its own, until the kernel's draw picks the same endpoint.
  const client = lab.clientFor(trace.request.from, trace.target);
  if (client === null || trace.target === null) throw new Error(`${s.name}: the client ${trace.request.from} is not in the lab`);
  const agent = lab.agentIn(client.ns);
  const target = splitHostPort(trace.target);
  const targetIP = handshake.observation.lookup?.ok && handshake.observation.lookup.answers[0] ? handshake.observation.lookup.answers[0] : target.ip;
  const sp = findServicePort(lab.cluster, targetIP, target.port ?? 80, 'TCP');
  const limit = trace.endpoint !== null && sp !== null ? maxAttempts(sp.endpoints.length) : 1;
  const segment = trace.hops.find((h) => h.index === split.firstData)!;
  const bytes = (segment.packet.length ?? 1450) - 40 - TCP_TIMESTAMP_BYTES;
  const xports = new ExchangePorts();
  let attempts = 0;
  let port = 0;
  let reply: AgentReply | null = null;
  let conntrack: Record<string, string> = {};
  let since = 0;
  while (attempts < limit) {
    attempts++;
    port = xports.next();
    await lab.resetNodes();
    since = nowMicros();
    reply = await agent.request({ op: 'fetch', host: targetIP, port: target.port, localPort: port, send: `BIG ${bytes}\n`, expect: bytes, timeoutMs: SEGMENT_WAIT_MS });
    conntrack = await lab.conntrack();
    if (trace.endpoint === null) break;
    const entry = parseConntrackList(conntrack[client.node ?? ''] ?? '').find((e) => e.orig.src === client.ip && e.orig.sport === port);
    if (entry && `${entry.reply.src}:${entry.reply.sport}` === trace.endpoint) break;
  }
  const counters = await lab.counters();
  const until = nowMicros();
  const r = reply!;
  return {
    ...handshake,
    trace,
    ms: Date.now() - started,
    data: {
      tuples: flowTuples({ src: client.ip, sport: port, dst: targetIP, dport: target.port ?? 80 }, conntrack),
      window: { since, until },
      observation: {
        ...handshake.observation,
        clientPort: port, attempts, maxAttempts: limit,
        client: clientResult(r),
        conntrack, counters, routes: await routeLookups(lab, trace),
      },
    },
  };
}
