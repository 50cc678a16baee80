// The live stepper: one hop at a time. Where the packet is, which component acts and what it
// does, the headers with the fields this hop changed marked, the rule that rewrote it and the
// conntrack entry, or (c) the command that shows this hop on a node and what it prints.
// Screen-reader mode draws a numbered transcript, one line per hop, the current one in detail.

import { hostPort } from '../../core/net/ipv4.js';
import { observeHop, type Observation } from '../../core/observe.js';
import { outerProtoText } from '../../core/outer-text.js';
import type { Hop, PacketView, Trace } from '../../core/trace-model.js';
import type { Hint, ScreenView, ViewContext } from '../frame.js';
import { SPEEDS, type StepperState } from '../state.js';
import { hasDnsLookup, hasDnsTrack, isLessonStop, positionIn, stepperHops, stopsOf, topology, traceOf, type Topology } from '../stepper-model.js';
import { BLANK, lineWidth, prefixLines, seg, sideBySide, wrapPreserving, wrapSegs, type Line, type Seg } from '../text.js';
import type { Theme, Tone } from '../theme.js';
import type { PredictAsk } from '../../core/quiz/types.js';
import type { PredictAnswer, PredictState } from '../state.js';
import { paragraphs, questionBody } from './question.js';

const ASK_LABEL: Record<PredictAsk, string> = {
  'next-hop': 'where it goes next',
  rewrite: 'the rewrite',
  chain: 'the chain',
  'outer-header': 'the outer header',
  conntrack: 'the conntrack entry',
  'dns-queries': 'the DNS queries',
};

/** Before the hop is shown: the prediction's question, with the stepper's position. */
function predictView(st: StepperState, q: PredictState, ctx: ViewContext, title: string[], total: number): ScreenView {
  const { theme, width } = ctx;
  const g = theme.glyphs;
  const item = q.questions[q.current]!;
  const count = q.questions.length > 1 ? ` (${q.current + 1} of ${q.questions.length})` : '';
  const header: Line[] = [[seg(` Before hop ${q.hop + 1} of ${total}`, 'strong'), seg(g.sep), seg(q.at, 'muted'), seg(g.sep), seg(`predict${count}`, 'focus')]];
  const before = paragraphs(`Think first: ${ASK_LABEL[item.ask]}. The hop is shown after you answer.`, width, 'em');
  const { body, focus } = questionBody(item.question, q.cursor, theme, width, [...before, BLANK]);
  const updown = theme.ascii || theme.screenReader ? 'Up/Down' : '↑↓';
  const n = item.question.choices.length;
  const hints: Hint[] = [
    { keys: `1-${n}`, what: 'answer' },
    { keys: `${updown} Enter`, what: 'choose' },
    { keys: 'a', what: 'predictions off' },
    { keys: '?', what: 'keys' },
    { keys: 'q', what: 'back' },
  ];
  void st;
  return { title, header, body, scroll: 0, focus, hints };
}

/** After the answers: each choice, whether it was right, and why (whatever the answer was). */
function revealLines(answers: readonly PredictAnswer[], width: number): Line[] {
  const out: Line[] = [];
  for (const a of answers) {
    const chosen = a.question.choices[a.choice]!;
    const right = a.choice === a.question.key;
    out.push(...wrapSegs([seg('You predicted ', 'strong'), seg(`${ASK_LABEL[a.ask]}: `), seg(chosen.text), seg(right ? ' (right)' : ' (not this time)', right ? 'good' : 'bad')], width));
    out.push(...wrapSegs([seg('Why: ', 'label'), seg(chosen.explanation)], width, 5));
    if (!right) {
      const key = a.question.choices[a.question.key]!;
      out.push(...wrapSegs([seg('The answer: ', 'label'), seg(key.text, 'strong'), seg(`. ${key.explanation}`)], width, 5));
    }
    out.push(BLANK);
  }
  return out;
}

const LABEL = 10;
/** Below this width labels go on a line of their own. */
const NARROW = 56;

