// `trace --compare`: two traces of one request, aligned hop by hop, as text. One row per aligned
// pair: a mark, the hop numbers in A and B ("--" for a gap), direction, node and step; then, for a
// row that differs or exists on one side only, what each side shows.
//   =  the same hop on both sides        ~  the same step, something differs (listed)
//   A  only in A                         B  only in B

import { outerText } from '../core/outer-text.js';
import type { Comparison } from '../core/compare.js';
import type { Hop } from '../core/trace-model.js';
import { wrap } from './wrap.js';

export interface CompareStyle {
  readonly width: number;
  readonly ascii: boolean;
}

function num(i: number | null): string {
  return i === null ? '--' : String(i).padStart(2, '0');
}

function summary(h: Hop, arrow: string): string {
  const p = h.packet;
  const outer = p.outer ? `; outer ${outerText(p.outer, arrow)}` : '';
  const rw = h.rewrite ? `; ${h.rewrite.kind} ${h.rewrite.from} ${arrow} ${h.rewrite.to}` : '';
  return `${h.netns}/${h.device}: ${p.src} ${arrow} ${p.dst} ttl ${p.ttl}, ether ${p.srcMac ?? '-'} ${arrow} ${p.dstMac ?? '-'}${outer}${rw}`;
}

export function compareText(c: Comparison, style: CompareStyle): string {
  const arrow = style.ascii ? '->' : '→';
  const [a, b] = c.traces;
  const [na, nb] = c.choices;
  const hopA = new Map(a.hops.map((h) => [h.index, h]));
  const hopB = new Map(b.hops.map((h) => [h.index, h]));
  const out: string[] = [
    `Compare --${c.compare}: A = ${na}, B = ${nb}`,
    ...(a.request.from === b.request.from && a.request.to === b.request.to
      ? [`Trace: ${a.request.from} ${arrow} ${a.request.to} (${a.request.proto})`]
      : [`Trace A: ${a.request.from} ${arrow} ${a.request.to} (${a.request.proto})`, `Trace B: ${b.request.from} ${arrow} ${b.request.to} (${b.request.proto})`]),
    ...wrap('Hops are matched by direction, step and node. = same, ~ differs, A only in A, B only in B.', style.width),
  ];
  let direction: string | null = null;
  for (const row of c.alignment) {
    const x = row.a === null ? null : hopA.get(row.a)!;
    const y = row.b === null ? null : hopB.get(row.b)!;
    const h = (x ?? y)!;
    if (h.direction !== direction) {
      direction = h.direction;
      out.push('', direction === 'request' ? 'Request' : 'Reply');
    }
    const mark = x && y ? (row.differences.length === 0 ? '=' : '~') : x ? 'A' : 'B';
    const diff = row.differences.length > 0 ? `  differs: ${row.differences.join(', ')}` : '';
    out.push(`${mark} ${num(row.a)} ${num(row.b)}  ${h.node ?? '-'}  [${h.step}]${x && y && row.differences.length === 0 ? `  ${h.netns}/${h.device}` : ''}${diff}`);
    if (mark === '=') continue;
    // When the component or hook differs (iptables vs IPVS), say who acted where.
    const by = (hop: Hop): string => (row.differences.includes('by') ? `; by ${hop.component}${hop.hook ? ` at ${hop.hook}` : ''}${hop.rewrite?.chain ? ` (${hop.rewrite.table === 'ipvs' ? 'IPVS' : hop.rewrite.table} ${hop.rewrite.chain})` : ''}` : '');
    if (x) out.push(...wrap(`A ${summary(x, arrow)}${by(x)}`, style.width, '          '));
    if (y) out.push(...wrap(`B ${summary(y, arrow)}${by(y)}`, style.width, '          '));
  }
  const count = (m: (r: (typeof c.alignment)[number]) => boolean) => c.alignment.filter(m).length;
  out.push(
    '',
    `Verdict: A ${a.verdict}${a.outcome !== a.verdict ? ` (${a.outcome})` : ''}, B ${b.verdict}${b.outcome !== b.verdict ? ` (${b.outcome})` : ''}`,
    `Hops: A ${a.hops.length}, B ${b.hops.length}; ${count((r) => r.a !== null && r.b !== null && r.differences.length === 0)} the same, ${count((r) => r.differences.length > 0)} differ, ${count((r) => r.b === null)} only in A, ${count((r) => r.a === null)} only in B.`,
  );
  for (const n of [...new Set([...a.assumptions, ...b.assumptions])]) out.push(...wrap(`Note: ${n}`, style.width));
  return `${out.join('\n')}\n`;
}
