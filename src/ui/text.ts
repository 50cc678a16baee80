// Styled lines: every screen is laid out as a list of lines no wider than the terminal, each a
// list of segments tagged with a semantic tone. Because lines are counted and measured here, the
// frame's height and width are known before Ink draws it: it never scrolls off, never wraps.

import { textWidth } from '../content/layout.js';
import type { Tone } from './theme.js';

export interface Seg {
  readonly text: string;
  readonly tone?: Tone;
}

export type Line = readonly Seg[];

export function seg(text: string, tone?: Tone): Seg {
  return tone === undefined ? { text } : { text, tone };
}

export function plain(text: string): Line {
  return [{ text }];
}

export const BLANK: Line = [];

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

export function lineWidth(line: Line): number {
  return textWidth(lineText(line));
}

export { textWidth };

/** Cut a string to at most `width` columns. */
export function cutText(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = textWidth(ch);
    if (w + cw > width) break;
    out += ch;
    w += cw;
  }
  return out;
}

/** Truncate a line to `width` columns, ending with `ellipsis` when something was cut. */
export function fitLine(line: Line, width: number, ellipsis = '…'): Line {
  if (lineWidth(line) <= width) return line;
  const room = Math.max(0, width - textWidth(ellipsis));
  const out: Seg[] = [];
  let used = 0;
  for (const s of line) {
    if (used >= room) break;
    const text = cutText(s.text, room - used);
    if (text !== '') out.push({ ...s, text });
    used += textWidth(text);
  }
  out.push({ text: cutText(ellipsis, width - used) });
  return out;
}

interface Word {
  readonly text: string;
  readonly tone: Tone | undefined;
  /** Whether a space preceded it in the source. */
  readonly space: boolean;
}

function toWords(segs: readonly Seg[]): Word[] {
  const words: Word[] = [];
  let pendingSpace = false;
  for (const s of segs) {
    const parts = s.text.split(/(\s+)/);
    for (const part of parts) {
      if (part === '') continue;
      if (/^\s+$/.test(part)) {
        pendingSpace = true;
        continue;
      }
      words.push({ text: part, tone: s.tone, space: pendingSpace });
      pendingSpace = false;
    }
  }
  return words;
}

/**
 * Word-wrap styled segments to `width` columns. Continuation lines start with `indent` spaces.
 * A word wider than the line is broken hard, so no line ever exceeds the width.
 */
export function wrapSegs(segs: readonly Seg[], width: number, indent = 0): Line[] {
  const w = Math.max(1, width);
  const ind = Math.min(indent, Math.max(0, w - 8));
  const words = toWords(segs);
  const lines: Seg[][] = [];
  let cur: Seg[] = [];
  let curWidth = 0;
  /** Width of the current line before its first word (0, or the indent). */
  let startWidth = 0;
  const push = (text: string, tone: Tone | undefined): void => {
    const last = cur.at(-1);
    if (last !== undefined && last.tone === tone) cur[cur.length - 1] = { ...last, text: last.text + text };
    else cur.push(tone === undefined ? { text } : { text, tone });
    curWidth += textWidth(text);
  };
  const newLine = (): void => {
    lines.push(cur);
    cur = [];
    curWidth = 0;
    if (ind > 0) push(' '.repeat(ind), undefined);
    startWidth = curWidth;
  };
  // Group glued words into units that wrap together.
  const units: Word[][] = [];
  for (const word of words) {
    if (units.length === 0 || word.space) units.push([word]);
    else units.at(-1)!.push(word);
  }
  units.forEach((unit, u) => {
    const unitWidth = unit.reduce((sum, x) => sum + textWidth(x.text), 0);
    const lead = u > 0 && curWidth > startWidth ? 1 : 0;
    if (curWidth > startWidth && curWidth + lead + unitWidth > w) newLine();
    else if (lead === 1) push(' ', undefined);
    for (const word of unit) {
      let text = word.text;
      while (curWidth + textWidth(text) > w) {
        const room = w - curWidth;
        if (room <= 0) {
          newLine();
          continue;
        }
        const head = cutText(text, room);
        if (head === '') {
          if (curWidth > startWidth) {
            newLine();
            continue;
          }
          const ch = Array.from(text)[0] ?? text;
          push(ch, word.tone);
          text = text.slice(ch.length);
          continue;
        }
        push(head, word.tone);
        text = text.slice(head.length);
        if (text !== '') newLine();
      }
      if (text !== '') push(text, word.tone);
    }
  });
  lines.push(cur);
  return lines.map((l) => trimEnd(l));
}