const COMPONENT_TEXT: Record<Hop['component'], string> = {
  app: 'the application',
  socket: 'the socket',
  resolver: 'the resolver',
  veth: 'the veth pair',
  bridge: 'the cni0 bridge',
  routing: 'the routing table',
  netfilter: 'netfilter (iptables)',
  conntrack: 'conntrack',
  ipvs: 'IPVS',
  vxlan: 'the VXLAN device',
  ipip: 'the IPIP tunnel',
  wire: 'the node network',
};

/** "Label     value..." wrapped under the value column. */
function labelled(label: string, value: readonly Seg[], width: number): Line[] {
  if (width < NARROW) return [...(label === '' ? [] : [[seg(label, 'label')]]), ...wrapSegs(value, width - 2).map((l) => [seg('  '), ...l])];
  const wrapped = wrapSegs(value, width - LABEL);
  return prefixLines(wrapped, [seg(label.padEnd(LABEL), 'label')], [seg(' '.repeat(LABEL))]);
}

/** Preformatted text under a label column (commands, rules, conntrack lines). */
function labelledPre(label: string, text: string, tone: Tone, width: number): Line[] {
  const narrow = width < NARROW;
  const w = narrow ? width - 2 : width - LABEL;
  const wrapped = wrapPreserving(text, w, tone, 2);
  if (narrow) return [...(label === '' ? [] : [[seg(label, 'label')]]), ...wrapped.map((l) => [seg('  '), ...l])];
  return prefixLines(wrapped, [seg(label.padEnd(LABEL), 'label')], [seg(' '.repeat(LABEL))]);
}

// ---------------------------------------------------------------- the diagram

function topologyLines(topo: Topology, hop: Hop, theme: Theme, width: number): Line[] {
  if (topo.places.length === 0) return [];
  const g = theme.glyphs;
  const pos = positionIn(topo, hop);
  const at = topo.places[pos.place];
  // The node whose devices stay listed when space is short: the packet's, or its pod's node.
  const focusNode = at === undefined ? null : at.kind === 'node' ? at.name : at.node;
  const here = (text: string): Seg => seg(`${g.hereOpen}${text}${g.hereClose}`, 'here');
  const build = (expandAll: boolean): Seg[] => {
    const segs: Seg[] = [];
    topo.places.forEach((place, i) => {
      if (i > 0) {
        const prev = topo.places[i - 1];
        const tunnel = topo.overlay && prev?.kind === 'node' && place.kind === 'node';
        segs.push(seg(` ${tunnel ? g.tunnel : g.link} `, 'muted'));
      }
      if (place.kind === 'pod') {
        segs.push(i === pos.place ? here(place.name) : seg(place.name, 'strong'));
        return;
      }
      segs.push(seg(place.name, 'strong'));
      if (!expandAll && place.name !== focusNode) return;
      segs.push(seg(' ['));
      place.devices.forEach((d, k) => {
        if (k > 0) segs.push(seg(' '));
        segs.push(i === pos.place && d === pos.device ? here(d) : seg(d, 'muted'));
      });
      segs.push(seg(']'));
    });
    return segs;
  };
  const full = build(true);
  const line = lineWidth(full) <= width ? full : build(false);
  return wrapSegs(line, width, 3);
}

// ---------------------------------------------------------------- headers

function mark(text: string, changed: boolean, theme: Theme): Seg[] {
  if (!changed) return [seg(text)];
  if (theme.screenReader) return [seg(`${text} (changed)`, 'changed')];
  return [seg(`${theme.glyphs.changed}${text}`, 'changed')];
}

function protoText(p: PacketView): string {
  if (p.proto === 'TCP') {
    const flags = p.flags === 'S' ? 'SYN' : p.flags === 'S.' ? 'SYN-ACK' : p.flags === 'R' ? 'RST' : p.flags ? `[${p.flags}]` : '';
    return `TCP ${flags}`.trim();
  }
  return p.proto;
}

