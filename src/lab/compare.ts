// What the simulator said against what the kernel did, for one scenario. Pure: the kernel's side
// is an Observation (captures, conntrack tables, iptables counters, route lookups, the client's
// result and the DNS server's log), so a recorded run can be compared again, and a deliberately
// wrong Trace can be shown to fail.

import type { ClusterModel } from '../core/cluster/model.js';
import { VXLAN_OVERHEAD } from '../core/cni/vxlan.js';
import { lookupRoute, nodeRoutes } from '../core/kernel/routing.js';
import { nodeTables } from '../core/proxy/node-tables.js';
import { restoreLine } from '../core/proxy/rule.js';
import type { Hop, PacketView, Trace } from '../core/trace-model.js';
import { parseConntrack, parseConntrackList, parseSaveCounters, type ConntrackEntry, type Tuple } from './kernel-text.js';
import { describeFrame, describeIp, type CapturedFrame, type Frame, type IpPacket } from './pcap.js';

/** Where a capture ran: the hop's node, its netns label (node or pod name, as in a Hop), the device. */
export function captureKey(node: string | null, netns: string, device: string): string {
  return `${node ?? '-'}|${netns}|${device}`;
}

export interface ClientResult {
  readonly ok: boolean;
  /** errno code (ECONNREFUSED, ETIMEDOUT, ENOTFOUND) when not ok. */
  readonly code: string | null;
  /** For a connect: the address the socket is connected to; for DNS: the server that answered. */
  readonly remote: string | null;
  readonly answers: readonly string[];
  readonly rcode: string | null;
}

export interface DnsLogEntry {
  readonly server: string;
  readonly remote: string;
  readonly name: string;
  readonly type: string;
  readonly rcode: string;
}

export interface Observation {
  readonly scenario: string;
  /** The client's port in the kernel run (the simulator's is a fixed or seeded one). */
  readonly clientPort: number;
  /** Connections it took for the kernel's random draw to land on the pinned endpoint. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly client: ClientResult;
  /** node -> `conntrack -L` output after the winning attempt. */
  readonly conntrack: Readonly<Record<string, string>>;
  /** node -> `iptables-save -c` output after the winning attempt (counters zeroed before it). */
  readonly counters: Readonly<Record<string, string>>;
  /** captureKey -> the frames of this flow captured there. */
  readonly frames: Readonly<Record<string, readonly CapturedFrame[]>>;
  /** "hop index" -> `ip route get` output in that hop's node, for route hops. */
  readonly routes: Readonly<Record<string, string>>;
  /** The resolver's walk as the DNS servers saw it (lookup by name), in order; null without DNS. */
  readonly dnsLog: readonly DnsLogEntry[] | null;
  /** What getaddrinfo returned for the walk. */
  readonly lookup: ClientResult | null;
  readonly resolvConf: string | null;
  /** The local port range of the nodes (net.ipv4.ip_local_port_range): VXLAN source ports come from it. */
  readonly portRange: readonly [number, number];
  /** The VXLAN UDP port of the cluster (to recognise the outer flows in conntrack). */
  readonly vxlanPort: number;
  /** node -> cni0's MAC: bridge-in frames for it are received by cni0 itself. */
  readonly bridgeMacs?: Readonly<Record<string, string>>;
  /** Every ICMP message captured anywhere while this observation ran ("capture key: frame"), when recorded (vxlan-mtu's exchange). */
  readonly icmp?: readonly string[];
}

export type RowStatus = 'ok' | 'diff' | 'info';

export interface Row {
  readonly section: 'hop' | 'rules' | 'conntrack' | 'outcome' | 'dns' | 'endpoint';
  /** Hop index, or a short label. */
  readonly ref: string;
  readonly where: string;
  readonly what: string;
  readonly simulator: string;
  readonly kernel: string;
  readonly status: RowStatus;
}

export interface ScenarioComparison {
  readonly scenario: string;
  readonly rows: readonly Row[];
  readonly differences: number;
}

type PortMap = ReadonlyMap<string, string>;

function mapAddr(addr: string, map: PortMap): string {
  return map.get(addr) ?? addr;
}

const addr = (ip: string, port: number | null): string => (port === null ? ip : `${ip}:${port}`);

function splitAddr(a: string): { ip: string; port: number | null } {
  const i = a.lastIndexOf(':');
  return i < 0 ? { ip: a, port: null } : { ip: a.slice(0, i), port: Number(a.slice(i + 1)) };
}

/** The capture steps: a hop that is a frame on a device, as tcpdump shows it. */
const CAPTURE_STEPS = new Set(['send', 'veth', 'bridge-forward', 'hairpin', 'deliver', 'encap', 'wire', 'decap', 'icmp-error']);

function clientAddr(trace: Trace): string | null {
  const first = trace.hops[0];
  return first ? first.packet.src : null;
}

/** The flow's conntrack entry on a node: original source is the client (after the port map). */
function flowEntry(entries: readonly ConntrackEntry[], client: { ip: string; port: number | null }, proto: string): ConntrackEntry | null {
  return entries.find((e) => e.proto === proto.toLowerCase() && e.orig.src === client.ip && e.orig.sport === client.port) ?? null;
}

