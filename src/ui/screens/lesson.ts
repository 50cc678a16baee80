// The lesson reader: one page of blocks at a time. Prose wraps to the width; code wraps hard;
// a table too wide for the terminal becomes one record per row; a diagram too wide is replaced
// by its description (screen readers always get the description).

import { plainText } from '../../content/inline.js';
import { LAYOUT, artLines, tableColumnWidths, tableWidth, textWidth } from '../../content/layout.js';
import type { Block, Lesson, Span } from '../../content/types.js';
import { PREDICT_QUESTIONS } from '../../content/vocabulary.js';
import { COMPARISONS, isComparisonName } from '../../core/comparisons.js';
import { SCENARIOS } from '../../core/scenarios.js';
import type { Hint, ScreenView, ViewContext } from '../frame.js';
import { openablesOnPage } from '../lesson-model.js';
import { backTarget, lessonAfter } from '../menus.js';
import type { Screen } from '../state.js';
import { stepName } from '../step-names.js';
import { BLANK, hardWrap, prefixLines, seg, wrapSegs, type Line, type Seg } from '../text.js';
import type { Theme, Tone } from '../theme.js';

const SPAN_TONE: Record<Span['style'], Tone | undefined> = { plain: undefined, code: 'code', strong: 'strong', em: 'em' };

/** Without colour, inline code is marked with backticks (7-bit, NO_COLOR- and ASCII-safe). */
function spanSegs(spans: readonly Span[], theme: Theme, base?: Tone): Seg[] {
  const quote = !theme.color && !theme.screenReader;
  return spans.map((s) => seg(quote && s.style === 'code' ? `\`${s.text}\`` : s.text, SPAN_TONE[s.style] ?? base));
}


/** Lines of one block at `width` columns. */
/** `key`: what opens a simulation or comparison block: Enter when it is the page's only one, else its number. */
export function blockLines(block: Block, width: number, theme: Theme, key = 'Enter'): Line[] {
  const g = theme.glyphs;
  switch (block.kind) {
    case 'heading':
      return wrapSegs(block.spans.map((s) => seg(s.text, 'heading')), width);
    case 'paragraph':
      return wrapSegs(spanSegs(block.spans, theme), width);
    case 'list': {
      const out: Line[] = [];
      // Numbers are right-aligned, so items 9 and 10 start in the same column.
      const numWidth = String(block.start + block.items.length - 1).length;
      block.items.forEach((item, i) => {
        const marker = block.ordered ? `${String(block.start + i).padStart(numWidth)}. ` : `${g.bullet} `;
        const wrapped = wrapSegs(spanSegs(item.spans, theme), width - marker.length);
        out.push(...prefixLines(wrapped, [seg(marker, 'muted')], [seg(' '.repeat(marker.length))]));
      });
      return out;
    }
    case 'code':
      return block.lines.flatMap((l) => hardWrap(l, width, 'code', 2));
    case 'table':
      return tableLines(block, width, theme);
    case 'precision': {
      const gutter = theme.screenReader ? '' : `${g.gutter} `;
      const wrapped = wrapSegs([seg(LAYOUT.precisionLabel, 'strong'), ...spanSegs(block.spans, theme, 'precision')], width - gutter.length);
      return gutter === '' ? wrapped : prefixLines(wrapped, [seg(gutter, 'precision')]);
    }
    case 'sim': {
      const scenario = SCENARIOS[block.scenario];
      const stops = block.focus.length > 0 ? ` (stops at: ${block.focus.map(stepName).join(', ')})` : '';
      const prefix = theme.screenReader ? '' : `${g.play} `;
      return wrapSegs([seg(`${prefix}${key}`, 'key'), seg(`: follow the packet. ${scenario.title}${stops}`, 'focus')], width, prefix.length);
    }
    case 'compare': {
      const title = isComparisonName(block.name) ? COMPARISONS[block.name].title : block.name;
      const stops = block.focus.length > 0 ? ` (stops at: ${block.focus.map(stepName).join(', ')})` : '';
      const prefix = theme.screenReader ? '' : `${g.play} `;
      return wrapSegs([seg(`${prefix}${key}`, 'key'), seg(`: compare side by side. ${title}${stops}`, 'focus')], width, prefix.length);
    }
    case 'predict': {
      // "Think first, before the DNAT hop: what is rewritten, and to what? Which chain decides?"
      const asks = block.ask.map((a) => PREDICT_QUESTIONS[a]).join(' ');
      const lead = asks.charAt(0).toLowerCase() + asks.slice(1);
      return wrapSegs([seg('? Think first', 'key'), seg(`, before the ${stepName(block.at)} hop: ${lead}`, 'em')], width, 2);
    }
    case 'diagram': {
      const art = artLines(theme.ascii || theme.screenReader ? block.ascii : (block.unicode ?? block.ascii));
      const wide = art.reduce((m, l) => Math.max(m, textWidth(l)), 0);
      const alt = block.alt ?? `the ${block.name} diagram`;
      if (theme.screenReader) return wrapSegs([seg('Diagram: ', 'strong'), seg(alt)], width);
      if (art.length === 0) return wrapSegs([seg(`[Diagram: ${alt}]`, 'muted')], width);
      if (wide > width) {
        return wrapSegs([seg(`[Diagram: ${alt}. Widen the terminal to ${wide + 1} columns to see it.]`, 'muted')], width);
      }
      return art.map((l) => [seg(l, 'diagram')]);
    }
  }
}