export function headerLines(hop: Hop, theme: Theme, width: number): Line[] {
  const p = hop.packet;
  const ch = new Set(hop.changed);
  const a = ` ${theme.glyphs.arrow} `;
  const out: Line[] = [];
  if (p.srcMac !== null || p.dstMac !== null) {
    out.push(...labelled('Ethernet', [...mark(p.srcMac ?? '?', ch.has('srcMac'), theme), seg(a), ...mark(p.dstMac ?? '?', ch.has('dstMac'), theme)], width));
  }
  out.push(...labelled('IP', [...mark(p.src, ch.has('src'), theme), seg(a), ...mark(p.dst, ch.has('dst'), theme)], width));
  out.push(...labelled('', [seg(`${protoText(p)},`), seg(' '), ...mark(`TTL ${p.ttl}`, ch.has('ttl'), theme)], width));
  const o = p.outer;
  if (o !== null) {
    const outerChanged = ch.has('outer');
    const vni = o.vni !== null ? ` VXLAN VNI ${o.vni}` : '';
    out.push(...labelled('Outer', [...mark(hostPort(o.src, o.sport), outerChanged, theme), seg(a), ...mark(hostPort(o.dst, o.dport), outerChanged, theme)], width));
    out.push(...labelled('', [seg(`${outerProtoText(o)}${vni}, TTL ${o.ttl}`)], width));
    out.push(...labelled('', [seg(`${o.srcMac}${a}${o.dstMac}`)], width));
  } else if (ch.has('outer')) {
    out.push(...labelled('Outer', [...mark('removed:', true, theme), seg(" the tunnel's outer headers are stripped")], width));
  }
  if (hop.changed.length > 0 && !theme.screenReader) {
    out.push([seg(' '.repeat(width < NARROW ? 2 : LABEL)), seg(theme.glyphs.changed, 'changed'), seg(' changed by this hop', 'muted')]);
  }
  return out;
}

// ---------------------------------------------------------------- details

function detailLines(hop: Hop, theme: Theme, width: number): Line[] {
  const a = ` ${theme.glyphs.arrow} `;
  const out: Line[] = [];
  const r = hop.rewrite;
  if (r !== null) {
    out.push(...labelled('Rewrite', [seg(`${r.kind} `, 'changed'), seg(`${r.from}${a}${r.to}`, 'changed')], width));
    if (r.rule !== null) {
      out.push(...labelled('By', [seg(r.table === 'ipvs' ? `IPVS virtual service ${r.chain ?? '?'}` : `${r.table ?? 'nat'} table, chain ${r.chain ?? '?'}`)], width));
      out.push(...labelledPre('', r.rule, 'rule', width));
    } else {
      out.push(...labelled('By', [seg('conntrack, from the entry below: no rule is walked again')], width));
    }
  }
  if (hop.conntrack !== null) out.push(...labelledPre('Conntrack', hop.conntrack, 'code', width));
  else if (hop.conntrackPending !== null) {
    out.push(...labelled('Conntrack', [seg('unconfirmed until POSTROUTING, so conntrack -L does not list it yet:', 'muted')], width));
    out.push(...labelledPre('', hop.conntrackPending, 'code', width));
  }
  if (hop.rules.length > 0) {
    out.push(...labelled('Rules', [seg(`${hop.rules.length} walked, as their owners wrote them:`, 'muted')], width));
    for (const rule of hop.rules) out.push(...labelledPre('', rule, 'rule', width));
  }
  return out;
}

function whereText(where: Observation['where']): string {
  if (where.kind === 'host') return `On the client ${where.host}:`;
  return where.kind === 'node' ? `On ${where.node}, as root:` : 'Anywhere kubectl reaches the cluster:';
}

function observeLines(observations: readonly Observation[], width: number): Line[] {
  const out: Line[] = [];
  observations.forEach((o, i) => {
    if (i > 0) out.push(BLANK);
    out.push([seg(whereText(o.where), 'label')]);
    out.push(...wrapPreserving(`$ ${o.command}`, width, 'command', 4));
    if (o.output.length === 0) out.push([seg('(no output)', 'muted')]);
    for (const line of o.output) out.push(...wrapPreserving(line, width, 'code', 4));
    if (o.note !== null) out.push(...wrapSegs([seg(o.note, 'muted')], width));
  });
  return out;
}

function resultLines(trace: Trace, width: number): Line[] {
  const good = trace.verdict === 'delivered';
  const out = labelled('Result', [seg(trace.outcome === 'delivered' ? 'delivered' : trace.outcome, good ? 'good' : 'bad'), ...(trace.reason ? [seg(`: ${trace.reason}`)] : [])], width);
  for (const a of trace.assumptions) out.push(...labelled('Assumed', [seg(a, 'muted')], width));
  return out;
}