function buildPortMap(trace: Trace, obs: Observation): Map<string, string> {
  const map = new Map<string, string>();
  const sim = clientAddr(trace);
  if (sim === null) return map;
  const { ip } = splitAddr(sim);
  const real = addr(ip, obs.clientPort);
  map.set(sim, real);
  // MASQUERADE --random-fully picks a random port: take the kernel's from the conntrack reply tuple.
  for (const h of trace.hops) {
    if (h.rewrite?.kind !== 'MASQUERADE' || h.node === null) continue;
    const entries = parseConntrackList(obs.conntrack[h.node] ?? '');
    const e = flowEntry(entries, { ip, port: obs.clientPort }, trace.request.proto);
    if (e && e.reply.dport !== null) map.set(h.rewrite.to, addr(e.reply.dst, e.reply.dport));
  }
  return map;
}

interface Expect {
  readonly src: string;
  readonly dst: string;
  readonly proto: string;
  readonly flags: string | null;
  readonly srcMac: string | null;
  readonly dstMac: string | null;
  readonly ttl: number;
}

function expectOf(p: PacketView, map: PortMap): Expect {
  return { src: mapAddr(p.src, map), dst: mapAddr(p.dst, map), proto: p.proto, flags: p.flags, srcMac: p.srcMac, dstMac: p.dstMac, ttl: p.ttl };
}

function fieldDiffs(e: Expect, f: Frame, ip: IpPacket): string[] {
  const d: string[] = [];
  if (e.srcMac !== null && f.srcMac !== e.srcMac) d.push(`srcMac ${f.srcMac} (simulator ${e.srcMac})`);
  if (e.dstMac !== null && f.dstMac !== e.dstMac) d.push(`dstMac ${f.dstMac} (simulator ${e.dstMac})`);
  if (ip.ttl !== e.ttl) d.push(`ttl ${ip.ttl} (simulator ${e.ttl})`);
  if (e.flags !== null && ip.flags !== e.flags) d.push(`flags ${ip.flags} (simulator ${e.flags})`);
  return d;
}

function sameAddrs(e: Expect, ip: IpPacket): boolean {
  return addr(ip.src, ip.sport) === e.src && addr(ip.dst, ip.dport) === e.dst && ip.proto === e.proto;
}

function packetText(e: Expect): string {
  return `${e.src} > ${e.dst} ${e.proto}${e.flags ? ` [${e.flags}]` : ''} ttl ${e.ttl} ${e.srcMac ?? '?'} > ${e.dstMac ?? '?'}`;
}

function frameText(f: Frame): string {
  return describeFrame(f);
}

/** Compares a capture hop with the frames captured at its device. */
function captureRow(hop: Hop, obs: Observation, map: PortMap, base: Omit<Row, 'simulator' | 'kernel' | 'status'>, hops: readonly Hop[] = []): Row {
  const frames = obs.frames[captureKey(hop.node, hop.netns, hop.device)];
  const e = expectOf(hop.packet, map);
  const outer = hop.step === 'wire' ? hop.packet.outer : null;
  let sim = packetText(e);
  if (outer) sim = `outer ${outer.src} > ${outer.dst} UDP dport ${outer.dport} vni ${outer.vni} ttl ${outer.ttl} ${outer.srcMac} > ${outer.dstMac}; inner ${sim}`;
  if (frames === undefined) return { ...base, simulator: sim, kernel: `no capture on ${hop.device} in ${hop.netns}`, status: 'diff' };

  // Candidate frames: for the wire hop, the outer frames whose inner packet is this one.
  const candidates: { frame: Frame; ip: IpPacket; outerFrame: Frame | null; outerIp: IpPacket | null }[] = [];
  for (const c of frames) {
    const ip = c.frame.ip;
    if (ip === null) continue;
    if (outer) {
      const inner = ip.vxlan?.inner;
      if (inner?.ip && sameAddrs(e, inner.ip)) candidates.push({ frame: inner, ip: inner.ip, outerFrame: c.frame, outerIp: ip });
    } else if (hop.packet.proto === 'ICMP') {
      if (ip.proto === 'ICMP' && ip.src === e.src && ip.dst === e.dst) candidates.push({ frame: c.frame, ip, outerFrame: null, outerIp: null });
    } else if (sameAddrs(e, ip)) {
      candidates.push({ frame: c.frame, ip, outerFrame: null, outerIp: null });
    }
  }
  if (candidates.length === 0) {
    const seen = frames.filter((c) => c.frame.ip !== null);
    const described = seen.slice(0, 3).map((c) => {
      // Name the hop whose packet this is, when the kernel shows a later (or earlier) state here.
      const ip = c.frame.ip!;
      const same = hops.find((o) => o !== hop && o.node === hop.node && o.direction === hop.direction && sameAddrs(expectOf(o.packet, map), ip));
      return `${frameText(c.frame)}${same ? ` (the packet of hop ${same.index}, ${same.step})` : ''}`;
    });
    return { ...base, simulator: sim, kernel: seen.length === 0 ? `nothing of this flow on ${hop.device}` : `not seen; tcpdump -i ${hop.device} shows: ${described.join(' | ')}`, status: 'diff' };
  }
  let best: { diffs: string[]; text: string } | null = null;
  for (const c of candidates) {
    const diffs = fieldDiffs(e, c.frame, c.ip);
    if (outer && c.outerFrame && c.outerIp) {
      const o = c.outerIp;
      if (o.src !== outer.src || o.dst !== outer.dst) diffs.push(`outer ${o.src} > ${o.dst} (simulator ${outer.src} > ${outer.dst})`);
      if (o.proto !== 'UDP' || o.dport !== outer.dport) diffs.push(`outer ${o.proto} dport ${o.dport} (simulator ${outer.proto} ${outer.dport})`);
      if (o.vxlan?.vni !== outer.vni) diffs.push(`VNI ${o.vxlan?.vni ?? 'none'} (simulator ${outer.vni})`);
      if (o.ttl !== outer.ttl) diffs.push(`outer ttl ${o.ttl} (simulator ${outer.ttl})`);
      if (c.outerFrame.srcMac !== outer.srcMac || c.outerFrame.dstMac !== outer.dstMac) diffs.push(`outer MACs ${c.outerFrame.srcMac} > ${c.outerFrame.dstMac} (simulator ${outer.srcMac} > ${outer.dstMac})`);
      const [lo, hi] = obs.portRange;
      if (o.sport === null || o.sport < lo || o.sport > hi) diffs.push(`outer sport ${o.sport} outside ${lo}-${hi}`);
    }
    if (hop.packet.proto === 'ICMP' && c.ip.icmp) {
      const inner = c.ip.icmp.inner;
      if (c.ip.icmp.type !== 3) diffs.push(`ICMP type ${c.ip.icmp.type} (expected 3, destination unreachable)`);
      if (inner === null) diffs.push('no original packet inside the ICMP error');
    }
    const text = (c.outerFrame ? frameText(c.outerFrame) : frameText(c.frame)) + (diffs.length ? ` — ${diffs.join('; ')}` : '');
    if (best === null || diffs.length < best.diffs.length) best = { diffs, text };
    if (diffs.length === 0) break;
  }
  return { ...base, simulator: sim, kernel: best!.text, status: best!.diffs.length === 0 ? 'ok' : 'diff' };
}