function trimEnd(line: Seg[]): Line {
  const out = [...line];
  while (out.length > 0 && out.at(-1)!.text.trim() === '') out.pop();
  const last = out.at(-1);
  if (last !== undefined) out[out.length - 1] = { ...last, text: last.text.replace(/\s+$/, '') };
  return out;
}

/** Hard-wrap a preformatted line (code, command output): break at the width, keep every character. */
export function hardWrap(text: string, width: number, tone?: Tone, indent = 0): Line[] {
  const w = Math.max(1, width);
  const out: Line[] = [];
  let rest = text;
  let first = true;
  while (true) {
    const prefix = first ? '' : ' '.repeat(Math.min(indent, w - 1));
    const room = w - prefix.length;
    let head = cutText(rest, room);
    if (head === '') head = Array.from(rest)[0] ?? rest;
    out.push(prefix === '' ? [seg(head, tone)] : [seg(prefix), seg(head, tone)]);
    rest = rest.slice(head.length);
    first = false;
    if (rest === '') break;
  }
  return out;
}

/** Prefix every line (e.g. an indent or a gutter) — the caller wraps to width minus the prefix. */
export function prefixLines(lines: readonly Line[], first: Line, rest: Line = first): Line[] {
  return lines.map((l, i) => [...(i === 0 ? first : rest), ...l]);
}

export interface Window {
  readonly lines: readonly Line[];
  /** The clamped offset. */
  readonly offset: number;
  readonly above: number;
  readonly below: number;
}

/** The slice of `lines` that fits `height` rows from `offset` (clamped). */
export function windowLines(lines: readonly Line[], height: number, offset: number): Window {
  const h = Math.max(0, height);
  const max = Math.max(0, lines.length - h);
  const o = Math.min(Math.max(0, offset), max);
  return { lines: lines.slice(o, o + h), offset: o, above: o, below: Math.max(0, lines.length - o - h) };
}

/** Place two columns side by side: the left padded to `leftWidth`, then `gap` spaces. */
export function sideBySide(left: readonly Line[], right: readonly Line[], leftWidth: number, gap = 2): Line[] {
  const rows = Math.max(left.length, right.length);
  const out: Line[] = [];
  for (let i = 0; i < rows; i++) {
    const l = left[i] ?? BLANK;
    const r = right[i] ?? BLANK;
    const pad = Math.max(0, leftWidth - lineWidth(l)) + gap;
    out.push(r.length === 0 ? l : [...l, seg(' '.repeat(pad)), ...r]);
  }
  return out;
}

/**
 * Wrap preformatted text (a command, a conntrack line, tool output) at spaces without collapsing
 * runs of spaces; a run without a space that is too long is cut hard. Continuation lines are
 * indented by `indent` spaces.
 */
export function wrapPreserving(text: string, width: number, tone?: Tone, indent = 0): Line[] {
  const w = Math.max(1, width);
  const ind = Math.min(indent, Math.max(0, w - 8));
  const out: Line[] = [];
  let rest = text.replace(/\s+$/, '');
  let first = true;
  while (true) {
    const prefix = first ? '' : ' '.repeat(ind);
    const room = w - prefix.length;
    let head: string;
    if (textWidth(rest) <= room) head = rest;
    else {
      const cut = cutText(rest, room + 1);
      const at = cut.lastIndexOf(' ');
      head = at > 0 ? rest.slice(0, at) : cutText(rest, room);
      if (head === '') head = Array.from(rest)[0] ?? rest;
    }
    const body = head.replace(/\s+$/, '');
    out.push(prefix === '' ? [seg(body, tone)] : [seg(prefix), seg(body, tone)]);
    rest = rest.slice(head.length).replace(/^ /, '');
    first = false;
    if (rest === '') break;
  }
  return out;
}