// ---------------------------------------------------------------- the view

function positionLine(st: StepperState, hops: readonly Hop[], theme: Theme): Line {
  const g = theme.glyphs;
  const hop = hops[st.hop];
  const segs: Seg[] = [seg(` Hop ${st.hop + 1} of ${hops.length}`, 'strong')];
  if (hop !== undefined) segs.push(seg(g.sep), seg(hop.direction, 'label'), seg(g.sep), seg(hop.step, 'muted'));
  if (st.track === 'dns') segs.push(seg(g.sep), seg('DNS lookup', 'label'));
  if (isLessonStop(st, st.hop)) {
    const stops = stopsOf(st);
    segs.push(seg(g.sep), seg(`focus stop ${stops.indexOf(st.hop) + 1} of ${stops.length}`, 'focus'));
  }
  const secs = (SPEEDS[st.speed] ?? 1000) / 1000;
  segs.push(seg(g.sep), seg(st.playing ? `playing, ${secs} s per hop` : 'paused', st.playing ? 'focus' : 'muted'));
  return segs;
}

function hints(st: StepperState, trace: Trace | null, theme: Theme): Hint[] {
  const [right, left] = theme.ascii || theme.screenReader ? ['Right', 'Left'] : ['→', '←'];
  const hops = stepperHops(st);
  const hop = hops[st.hop];
  const lesson = st.focus.length > 0;
  const tab: Hint = { keys: 'Tab', what: lesson ? 'next stop' : 'next change' };
  const list: Hint[] = [
    { keys: `${right}`, what: 'next' },
    { keys: `${left}`, what: 'back a hop' },
    // In a lesson the focus stops are the point: Tab comes before everything but stepping.
    ...(lesson ? [tab] : []),
    { keys: 'Space', what: st.playing ? 'pause' : 'play' },
    { keys: 'r', what: hop?.direction === 'reply' ? 'request' : 'reply' },
    ...(st.track === 'dns' || hasDnsLookup(trace) ? [{ keys: 'd', what: st.track === 'dns' ? 'connection' : 'DNS' }] : []),
    { keys: 'c', what: st.observe ? 'details' : 'command' },
    ...(lesson ? [] : [tab]),
  ];
  if (st.predicts.length > 0) list.push({ keys: 'a', what: 'predictions on/off' });
  list.push({ keys: '+-', what: 'speed' }, { keys: '?', what: 'keys' }, { keys: 'q', what: 'back' });
  return list;
}

/** The number of the query `d` can follow hop by hop (1-based), or null. */
function journeyNumber(trace: Trace): number | null {
  const dns = trace.dns;
  if (dns === null || dns.journeyQuery === null) return null;
  const j = dns.journeyQuery;
  const i = dns.queries.findIndex((q) => q === j || (q.name === j.name && q.type === j.type && q.rcode === j.rcode));
  return i < 0 ? null : i + 1;
}

