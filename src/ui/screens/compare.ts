// Side by side: one aligned row of a comparison at a time. Each side's hop (where, headers, outer
// header, rewrite, what happens) with the fields that differ from the other side marked; a side
// without such a hop says so. Below, every row with its mark, the current one highlighted. Wide
// terminals put A and B next to each other; screen readers get the same content, linear.

import type { AlignedRow, Comparison } from '../../core/compare.js';
import { COMPARISONS } from '../../core/comparisons.js';
import { outerText } from '../../core/outer-text.js';
import type { Hop } from '../../core/trace-model.js';
import { comparisonOf, rowHop, rowHops, rowMark, type RowMark } from '../compare-model.js';
import type { Hint, ScreenView, ViewContext } from '../frame.js';
import type { CompareState } from '../state.js';
import { stepName } from '../step-names.js';
import { BLANK, seg, sideBySide, wrapSegs, type Line, type Seg } from '../text.js';
import type { Theme } from '../theme.js';

const MARK_TEXT: Record<RowMark, string> = {
  '=': 'the same on both sides',
  '~': 'differs',
  A: 'only in A',
  B: 'only in B',
};

function differs(text: string, different: boolean, theme: Theme): Seg[] {
  if (!different) return [seg(text)];
  if (theme.screenReader) return [seg(`${text} (differs)`, 'changed')];
  return [seg(`${theme.glyphs.changed}${text}`, 'changed')];
}

function field(label: string, value: readonly Seg[], width: number): Line[] {
  const pad = 9;
  const wrapped = wrapSegs(value, Math.max(8, width - pad));
  return wrapped.map((l, i) => [seg(i === 0 ? label.padEnd(pad) : ' '.repeat(pad), i === 0 ? 'label' : undefined), ...l]);
}

function sideHeading(side: 'A' | 'B', label: string, hop: Hop | null): Line {
  return [seg(`${side}  ${label}`, 'heading'), seg(hop ? `  hop ${hop.index}` : '', 'muted')];
}

function sideLines(heading: Line, hop: Hop | null, other: Hop | null, diff: ReadonlySet<string>, theme: Theme, width: number): Line[] {
  const a = ` ${theme.glyphs.arrow} `;
  const out: Line[] = [heading];
  if (hop === null) {
    out.push(...wrapSegs([seg(`No such hop on this side: only the other has a ${stepName(other!.step)} hop here.`, 'muted')], width));
    return out;
  }
  const p = hop.packet;
  const where = hop.node === null ? `${hop.netns}/${hop.device}` : hop.netns === hop.node ? `${hop.node} ${hop.device}` : `${hop.node} netns ${hop.netns} ${hop.device}`;
  out.push(...field('Where', differs(where, diff.has('place'), theme), width));
  out.push(...field('IP', [...differs(p.src, diff.has('src'), theme), seg(a), ...differs(p.dst, diff.has('dst'), theme), seg(', '), ...differs(`TTL ${p.ttl}`, diff.has('ttl'), theme)], width));
  if (p.srcMac !== null || p.dstMac !== null) out.push(...field('Ethernet', differs(`${p.srcMac ?? '?'}${a}${p.dstMac ?? '?'}`, diff.has('macs'), theme), width));
  const o = p.outer;
  if (o !== null || diff.has('outer')) out.push(...field('Outer', differs(o === null ? 'none' : outerText(o, theme.glyphs.arrow), diff.has('outer'), theme), width));
  const rw = hop.rewrite;
  if (rw !== null || diff.has('rewrite')) out.push(...field('Rewrite', differs(rw === null ? 'none' : `${rw.kind} ${rw.from}${a}${rw.to}`, diff.has('rewrite'), theme), width));
  out.push(...wrapSegs([seg(hop.action)], width));
  return out;
}

function rowLine(c: Comparison, row: AlignedRow, current: boolean, theme: Theme, width: number): Line {
  const h = rowHop(c, row);
  const num = (n: number | null) => (n === null ? '--' : String(n).padStart(2, '0'));
  const text = `${current ? theme.glyphs.pointer : ' '} ${rowMark(row)} ${num(row.a)} ${num(row.b)}  ${h.direction === 'request' ? 'req' : 'rep'}  ${h.node ?? '-'}  ${stepName(h.step)}`;
  return [seg(text.length > width ? text.slice(0, width) : text, current ? 'selected' : rowMark(row) === '=' ? 'muted' : undefined)];
}