function tableLines(block: Extract<Block, { kind: 'table' }>, width: number, theme: Theme): Line[] {
  const gap = 2;
  const header = block.header.map((c) => plainText(c.spans));
  const rows = block.rows.map((r) => r.map((c) => plainText(c.spans)));
  if (tableWidth(block) <= width && !theme.screenReader) {
    const widths = tableColumnWidths(block);
    const cell = (text: string, i: number): string => {
      const w = widths[i] ?? 0;
      const pad = w - textWidth(text);
      const align = block.align[i] ?? 'left';
      if (align === 'right') return ' '.repeat(pad) + text;
      if (align === 'center') return ' '.repeat(Math.floor(pad / 2)) + text + ' '.repeat(pad - Math.floor(pad / 2));
      return text + ' '.repeat(pad);
    };
    const join = (cells: string[]): string => cells.map(cell).join(' '.repeat(gap)).replace(/\s+$/, '');
    return [
      [seg(join(header), 'strong')],
      [seg(widths.map((w) => theme.glyphs.hr.repeat(w)).join(' '.repeat(gap)), 'muted')],
      ...rows.map((r) => [seg(join(r))]),
    ];
  }
  // One column: each row as "header: value" pairs.
  const out: Line[] = [];
  rows.forEach((r) => {
    const segs: Seg[] = [];
    r.forEach((value, i) => {
      if (i > 0) segs.push(seg('; '));
      segs.push(seg(`${header[i] ?? ''}: `, 'strong'), seg(value));
    });
    out.push(...prefixLines(wrapSegs(segs, width - 2), [seg(`${theme.glyphs.bullet} `, 'muted')], [seg('  ')]));
  });
  return out;
}

/** The content width: 76 columns (the width lessons are written for), less on a narrow terminal. */
export function contentWidth(width: number): { margin: number; width: number } {
  const margin = width >= 60 ? 2 : 1;
  return { margin, width: Math.min(LAYOUT.columns, width - margin) };
}

export function pageLines(lesson: Lesson, page: number, width: number, theme: Theme): Line[] {
  const blocks = lesson.pages[page]?.blocks ?? [];
  const { margin, width: w } = contentWidth(width);
  const pad = seg(' '.repeat(margin));
  const out: Line[] = [];
  // With two or more simulations or comparisons on a page, each is opened by its number.
  const openable: readonly Block[] = openablesOnPage(lesson, page);
  blocks.forEach((b, i) => {
    if (i > 0) out.push(BLANK);
    const k = openable.indexOf(b);
    const key = openable.length > 1 && k >= 0 ? `${k + 1}` : 'Enter';
    for (const l of blockLines(b, w, theme, key)) out.push(l.length === 0 ? l : [pad, ...l]);
  });
  return out;
}

export function lessonView(screen: Extract<Screen, { kind: 'lesson' }>, ctx: ViewContext): ScreenView {
  const lesson = ctx.env.lessons.find((l) => l.id === screen.lessonId);
  if (lesson === undefined) return { title: ['Lessons'], header: [], body: [[seg('This lesson is not available.')]], scroll: 0, focus: null, hints: [] };
  const pages = lesson.pages.length;
  const openable = openablesOnPage(lesson, screen.page);
  const hasSim = openable.length > 0;
  const g = ctx.theme.glyphs;
  const [right, left] = ctx.theme.ascii || ctx.theme.screenReader ? ['Right', 'Left'] : ['→', '←'];
  const isLast = screen.page === pages - 1;
  const after = isLast ? lessonAfter(ctx.env, lesson) : null;
  const hints: Hint[] = [
    ...(openable.length > 1 ? [{ keys: `1-${openable.length}`, what: 'open one' }] : hasSim ? [{ keys: 'Enter', what: openable[0]!.kind === 'compare' ? 'compare' : 'follow the packet' }] : []),
    ...(after !== null ? [{ keys: hasSim ? 'N' : 'Enter', what: 'next lesson' }] : []),
    ...(isLast ? [] : [{ keys: `${right} n`, what: 'next page' }]),
    { keys: `${left} p`, what: 'previous' },
    { keys: '?', what: 'keys' },
    { keys: 'q', what: 'back' },
  ];
  const minutes = screen.page === 0 ? `${g.sep}about ${lesson.minutes} min` : '';
  const header: Line[] = [[seg(` Page ${screen.page + 1} of ${pages}`, 'strong'), seg(minutes, 'muted')]];
  const body = pageLines(lesson, screen.page, ctx.width, ctx.theme);
  if (isLast) {
    // The end of the lesson says where to go from here, and q's words match what q does.
    const { margin, width } = contentWidth(ctx.width);
    const next: Seg[] =
      after === null
        ? [seg('That was the last lesson. ')]
        : [seg(`End of lesson ${lesson.id}. `), seg(hasSim ? 'N' : 'Enter', 'key'), seg(` opens lesson ${after.id}, ${after.title}; `)];
    const back = backTarget(ctx.state);
    const line = [...next, seg(back.slice(0, 1), 'key'), seg(`${back.slice(1)}.`)];
    body.push(BLANK, ...wrapSegs(line, width).map((l) => [seg(' '.repeat(margin)), ...l]));
  }
  return {
    title: [`Lesson ${lesson.id}`, lesson.title],
    header,
    body,
    scroll: screen.scroll,
    focus: null,
    hints,
  };
}