/** The DNS lookup panel: resolv.conf, then every query in the order the resolver sent it. */
export function dnsPanelLines(trace: Trace, width: number): Line[] {
  const dns = trace.dns;
  if (dns === null) return [];
  const out: Line[] = [];
  const n = dns.queries.length;
  out.push(...wrapSegs([seg(`Before it can connect, the resolver turns the name into an address: ${n} ${n === 1 ? 'query' : 'queries'}, in order.`)], width));
  out.push(BLANK);
  out.push([seg('/etc/resolv.conf in the pod', 'label')]);
  for (const l of dns.resolvConf.replace(/\n+$/, '').split('\n')) out.push(...wrapPreserving(`  ${l}`, width, 'code', 4));
  out.push(BLANK);
  out.push([seg(`Queries${dns.server ? ` to ${dns.server}` : ''}`, 'label')]);
  const pad = String(n).length;
  const journey = journeyNumber(trace);
  dns.queries.forEach((q, i) => {
    const num = `${String(i + 1).padStart(pad)} `;
    const text = `${q.type} ${q.name} ${q.rcode}${q.answer ? ` ${q.answer}` : ''}`;
    const mark = journey === i + 1 ? ' (followed hop by hop)' : '';
    const wrapped = wrapPreserving(text + mark, width - num.length - 2, q.rcode === 'NOERROR' ? 'code' : undefined, 2);
    out.push(...prefixLines(wrapped, [seg(`  ${num}`, 'key')], [seg(' '.repeat(num.length + 2))]));
  });
  if (dns.answeredBy !== null) out.push(...wrapSegs([seg(`Answered by ${dns.answeredBy}.`, 'muted')], width));
  out.push(BLANK);
  if (journey !== null && hasDnsTrack(trace)) {
    out.push(...wrapSegs([seg('Enter', 'key'), seg(` follows the journey of query ${journey}, to CoreDNS and back; `), seg('d', 'key'), seg(' goes back to the connection.')], width));
  } else if (journey !== null && trace.hops.length > 0) {
    out.push(...wrapSegs([seg(`This trace's hops are the journey of query ${journey}, to CoreDNS and back. `), seg('d', 'key'), seg(' closes this list.')], width));
  } else {
    out.push(...wrapSegs([seg('d', 'key'), seg(' closes this list.')], width));
  }
  return out;
}

function panelView(st: StepperState, trace: Trace, ctx: ViewContext, title: string[]): ScreenView {
  const { theme, width } = ctx;
  const margin = (lines: readonly Line[]): Line[] => lines.map((l) => (l.length === 0 ? l : [seg(' '), ...l]));
  const n = trace.dns?.queries.length ?? 0;
  const header: Line[] = [[seg(' DNS lookup', 'strong'), seg(theme.glyphs.sep), seg(`${n} ${n === 1 ? 'query' : 'queries'}`, 'muted')]];
  const updown = theme.ascii || theme.screenReader ? 'Up/Down' : '↑↓';
  const list: Hint[] = [];
  if (hasDnsTrack(trace) && journeyNumber(trace) !== null) list.push({ keys: 'Enter', what: 'follow the query' });
  list.push({ keys: 'd', what: 'close' }, { keys: updown, what: 'scroll' }, { keys: '?', what: 'keys' }, { keys: 'q', what: 'close' });
  return { title: [...title, 'DNS lookup'], header, body: margin(dnsPanelLines(trace, width - 1)), scroll: st.scroll, focus: null, hints: list };
}

function hopSentence(hop: Hop, i: number): string {
  const where = hop.node === null ? hop.netns : hop.netns === hop.node ? `${hop.node}, ${hop.device}` : `${hop.netns} on ${hop.node}, ${hop.device}`;
  return `${i + 1}. ${hop.direction}, ${where}, ${hop.component}: ${hop.action}`;
}

function emptyTraceLines(st: StepperState, trace: Trace | null, width: number): Line[] {
  if (!st.result.ok) return labelled('Error', [seg(st.result.error.message, 'bad')], width);
  if (trace === null) return [];
  const out: Line[] = [];
  out.push(...resultLines(trace, width));
  const queries = trace.dns?.queries ?? [];
  if (queries.length > 0) {
    out.push(BLANK);
    out.push(...labelled('DNS', [seg(`the resolver asked ${queries.length} questions:`, 'muted')], width));
    for (const q of queries) out.push(...labelledPre('', `${q.type} ${q.name} ${q.rcode}${q.answer ? ` ${q.answer}` : ''}`, 'code', width));
  }
  if (hasDnsLookup(trace)) {
    out.push(BLANK);
    out.push(...wrapSegs([seg('d', 'key'), seg(' shows the DNS lookup: resolv.conf and every query in order.')], width));
  }
  return out;
}

