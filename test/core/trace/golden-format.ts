// A compact, reviewable text form of a Trace for golden files: a few '#' header lines, then exactly
// one line per hop. Columns of a hop line:
//   index  direction  node  netns/device  step@hook  proto src > dst [flags]  ttl=N  srcMac>dstMac
// followed, only when present, by ' | '-separated parts:
//   outer <proto> <src:sport> > <dst:dport> vni=N ttl=N <srcMac>> <dstMac>   (VXLAN/IPIP outer header)
//   <KIND> <from> -> <to> [by <rule>]                                          (NAT rewrite)
//   rule <table chain: -A ...>                                                  (the last rule that fired)
//   ct <conntrack -L line>                                                      (only when it changed on that node)
//   ct-pending <the entry before confirmation, not yet in conntrack -L>         (only when it changed)

import type { Hop, Trace } from '../../../src/core/trace-model.js';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function formatHop(h: Hop, lastCt: Map<string, string>): string {
  const p = h.packet;
  const dir = h.direction === 'request' ? 'req' : 'rep';
  const where = `${h.netns}/${h.device}`;
  const step = h.hook ? `${h.step}@${h.hook}` : h.step;
  const flags = p.flags ? ` [${p.flags}]` : '';
  const macs = `${p.srcMac ?? '-'}>${p.dstMac ?? '-'}`;
  const parts = [
    `${String(h.index).padStart(2, '0')} ${dir} ${pad(h.node ?? '-', 7)} ${pad(where, 34)} ${pad(step, 28)} ${p.proto} ${p.src} > ${p.dst}${flags} ttl=${p.ttl}${p.length !== undefined ? ` len=${p.length}${p.df ? ' DF' : ''}` : ''} ${macs}`,
  ];
  if (p.outer) {
    const o = p.outer;
    parts.push(`outer ${o.proto} ${o.src}:${o.sport ?? '-'} > ${o.dst}:${o.dport ?? '-'} vni=${o.vni ?? '-'} ttl=${o.ttl} ${o.srcMac}>${o.dstMac}`);
  }
  if (h.rewrite) {
    const r = h.rewrite;
    parts.push(`${r.kind} ${r.from} -> ${r.to}${r.rule ? ` by ${r.rule}` : ''}`);
  } else if (h.rules.length > 0) {
    parts.push(`rule ${h.rules.at(-1)}`);
  }
  if (h.conntrack !== null) {
    const key = h.node ?? '-';
    if (lastCt.get(key) !== h.conntrack) parts.push(`ct ${h.conntrack}`);
    lastCt.set(key, h.conntrack);
  } else if (h.conntrackPending !== null) {
    // Held by the kernel but not yet listed by conntrack -L (confirmed at the end of POSTROUTING).
    const key = `${h.node ?? '-'}/pending`;
    if (lastCt.get(key) !== h.conntrackPending) parts.push(`ct-pending ${h.conntrackPending}`);
    lastCt.set(key, h.conntrackPending);
  }
  return parts.join(' | ');
}

export function formatHops(hops: readonly Hop[]): string[] {
  const lastCt = new Map<string, string>();
  return hops.map((h) => formatHop(h, lastCt));
}

export function formatTrace(name: string, t: Trace): string {
  const lines = [
    `# scenario ${name}: ${t.request.from} -> ${t.request.to} (${t.request.proto})`,
    `# target ${t.target ?? '-'} endpoint ${t.endpoint ?? '-'} verdict ${t.verdict} outcome ${t.outcome}`,
    `# reason ${t.reason ?? '-'}`,
  ];
  for (const a of t.assumptions) lines.push(`# assumption ${a}`);
  if (t.dns) {
    lines.push(`# dns server ${t.dns.server ?? '-'} answered-by ${t.dns.answeredBy ?? '-'} journey-hops ${t.dns.hops.length}`);
    for (const q of t.dns.queries) lines.push(`# dns ${pad(q.type, 4)} ${q.name} ${q.rcode}${q.answer ? ` ${q.answer}` : ''}`);
  }
  for (const e of t.earlier ?? []) {
    lines.push(`# earlier connection from ${e.from} to ${e.target ?? '-'} endpoint ${e.endpoint ?? '-'} verdict ${e.verdict}`);
    lines.push(...formatHops(e.hops).map((l) => `e${l}`));
  }
  lines.push(...formatHops(t.hops));
  return `${lines.join('\n')}\n`;
}
