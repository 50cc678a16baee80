// Two traces of the same request under two choices (e.g. Flannel VXLAN vs host-gw), aligned hop by
// hop. Hops are matched by (direction, step, node) with a longest common subsequence, so a hop one
// side has and the other lacks (encap, decap) becomes a gap, and the matched pairs keep their order.
// Pure data: the renderers live in plain/.

import type { Hop, Trace } from './trace-model.js';

export interface AlignedRow {
  /** The hop's index in trace A, or null where only B has such a hop. */
  readonly a: number | null;
  readonly b: number | null;
  /** What differs between the two matched hops (empty when equal, or for a gap). */
  readonly differences: readonly string[];
}

export interface Comparison {
  readonly compare: string;
  readonly choices: readonly [string, string];
  readonly traces: readonly [Trace, Trace];
  readonly alignment: readonly AlignedRow[];
}

function key(h: Hop): string {
  return `${h.direction}|${h.step}|${h.node ?? '-'}`;
}

/** The fields a reader compares between two matched hops, each rendered as text. */
export function hopDifferences(x: Hop, y: Hop): string[] {
  const out: string[] = [];
  const fields: [string, (h: Hop) => string][] = [
    ['place', (h) => `${h.netns}/${h.device}`],
    ['by', (h) => `${h.component}${h.hook ? ` at ${h.hook}` : ''}`],
    ['src', (h) => h.packet.src],
    ['dst', (h) => h.packet.dst],
    ['ttl', (h) => String(h.packet.ttl)],
    ['macs', (h) => `${h.packet.srcMac ?? '-'}>${h.packet.dstMac ?? '-'}`],
    ['outer', (h) => (h.packet.outer ? `${h.packet.outer.proto} ${h.packet.outer.src}>${h.packet.outer.dst}:${h.packet.outer.dport ?? '-'}` : 'none')],
    ['rewrite', (h) => (h.rewrite ? `${h.rewrite.kind} ${h.rewrite.from}>${h.rewrite.to}${h.rewrite.table === 'ipvs' ? ' by IPVS' : ''}` : 'none')],
  ];
  for (const [name, get] of fields) if (get(x) !== get(y)) out.push(name);
  return out;
}

/** Aligns the hops of two traces: a longest common subsequence of (direction, step, node). */
export function alignHops(a: readonly Hop[], b: readonly Hop[]): AlignedRow[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: the LCS length of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = key(a[i]!) === key(b[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const rows: AlignedRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && key(a[i]!) === key(b[j]!)) {
      rows.push({ a: a[i]!.index, b: b[j]!.index, differences: hopDifferences(a[i]!, b[j]!) });
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      rows.push({ a: a[i]!.index, b: null, differences: [] });
      i++;
    } else {
      rows.push({ a: null, b: b[j]!.index, differences: [] });
      j++;
    }
  }
  return rows;
}

export function compareTraces(compare: string, choices: readonly [string, string], traces: readonly [Trace, Trace]): Comparison {
  return { compare, choices, traces, alignment: alignHops(traces[0].hops, traces[1].hops) };
}