/** Rules a hop lists, as [table, chain, restore line]. */
function hopRules(h: Hop): [string, string, string][] {
  return h.rules.map((r) => {
    const m = /^(\S+) (\S+): (.*)$/.exec(r);
    return m ? [m[1]!, m[2]!, m[3]!] : ['?', '?', r];
  });
}

interface RulePosition {
  readonly table: string;
  readonly chain: string;
  readonly index: number;
  readonly text: string;
}

/**
 * Where each of a node's model rules sits: its chain and position (what iptables-save -c counts by).
 * The same text can sit at several positions (Felix's "Return if profile accepted" follows each
 * profile jump), so each text maps to all of its positions, in chain order.
 */
function rulePositions(cluster: ClusterModel, nodeName: string): Map<string, RulePosition[]> {
  const node = cluster.nodes.find((n) => n.name === nodeName);
  const out = new Map<string, RulePosition[]>();
  if (!node) return out;
  const t = nodeTables(cluster, node);
  for (const table of [t.filter, t.nat]) {
    const counts = new Map<string, number>();
    for (const r of table.rules) {
      const i = counts.get(r.chain) ?? 0;
      counts.set(r.chain, i + 1);
      const text = restoreLine(r);
      const key = `${table.name} ${text}`;
      const list = out.get(key) ?? [];
      list.push({ table: table.name, chain: r.chain, index: i, text });
      out.set(key, list);
    }
  }
  return out;
}

/**
 * The position a hop's fired rule counted at: a walk goes forward through a chain, so of several
 * positions with the same text it is the first after the last rule this hop fired in that chain.
 */
function firedPosition(list: readonly RulePosition[], last: Map<string, number>): RulePosition {
  const p = list.find((x) => x.index > (last.get(`${x.table} ${x.chain}`) ?? -1)) ?? list[0]!;
  last.set(`${p.table} ${p.chain}`, p.index);
  return p;
}

