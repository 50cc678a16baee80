// The Trace as text for a terminal or a pipe: DNS first, then the request hop by hop, then the reply.

import { outerText } from '../core/outer-text.js';
import type { Hop, Trace } from '../core/trace-model.js';
import { wrap } from './wrap.js';

export interface TextStyle {
  readonly width: number;
  readonly ascii: boolean;
}

function where(h: Hop): string {
  const ns = h.netns === h.node ? `${h.node}` : `${h.node ?? ''} ${h.netns}`.trim();
  return `${ns} ${h.device}`;
}

function hopLines(h: Hop, style: TextStyle): string[] {
  const arrow = style.ascii ? '->' : '→';
  const mark = style.ascii ? '*' : '●';
  const changed = h.changed.length > 0 ? `  ${mark}${h.changed.join(`,${mark}`)}` : '';
  const lines = [`${String(h.index).padStart(3)}  ${where(h)}  [${h.step}]`];
  const p = h.packet;
  const size = p.length !== undefined ? `  length ${p.length}${p.df ? ' DF' : ''}` : '';
  lines.push(`     ${p.proto} ${p.src} ${arrow} ${p.dst}  ttl ${p.ttl}${size}${changed}`);
  if (p.srcMac || p.dstMac) lines.push(`     ether ${p.srcMac ?? '-'} ${arrow} ${p.dstMac ?? '-'}`);
  if (p.outer) {
    const o = p.outer;
    lines.push(`     outer ${outerText(o, arrow)}  ttl ${o.ttl}`);
    lines.push(`     outer ether ${o.srcMac} ${arrow} ${o.dstMac}`);
  }
  lines.push(...wrap(h.action, style.width, '     '));
  if (h.rewrite) {
    const r = h.rewrite;
    const by = r.chain ? ` by ${r.table} ${r.chain}` : ' by conntrack';
    lines.push(...wrap(`${r.kind} ${r.from} ${arrow} ${r.to}${by}`, style.width, '     '));
    if (r.rule) lines.push(...wrap(r.rule, style.width, '       '));
  }
  if (h.conntrack) lines.push(...wrap(`conntrack -L: ${h.conntrack}`, style.width, '     '));
  return lines;
}

export function traceText(t: Trace, style: TextStyle): string {
  const arrow = style.ascii ? '->' : '→';
  const out: string[] = [`Trace: ${t.request.from} ${arrow} ${t.request.to} (${t.request.proto})`];
  if (t.proxyMode === 'ipvs') out.push('kube-proxy: IPVS mode (kube-ipvs0, IPVS virtual services, ipsets)');
  if (t.dns) {
    out.push('', 'DNS');
    out.push(...t.dns.resolvConf.trimEnd().split('\n').map((l) => `  ${l}`));
    t.dns.queries.forEach((q, i) => {
      out.push(`  ${String(i + 1).padStart(2)}  ${q.type.padEnd(4)} ${q.name}  ${q.rcode}${q.answer ? ` ${q.answer}` : ''}`);
    });
    const dnat = t.dns.hops.find((h) => h.rewrite?.kind === 'DNAT');
    const q = t.dns.journeyQuery;
    if (dnat?.rewrite && t.dns.answeredBy && q) {
      const which = q.answer ? 'The answering query' : `The last query (${q.type} ${q.name}, ${q.rcode})`;
      out.push(...wrap(`${which} went to ${dnat.rewrite.from}, which ${dnat.rewrite.table === 'ipvs' ? 'IPVS (programmed by kube-proxy) DNATs' : "kube-proxy's rules DNAT"} to ${dnat.rewrite.to} (${t.dns.answeredBy}); the reply is un-DNATed, so the pod only ever sees ${dnat.rewrite.from}. (--scenario dns-lookup shows that journey hop by hop.)`, style.width, '  '));
    }
  }
  for (const e of t.earlier ?? []) {
    out.push('', `Earlier connection from ${e.from}: ${e.verdict}${e.endpoint ? `, to ${e.endpoint}` : ''}`);
    for (const h of e.hops) out.push(...hopLines(h, style), '');
    out.pop();
  }
  if (t.earlier && t.earlier.length > 0) out.push('', 'This connection');
  for (const direction of ['request', 'reply'] as const) {
    const hops = t.hops.filter((h) => h.direction === direction);
    if (hops.length === 0) continue;
    out.push('', direction === 'request' ? 'Request' : 'Reply');
    for (const h of hops) out.push(...hopLines(h, style), '');
    out.pop();
  }
  out.push('', `Verdict: ${t.verdict}${t.outcome !== t.verdict ? ` (${t.outcome})` : ''}`);
  if (t.reason) out.push(...wrap(t.reason, style.width, '  '));
  if (t.endpoint) out.push(`Endpoint: ${t.endpoint}`);
  for (const a of t.assumptions) out.push(...wrap(`Note: ${a}`, style.width));
  return `${out.join('\n')}\n`;
}