export function stepperView(st: StepperState, ctx: ViewContext): ScreenView {
  const { theme, width } = ctx;
  const trace = traceOf(st);
  const hops = stepperHops(st);
  const title = st.origin !== null ? [`Lesson ${st.origin.lessonId}`, st.title] : ['Simulator', st.title];
  const hop = hops[st.hop];
  if (st.question !== null) return predictView(st, st.question, ctx, title, hops.length);
  if (st.panel && trace !== null) return panelView(st, trace, ctx, title);
  const reveal = st.reveal !== null && st.reveal.hop === st.hop && st.track === 'main' ? revealLines(st.reveal.answers, width - 1) : [];
  if (hop === undefined) {
    const body = emptyTraceLines(st, trace, width - 1).map((l) => (l.length === 0 ? l : [seg(' '), ...l]));
    return { title, header: [], body, scroll: st.scroll, focus: null, hints: hints(st, trace, theme).filter((h) => h.keys === 'd' || h.keys === '?' || h.keys === 'q') };
  }
  const context = { previous: hops[st.hop - 1] ?? null, trace };
  const isLast = st.hop === hops.length - 1;

  if (theme.screenReader) return screenReaderView(st, ctx, title, hops, hop, trace, context.previous, reveal);

  // One column of margin on the left.
  const margin = (lines: readonly Line[]): Line[] => lines.map((l) => (l.length === 0 ? l : [seg(' '), ...l]));
  const inner = width - 1;
  const header: Line[] = [positionLine(st, hops, theme), ...margin(topologyLines(topology(hops), hop, theme, inner))];

  const situation = (w: number): Line[] => {
    const out: Line[] = [];
    const where = hop.node === null ? hop.netns : `${hop.node} ${theme.glyphs.pointer} netns ${hop.netns} ${theme.glyphs.pointer} ${hop.device}`;
    out.push(...labelled('Where', [seg(where)], w));
    out.push(...labelled('Who', [seg(COMPONENT_TEXT[hop.component], 'strong'), ...(hop.hook ? [seg(` at ${hop.hook}`)] : [])], w));
    out.push(...labelled('', [seg(hop.action)], w));
    return out;
  };
  const packet = (w: number): Line[] => {
    const out = headerLines(hop, theme, w);
    if (isLast && trace !== null) out.push(BLANK, ...resultLines(trace, w));
    return out;
  };
  const observed = (w: number): Line[] => observeLines(observeHop(hop, st.cluster, context), w);
  const details = (w: number): Line[] => detailLines(hop, theme, w);
  const joined = (...parts: Line[][]): Line[] => parts.filter((p) => p.length > 0).flatMap((p, i) => (i === 0 ? p : [BLANK, ...p]));

  let body: Line[];
  if (inner >= 109) {
    // Wide: where, what and the headers on the left; the rule, conntrack or command on the right.
    const lw = Math.floor((inner - 3) / 2);
    const rw = inner - lw - 3;
    body = sideBySide(joined(situation(lw), packet(lw)), st.observe ? observed(rw) : details(rw), lw, 3);
  } else if (st.observe) {
    // The command comes before the headers, so it is on screen without scrolling.
    body = joined(situation(inner), observed(inner), packet(inner));
  } else {
    body = joined(situation(inner), packet(inner), details(inner));
  }
  body = margin([...reveal, ...body]);
  return { title, header, body, scroll: st.scroll, focus: null, hints: hints(st, trace, theme) };
}

function screenReaderView(st: StepperState, ctx: ViewContext, title: string[], hops: readonly Hop[], hop: Hop, trace: Trace | null, previous: Hop | null, reveal: readonly Line[]): ScreenView {
  const { theme, width } = ctx;
  const body: Line[] = [];
  let start = 0;
  hops.forEach((h, i) => {
    if (i === st.hop) {
      start = body.length;
      body.push(...reveal);
      body.push(...wrapSegs([seg('Current hop. ', 'strong'), seg(hopSentence(h, i))], width));
      body.push(...headerLines(h, theme, width));
      const detail = st.observe ? observeLines(observeHop(h, st.cluster, { previous, trace }), width) : detailLines(h, theme, width);
      body.push(...detail);
      if (i === hops.length - 1 && trace !== null) body.push(...resultLines(trace, width));
    } else {
      body.push(...wrapSegs([seg(hopSentence(h, i))], width));
    }
  });
  const position = `Hop ${st.hop + 1} of ${hops.length}, ${hop.direction}${st.track === 'dns' ? ', DNS lookup' : ''}${st.playing ? ', playing' : ''}.`;
  return { title, header: [[seg(position, 'strong')]], body, scroll: start + st.scroll, scrollBase: start, focus: null, hints: hints(st, trace, theme) };
}