function counterRows(obs: Observation, cluster: ClusterModel, hops: readonly Hop[]): { rows: Row[]; fired: Map<string, Set<string>> } {
  const rows: Row[] = [];
  const fired = new Map<string, Set<string>>();
  const nodes = [...new Set(hops.map((h) => h.node).filter((n): n is string => n !== null))];
  for (const n of Object.keys(obs.counters)) if (!nodes.includes(n)) nodes.push(n);
  for (const node of nodes) {
    const positions = rulePositions(cluster, node);
    const byPos = new Map<string, string>();
    for (const [key, list] of positions) for (const p of list) byPos.set(`${p.table} ${p.chain} ${p.index}`, key.slice(p.table.length + 1));
    const expected = new Map<string, number>();
    const unknown: string[] = [];
    for (const h of hops) {
      if (h.node !== node) continue;
      const last = new Map<string, number>();
      for (const [table, , text] of hopRules(h)) {
        const list = positions.get(`${table} ${text}`);
        if (!list) { unknown.push(`${table}: ${text}`); continue; }
        const p = firedPosition(list, last);
        const k = `${p.table} ${p.chain} ${p.index}`;
        expected.set(k, (expected.get(k) ?? 0) + 1);
      }
    }
    const kernel = new Map<string, number>();
    const kernelText = new Map<string, string>();
    for (const c of parseSaveCounters(obs.counters[node] ?? '')) {
      // Table raw is not walked by the simulator: Felix's NOTRACK there (Calico VXLAN) is checked by
      // its effect instead (the outer flow has no conntrack entry and skips the nat table).
      if (c.table !== 'filter' && c.table !== 'nat') continue;
      const k = `${c.table} ${c.chain} ${c.index}`;
      kernelText.set(k, c.text);
      if (c.packets > 0) kernel.set(k, c.packets);
    }
    const firedHere = new Set<string>();
    for (const [k] of kernel) firedHere.add(byPos.get(k) ?? k);
    fired.set(node, firedHere);
    const keys = [...new Set([...expected.keys(), ...kernel.keys()])].sort();
    for (const k of keys) {
      const want = expected.get(k) ?? 0;
      const got = kernel.get(k) ?? 0;
      const [table, chain] = k.split(' ');
      const text = byPos.get(k) ?? kernelText.get(k) ?? k;
      rows.push({
        section: 'rules', ref: 'rule', where: node, what: `${table} ${chain}`,
        simulator: `${want} × ${text}`,
        kernel: `${got} packet${got === 1 ? '' : 's'}${got > want ? ` (${got - want} the trace does not list: a packet it does not follow through this rule, such as the node's own outer VXLAN or ICMP packets)` : got < want ? ' (the trace says this rule matched; the kernel did not count it)' : ''}`,
        status: want === got ? 'ok' : 'diff',
      });
    }
    for (const u of unknown) {
      rows.push({ section: 'rules', ref: 'rule', where: node, what: 'unknown rule', simulator: u, kernel: `${node} has no such rule`, status: 'diff' });
    }
  }
  return { rows, fired };
}

function tupleText(t: Tuple): string {
  return `src=${t.src} dst=${t.dst}${t.sport === null ? '' : ` sport=${t.sport}`}${t.dport === null ? '' : ` dport=${t.dport}`}`;
}

function mapTuple(t: Tuple, map: PortMap): Tuple {
  const s = splitAddr(mapAddr(addr(t.src, t.sport), map));
  const d = splitAddr(mapAddr(addr(t.dst, t.dport), map));
  return { src: s.ip, sport: s.port, dst: d.ip, dport: d.port };
}

const sameTuple = (a: Tuple, b: Tuple): boolean => a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport;

function conntrackRows(trace: Trace, obs: Observation, map: PortMap, hops: readonly Hop[]): Row[] {
  const rows: Row[] = [];
  const client = splitAddr(mapAddr(clientAddr(trace) ?? '', map));
  const nodes = [...new Set([...hops.map((h) => h.node).filter((n): n is string => n !== null), ...Object.keys(obs.conntrack)])];
  for (const node of nodes) {
    const last = [...hops].reverse().find((h) => h.node === node && h.conntrack !== null);
    const sim = last ? parseConntrack(last.conntrack!) : null;
    const simOrig = sim ? mapTuple(sim.orig, map) : null;
    const simReply = sim ? mapTuple(sim.reply, map) : null;
    const entries = parseConntrackList(obs.conntrack[node] ?? '');
    const real =
      (simOrig ? entries.find((e) => sameTuple(e.orig, simOrig)) : undefined) ??
      entries.find((e) => e.orig.src === client.ip && e.orig.sport === client.port) ??
      entries.find((e) => e.reply.dst === client.ip && e.reply.dport === client.port) ??
      null;
    const simText = sim ? `${sim.state ?? sim.proto} ${tupleText(simOrig!)}${sim.unreplied ? ' [UNREPLIED]' : ''} ${tupleText(simReply!)} mark=${sim.mark ?? '0'}` : 'no entry';
    const realText = real ? `${real.state ?? real.proto} ${tupleText(real.orig)}${real.unreplied ? ' [UNREPLIED]' : ''} ${tupleText(real.reply)} mark=${real.mark ?? '0'}` : 'no entry';
    for (const other of entries) {
      if (other === real) continue;
      const vxlan = other.proto === 'udp' && (other.orig.dport === obs.vxlanPort || other.reply.dport === obs.vxlanPort);
      rows.push({
        section: 'conntrack', ref: 'ct+', where: node, what: 'other entry',
        simulator: 'not in the trace',
        kernel: `${other.proto} ${other.state ? `${other.state} ` : ''}${tupleText(other.orig)}${other.unreplied ? ' [UNREPLIED]' : ''} ${tupleText(other.reply)}${vxlan ? ' (the outer VXLAN flow: the node\'s own UDP traffic is tracked and goes through its OUTPUT/POSTROUTING or PREROUTING/INPUT chains)' : ''}`,
        status: 'info',
      });
    }
    if (!sim && !real) continue;
    const diffs: string[] = [];
    if (sim && real) {
      if (sim.proto !== real.proto) diffs.push('protocol');
      if ((sim.state ?? '') !== (real.state ?? '')) diffs.push('state');
      if (!sameTuple(simOrig!, real.orig)) diffs.push('original tuple');
      if (!sameTuple(simReply!, real.reply)) diffs.push('reply tuple');
      if (sim.unreplied !== real.unreplied) diffs.push('[UNREPLIED]');
      if ((sim.mark ?? '0') !== (real.mark ?? '0')) diffs.push('mark');
    } else {
      diffs.push(sim ? 'the kernel has no entry' : 'the simulator has no entry');
    }
    rows.push({
      section: 'conntrack', ref: 'ct', where: node, what: 'conntrack -L',
      simulator: simText, kernel: diffs.length ? `${realText} (differs: ${diffs.join(', ')})` : realText, status: diffs.length ? 'diff' : 'ok',
    });
  }
  return rows;
}

function hopRow(h: Hop, trace: Trace, obs: Observation, map: PortMap, fired: Map<string, Set<string>>, cluster: ClusterModel): Row {
  const base = { section: 'hop' as const, ref: String(h.index), where: `${h.node ?? '-'}/${h.netns}/${h.device}`, what: h.step };
  if ((h.step === 'send' || h.step === 'deliver') && h.node !== null && h.netns === h.node) {
    // A host process (node/NAME, a hostNetwork pod): its socket hands the packet to the node's own IP
    // stack, and the reply is delivered from it. No device carries the packet in this state (the
    // request leaves through the device of its hops after nat OUTPUT and POSTROUTING, already
    // rewritten), so there is nothing for tcpdump to compare here: the hops around it are checked.
    return { ...base, simulator: describeHopPacket(h, map), kernel: `a socket in ${h.node}'s own namespace: no device carries the packet in this state (see the hops around it)`, status: 'info' };
  }
  if (CAPTURE_STEPS.has(h.step)) return captureRow(h, obs, map, base, trace.hops);
  if (h.step === 'bridge-in') {
    // A frame for cni0's own MAC is meant for the node's IP stack: `tcpdump -p -i cni0` should show it
    // there. A frame for another pod's MAC is switched between bridge ports and never reaches cni0
    // itself (the veth captures before and after show it).
    if (h.packet.dstMac !== null && h.packet.dstMac === obs.bridgeMacs?.[h.node ?? '']) return captureRow(h, obs, map, base, trace.hops);
    return { ...base, simulator: describeHopPacket(h, map), kernel: 'switched between bridge ports, so not on cni0 itself (see the veth hops)', status: 'info' };
  }
  const client = splitAddr(mapAddr(clientAddr(trace) ?? '', map));
  const entries = h.node ? parseConntrackList(obs.conntrack[h.node] ?? '') : [];
  const entry = flowEntry(entries, client, trace.request.proto) ?? entries.find((e) => e.reply.dst === client.ip && e.reply.dport === client.port) ?? null;
  const rules = hopRules(h);
  const firedHere = h.node ? fired.get(h.node) ?? new Set<string>() : new Set<string>();
  const missing = rules.filter(([table, , text]) => !firedHere.has(text) && !firedHere.has(`${table} ${text}`));
  const ruleNote = rules.length === 0 ? '' : missing.length === 0 ? `${rules.length} rule${rules.length === 1 ? '' : 's'} matched (counters)` : `did not fire: ${missing.map(([, c, t]) => `${c}: ${t}`).join(' | ')}`;
  const ruleStatus: RowStatus = missing.length === 0 ? 'ok' : 'diff';
  const rw = h.rewrite;
  switch (h.step) {
    case 'dnat': {
      const to = rw ? mapAddr(rw.to, map) : '?';
      const got = entry ? addr(entry.reply.src, entry.reply.sport) : 'no conntrack entry';
      const ok = got === to && ruleStatus === 'ok';
      return { ...base, simulator: `DNAT ${rw?.from} -> ${to} (${rw?.chain})`, kernel: `conntrack reply from ${got}; ${ruleNote}`, status: ok ? 'ok' : 'diff' };
    }
    case 'masquerade': {
      const to = rw ? mapAddr(rw.to, map) : '?';
      const got = entry ? addr(entry.reply.dst, entry.reply.dport) : 'no conntrack entry';
      const ok = got === to && ruleStatus === 'ok';
      return { ...base, simulator: `MASQUERADE ${mapAddr(rw?.from ?? '?', map)} -> ${to}`, kernel: `conntrack reply to ${got}; ${ruleNote}`, status: ok ? 'ok' : 'diff' };
    }
    case 'un-dnat': {
      // conntrack restores the reply's source to the original destination when the entry was DNATed.
      const from = rw ? mapAddr(rw.from, map) : '?';
      const to = rw ? mapAddr(rw.to, map) : '?';
      const ok = entry !== null && addr(entry.reply.src, entry.reply.sport) === from && addr(entry.orig.dst, entry.orig.dport) === to;
      return { ...base, simulator: `un-DNAT ${from} -> ${to}`, kernel: entry ? `entry orig dst ${addr(entry.orig.dst, entry.orig.dport)}, reply src ${addr(entry.reply.src, entry.reply.sport)}` : 'no conntrack entry', status: ok ? 'ok' : 'diff' };
    }
    case 'un-snat': {
      const from = rw ? mapAddr(rw.from, map) : '?';
      const to = rw ? mapAddr(rw.to, map) : '?';
      const ok = entry !== null && addr(entry.reply.dst, entry.reply.dport) === from && addr(entry.orig.src, entry.orig.sport) === to;
      return { ...base, simulator: `un-SNAT ${from} -> ${to}`, kernel: entry ? `entry orig src ${addr(entry.orig.src, entry.orig.sport)}, reply dst ${addr(entry.reply.dst, entry.reply.dport)}` : 'no conntrack entry', status: ok ? 'ok' : 'diff' };
    }
    case 'route': {
      const got = obs.routes[String(h.index)];
      const dst = splitAddr(mapAddr(h.packet.dst, map)).ip;
      if (got === undefined) return { ...base, simulator: `${dst} via dev ${h.device}`, kernel: 'not looked up', status: 'info' };
      const dev = /\bdev (\S+)/.exec(got)?.[1] ?? '?';
      // A packet for the node itself: the simulator's next hop on this node is filter INPUT (its hop
      // names the device the packet came in on); the kernel's lookup answers from the local table.
      const next = trace.hops[trace.hops.indexOf(h) + 1];
      if (next !== undefined && next.node === h.node && next.step === 'filter-input') {
        const local = /^local /.test(got.trim());
        return { ...base, simulator: `${dst} is ${h.node}'s own: local delivery (to INPUT)`, kernel: got.trim().split('\n')[0] ?? '', status: local ? 'ok' : 'diff' };
      }
      // Not for the node itself (a Calico tunnel address lies inside its own block's blackhole).
      // A blackhole route (Calico's own block, no pod at that address) makes `ip route get` fail
      // with EINVAL, the error the kernel gives RTN_BLACKHOLE: the lookup itself discards the packet.
      const node = cluster.nodes.find((n) => n.name === h.node);
      const simRoute = node === undefined ? null : lookupRoute(nodeRoutes(cluster, node), splitAddr(h.packet.dst).ip);
      if (simRoute?.blackhole) {
        return { ...base, simulator: `${dst} matches "${simRoute.text}": discarded`, kernel: got.trim().split('\n')[0] ?? '', status: /Invalid argument/.test(got) ? 'ok' : 'diff' };
      }
      return { ...base, simulator: `${dst} dev ${h.device}`, kernel: got.trim().split('\n')[0] ?? '', status: dev === h.device ? 'ok' : 'diff' };
    }
    case 'conntrack-new':
    case 'conntrack-match': {
      // Before POSTROUTING confirms it, the entry is not in `conntrack -L` yet (the hop's conntrackPending).
      const line = h.conntrack ?? h.conntrackPending ?? null;
      const sim = line ? parseConntrack(line) : null;
      const orig = sim ? mapTuple(sim.orig, map) : null;
      const real = orig ? entries.find((e) => sameTuple(e.orig, orig)) : undefined;
      // A pending entry shows in the table afterwards only if a later hop on this node confirms it
      // (a packet REJECTed in FORWARD never reaches the confirm step).
      const after = trace.hops.slice(trace.hops.indexOf(h) + 1);
      const confirmed = h.conntrack !== null || after.some((x) => x.node === h.node && x.conntrack !== null);
      const simText = orig ? `entry ${tupleText(orig)}${confirmed ? '' : ' (never confirmed: not in conntrack -L)'}` : 'entry';
      const kernelText = real ? `entry ${tupleText(real.orig)} in conntrack -L` : `no entry with that original tuple on ${h.node}`;
      return { ...base, simulator: simText, kernel: kernelText, status: orig !== null && Boolean(real) === confirmed ? 'ok' : 'diff' };
    }
    default:
      if (rules.length > 0) return { ...base, simulator: `${rules.length} rule${rules.length === 1 ? '' : 's'}: ${rules.map(([, c]) => c).join(', ')}`, kernel: ruleNote, status: ruleStatus };
      return { ...base, simulator: describeHopPacket(h, map), kernel: 'no capture point (see the hops around it)', status: 'info' };
  }
}

function describeHopPacket(h: Hop, map: PortMap): string {
  return `${mapAddr(h.packet.src, map)} > ${mapAddr(h.packet.dst, map)}`;
}

function outcomeRow(trace: Trace, obs: Observation): Row {
  const c = obs.client;
  const kernel = c.ok ? `connected to ${c.remote ?? '?'}${c.rcode ? ` (${c.rcode}${c.answers.length ? ` ${c.answers.join(',')}` : ''})` : ''}` : `failed: ${c.code}`;
  let ok: boolean;
  switch (trace.outcome) {
    case 'delivered':
      ok = c.ok && (trace.target === null || c.remote === trace.target);
      break;
    case 'rejected':
    case 'reset':
      ok = !c.ok && c.code === 'ECONNREFUSED';
      break;
    case 'dropped':
      ok = !c.ok && c.code === 'ETIMEDOUT';
      break;
    case 'nxdomain':
      ok = obs.lookup !== null && !obs.lookup.ok && obs.lookup.code === 'ENOTFOUND';
      break;
  }
  const sim = trace.outcome === 'delivered' ? `delivered; the client's socket talks to ${trace.target}` : `${trace.outcome}${trace.reason ? `: ${trace.reason}` : ''}`;
  return { section: 'outcome', ref: 'end', where: trace.request.from, what: 'outcome', simulator: sim, kernel: trace.outcome === 'nxdomain' ? `lookup ${obs.lookup?.ok ? 'succeeded' : `failed: ${obs.lookup?.code}`}` : kernel, status: ok ? 'ok' : 'diff' };
}

function dnsRows(trace: Trace, obs: Observation): Row[] {
  const dns = trace.dns;
  if (dns === null || obs.dnsLog === null) return [];
  const rows: Row[] = [];
  if (obs.resolvConf !== null) {
    const same = obs.resolvConf.trim() === dns.resolvConf.trim();
    rows.push({ section: 'dns', ref: 'dns', where: trace.request.from, what: 'resolv.conf', simulator: dns.resolvConf.trim().replace(/\n/g, ' / '), kernel: same ? 'same file' : obs.resolvConf.trim().replace(/\n/g, ' / '), status: same ? 'ok' : 'diff' });
  }
  const norm = (n: string): string => n.replace(/\.$/, '').toLowerCase();
  const simQ = dns.queries.map((q) => `${q.type} ${norm(q.name)} ${q.rcode}`);
  const realQ = obs.dnsLog.map((q) => `${q.type} ${norm(q.name)} ${q.rcode}`);
  const n = Math.max(simQ.length, realQ.length);
  for (let i = 0; i < n; i++) {
    const s = simQ[i] ?? '(no query)';
    const r = realQ[i] ?? '(no query)';
    rows.push({ section: 'dns', ref: `q${i + 1}`, where: obs.dnsLog[i]?.server ?? '-', what: 'query', simulator: s, kernel: r, status: s === r ? 'ok' : 'diff' });
  }
  if (obs.lookup !== null) {
    // The whole answer (a headless Service has one A record per ready endpoint), as getaddrinfo returns it.
    const simAnswer = dns.answers.length === 0 ? 'no address' : dns.answers.join(',');
    const realAnswer = obs.lookup.ok ? obs.lookup.answers.join(',') : 'no address';
    rows.push({ section: 'dns', ref: 'ans', where: trace.request.from, what: 'getaddrinfo', simulator: simAnswer, kernel: realAnswer, status: simAnswer === realAnswer ? 'ok' : 'diff' });
  }
  return rows;
}

/** A glibc resolver sends A and AAAA together: order the log by name first seen, then A before AAAA. */
export function orderDnsLog(entries: readonly (DnsLogEntry & { readonly t: bigint })[]): DnsLogEntry[] {
  const sorted = [...entries].sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  const first = new Map<string, number>();
  sorted.forEach((e, i) => { if (!first.has(e.name)) first.set(e.name, i); });
  const rank = (t: string): number => (t === 'A' ? 0 : t === 'AAAA' ? 1 : 2);
  return sorted
    .map((e) => ({ e, k: first.get(e.name)! }))
    .sort((a, b) => a.k - b.k || rank(a.e.type) - rank(b.e.type))
    .map(({ e }) => ({ server: e.server, remote: e.remote, name: e.name, type: e.type, rcode: e.rcode }));
}

export function compareScenario(trace: Trace, obs: Observation, cluster: ClusterModel): ScenarioComparison {
  const map = buildPortMap(trace, obs);
  const rows: Row[] = [];
  if (trace.endpoint !== null && obs.maxAttempts > 1) {
    rows.push({ section: 'endpoint', ref: 'pin', where: trace.request.from, what: 'endpoint', simulator: trace.endpoint, kernel: `chosen by the kernel's statistic match on attempt ${obs.attempts} of at most ${obs.maxAttempts}`, status: 'info' });
  }
  const sim = clientAddr(trace);
  if (sim !== null && map.get(sim) !== sim) {
    rows.push({ section: 'endpoint', ref: 'port', where: trace.request.from, what: 'client port', simulator: sim, kernel: `${map.get(sim)} (ephemeral ports are random; compared as this one)`, status: 'info' });
  }
  rows.push(...dnsRows(trace, obs));
  const { rows: ruleRows, fired } = counterRows(obs, cluster, trace.hops);
  for (const h of trace.hops) rows.push(hopRow(h, trace, obs, map, fired, cluster));
  rows.push(...ruleRows);
  rows.push(...conntrackRows(trace, obs, map, trace.hops));
  rows.push(outcomeRow(trace, obs));
  return { scenario: obs.scenario, rows, differences: rows.filter((r) => r.status === 'diff').length };
}

/**
 * A trace whose response is a full-size segment (responseBytes: vxlan-mtu) in two parts: the
 * handshake (the SYN and the SYN-ACK, delivered), which the lab checks as every other scenario, and
 * the index of the first hop of the data segment (the hops with a packet length). Null when the
 * trace has no such segment.
 */
export function splitAtData(trace: Trace): { handshake: Trace; firstData: number } | null {
  const k = trace.hops.findIndex((h) => h.packet.length !== undefined);
  if (k <= 0) return null;
  return { handshake: { ...trace, hops: trace.hops.slice(0, k), verdict: 'delivered', outcome: 'delivered', reason: null }, firstData: trace.hops[k]!.index };
}

/**
 * vxlan-mtu. The handshake as every scenario (one SYN, one SYN-ACK: exact counters and conntrack),
 * then a whole exchange on a connection of its own (the client's ACK and request, the server's
 * response and its retransmissions): its frames are compared with the data segment's hops, its
 * result with the trace's outcome, and the segment's sizes, its loss and the absence of any ICMP
 * with what the simulator says. The exchange's counters are not compared (the trace follows three
 * packets of it; the kernel counts every ACK and retransmission).
 */
export function compareFullSegment(trace: Trace, handshakeObs: Observation, dataObs: Observation, cluster: ClusterModel): ScenarioComparison {
  const split = splitAtData(trace);
  if (split === null) return compareScenario(trace, handshakeObs, cluster);
  const first = compareScenario(split.handshake, handshakeObs, cluster);
  const rows: Row[] = first.rows.filter((r) => r.section !== 'outcome');
  const whole = compareScenario(trace, dataObs, cluster);
  rows.push(...whole.rows.filter((r) => r.section === 'hop' && Number(r.ref) >= split.firstData));
  rows.push(...segmentRows(trace, dataObs, split.firstData));
  rows.push({
    section: 'rules', ref: 'rule', where: '-', what: 'counters',
    simulator: 'the exchange after the handshake: the trace follows its data segment only',
    kernel: 'not compared for the exchange (the kernel also counts the client\'s ACK and request and every retransmission); the handshake\'s counters are compared above',
    status: 'info',
  });
  rows.push(...whole.rows.filter((r) => r.section === 'outcome'));
  return { scenario: first.scenario, rows, differences: rows.filter((r) => r.status === 'diff').length };
}

/** The data segment's size and DF on the wire, where it stops, and that no ICMP reports it. */
function segmentRows(trace: Trace, obs: Observation, firstData: number): Row[] {
  const rows: Row[] = [];
  const data = trace.hops.filter((h) => h.index >= firstData);
  const wire = data.find((h) => h.step === 'wire');
  const sent = data[0];
  if (wire === undefined || sent === undefined) return rows;
  const map = buildPortMap(trace, obs);
  const e = expectOf(wire.packet, map);
  const isData = (ip: IpPacket | null | undefined): boolean => ip !== null && ip !== undefined && sameAddrs(e, ip) && (ip.flags ?? '').includes('P');
  // On the sender's wire: the outer packets carrying the segment (each retransmission too).
  const onWire = (obs.frames[captureKey(wire.node, wire.netns, 'eth0')] ?? []).filter((c) => isData(c.frame.ip?.vxlan?.inner.ip ?? c.frame.ip));
  const innerLen = wire.packet.length ?? null;
  const outerLen = innerLen === null ? null : innerLen + (wire.packet.outer ? VXLAN_OVERHEAD : 0);
  const simSize = `${wire.packet.outer ? `outer ${outerLen} bytes, DF clear; inner ` : ''}${innerLen} bytes, DF ${wire.packet.df ? 'set' : 'clear'}`;
  if (onWire.length === 0) {
    rows.push({ section: 'outcome', ref: 'size', where: `${wire.node}/eth0`, what: 'segment size', simulator: simSize, kernel: `the segment never left ${wire.node}'s eth0`, status: 'diff' });
  } else {
    const f = onWire[0]!.frame;
    const inner = f.ip?.vxlan?.inner.ip ?? null;
    const got = `${inner ? `outer ${f.ip?.length} bytes, DF ${f.ip?.df ? 'set' : 'clear'}; inner ` : ''}${(inner ?? f.ip)?.length} bytes, DF ${(inner ?? f.ip)?.df ? 'set' : 'clear'}`;
    rows.push({ section: 'outcome', ref: 'size', where: `${wire.node}/eth0`, what: 'segment size', simulator: simSize, kernel: `${got} (sent ${onWire.length} time${onWire.length === 1 ? '' : 's'}: the first transmission and the retransmissions)`, status: got === simSize ? 'ok' : 'diff' });
  }
  // Beyond the wire: every capture on the other side of the node network.
  const beyond: string[] = [];
  for (const [key, list] of Object.entries(obs.frames)) {
    if (key.startsWith(`${wire.node}|`)) continue;
    const n = list.filter((c) => isData(c.frame.ip?.vxlan?.inner.ip ?? c.frame.ip)).length;
    if (n > 0) beyond.push(`${key.split('|').slice(1).join(' ')}: ${n}`);
  }
  rows.push({
    section: 'outcome', ref: 'lost', where: 'node network', what: 'segment lost',
    simulator: trace.outcome === 'dropped' ? `discarded between ${wire.node} and the peer: no capture beyond ${wire.node}'s eth0 sees it` : 'delivered',
    kernel: beyond.length === 0 ? `no capture beyond ${wire.node}'s eth0 saw it` : `seen beyond ${wire.node}: ${beyond.join(', ')}`,
    status: (beyond.length === 0) === (trace.outcome === 'dropped') ? 'ok' : 'diff',
  });
  const icmp = obs.icmp ?? null;
  const simIcmp = data.some((h) => h.step === 'icmp-error') ? 'an ICMP error' : 'no ICMP from anyone';
  rows.push({
    section: 'outcome', ref: 'icmp', where: 'every capture', what: 'ICMP',
    simulator: simIcmp,
    kernel: icmp === null ? 'not recorded' : icmp.length === 0 ? 'no ICMP message in any capture' : icmp.slice(0, 3).join(' | '),
    status: icmp === null ? 'info' : (icmp.length === 0) === (simIcmp === 'no ICMP from anyone') ? 'ok' : 'diff',
  });
  return rows;
}

/** The capture filter: does this frame belong to the flow (any of its tuples, either way, or inside VXLAN/ICMP)? */
export function frameInFlow(f: Frame, tuples: readonly Tuple[], proto: string): boolean {
  const ip = f.ip;
  if (ip === null) return false;
  const inner = ip.vxlan?.inner.ip;
  if (inner) return packetInFlow(inner, tuples, proto);
  if (ip.proto === 'ICMP' && ip.icmp?.inner) return packetInFlow(ip.icmp.inner, tuples, proto);
  return packetInFlow(ip, tuples, proto);
}

function packetInFlow(ip: IpPacket, tuples: readonly Tuple[], proto: string): boolean {
  if (ip.proto !== proto) return false;
  return tuples.some(
    (t) =>
      (ip.src === t.src && ip.sport === t.sport && ip.dst === t.dst && ip.dport === t.dport) ||
      (ip.src === t.dst && ip.sport === t.dport && ip.dst === t.src && ip.dport === t.sport),
  );
}

export { describeIp };
