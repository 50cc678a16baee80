// What the compare screen reads from a comparison: its aligned rows, each row's mark, and where Tab
// stops. Pure; the reducer moves the row, the view draws it.

import type { AlignedRow, Comparison } from '../core/compare.js';
import type { Hop } from '../core/trace-model.js';
import type { CompareState } from './state.js';

/** `=` the same hop on both sides, `~` the same step with differences, `A`/`B` only on that side. */
export type RowMark = '=' | '~' | 'A' | 'B';

export function rowMark(row: AlignedRow): RowMark {
  if (row.a !== null && row.b !== null) return row.differences.length === 0 ? '=' : '~';
  return row.a !== null ? 'A' : 'B';
}

export function comparisonOf(cs: CompareState): Comparison | null {
  return cs.result.ok ? cs.result.comparison : null;
}

export function compareRows(cs: CompareState): readonly AlignedRow[] {
  return comparisonOf(cs)?.alignment ?? [];
}

/** The two hops of a row (null on the side that has no such hop). */
export function rowHops(c: Comparison, row: AlignedRow): readonly [Hop | null, Hop | null] {
  const find = (t: 0 | 1, index: number | null) => (index === null ? null : (c.traces[t].hops.find((h) => h.index === index) ?? null));
  return [find(0, row.a), find(1, row.b)];
}

/** Any hop of the row, for its direction, node and step (both sides agree on those when matched). */
export function rowHop(c: Comparison, row: AlignedRow): Hop {
  const [a, b] = rowHops(c, row);
  return (a ?? b)!;
}

/** Tab's stops: in a lesson, the rows of its focus steps; elsewhere, every row that differs. */
export function compareStops(cs: CompareState): number[] {
  const c = comparisonOf(cs);
  if (c === null) return [];
  const stops: number[] = [];
  c.alignment.forEach((row, i) => {
    const stop = cs.focus.length > 0 ? cs.focus.includes(rowHop(c, row).step) : rowMark(row) !== '=';
    if (stop) stops.push(i);
  });
  return stops;
}