function verdictText(c: Comparison): string {
  const v = (t: Comparison['traces'][number]) => `${t.verdict}${t.outcome !== t.verdict ? ` (${t.outcome})` : ''}`;
  return `A ${v(c.traces[0])}, B ${v(c.traces[1])}`;
}

export function compareView(cs: CompareState, ctx: ViewContext): ScreenView {
  const { theme, width } = ctx;
  const spec = COMPARISONS[cs.name];
  const title = cs.origin !== null ? [`Lesson ${cs.origin.lessonId}`, 'Side by side'] : ['Simulator', 'Side by side'];
  const c = comparisonOf(cs);
  const inner = width - 1;
  const margin = (lines: readonly Line[]): Line[] => lines.map((l) => (l.length === 0 ? l : [seg(' '), ...l]));
  const back: Hint = { keys: 'q', what: 'back' };
  if (c === null) {
    const message = cs.result.ok ? '' : cs.result.message;
    return { title, header: [], body: margin(wrapSegs([seg(`This comparison could not be run: ${message}`, 'bad')], inner)), scroll: 0, focus: null, hints: [{ keys: '?', what: 'keys' }, back] };
  }
  const row = c.alignment[cs.row]!;
  const [ha, hb] = rowHops(c, row);
  const h = (ha ?? hb)!;
  const mark = rowMark(row);
  const diff = new Set(row.differences);
  const header: Line[] = margin([
    ...wrapSegs([seg('A ', 'strong'), seg(spec.sides[0].label), seg('  vs  ', 'muted'), seg('B ', 'strong'), seg(spec.sides[1].label)], inner),
    ...wrapSegs(
      [
        seg(`Row ${cs.row + 1} of ${c.alignment.length}`, 'strong'),
        seg(`${theme.glyphs.sep}${h.direction}${theme.glyphs.sep}${h.node ?? '-'}${theme.glyphs.sep}${stepName(h.step)}${theme.glyphs.sep}`),
        seg(`${theme.screenReader ? '' : `${mark} `}${MARK_TEXT[mark]}${row.differences.length > 0 ? `: ${row.differences.join(', ')}` : ''}`, mark === '=' ? 'muted' : 'changed'),
      ],
      inner,
    ),
  ]);
  let sides: Line[];
  if (mark === '=') {
    // The same hop on both sides: shown once.
    sides = sideLines([seg('A and B', 'heading'), seg(`  the same hop: A ${ha!.index}, B ${hb!.index}`, 'muted')], ha, hb, diff, theme, inner);
  } else if (inner >= 100 && !theme.screenReader) {
    const lw = Math.floor((inner - 3) / 2);
    const aLines = sideLines(sideHeading('A', spec.sides[0].label, ha), ha, hb, diff, theme, lw);
    sides = sideBySide(aLines, sideLines(sideHeading('B', spec.sides[1].label, hb), hb, ha, diff, theme, inner - lw - 3), lw, 3);
  } else {
    sides = [...sideLines(sideHeading('A', spec.sides[0].label, ha), ha, hb, diff, theme, inner), BLANK, ...sideLines(sideHeading('B', spec.sides[1].label, hb), hb, ha, diff, theme, inner)];
  }
  const overview: Line[] = theme.screenReader
    ? []
    : [BLANK, [seg('All rows', 'heading'), seg('  = same  ~ differs  A/B only on that side', 'muted')], ...c.alignment.map((r, i) => rowLine(c, r, i === cs.row, theme, inner))];
  const body = margin([
    ...sides,
    BLANK,
    ...wrapSegs([seg('Verdict ', 'label'), seg(verdictText(c))], inner),
    ...overview,
  ]);
  const [right, left] = theme.ascii || theme.screenReader ? ['Right', 'Left'] : ['→', '←'];
  const hints: Hint[] = [
    { keys: `${right} n`, what: 'next row' },
    { keys: 'Tab', what: cs.focus.length > 0 ? 'next stop' : 'next difference' },
    { keys: `${left} p`, what: 'previous' },
    { keys: 'r', what: 'request/reply' },
    { keys: '?', what: 'keys' },
    back,
  ];
  return { title, header, body, scroll: cs.scroll, focus: null, hints };
}
