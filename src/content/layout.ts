// How much room a page takes on an 80x24 terminal. The UI and the validator share these numbers,
// so "fits on a page" means the same thing to both.
//
// The budget: 24 rows minus at most 6 rows of chrome (title, page counter, key hints, margins)
// leaves 18 rows for a page's blocks, with one blank row between blocks. Of those, at most 14
// rows may be prose (headings, paragraphs, lists, precision notes). Text is 76 columns wide
// (80 minus a 2-column margin each side); paragraphs are word-wrapped to it, preformatted
// blocks (code, diagrams, tables) must already fit.

import { plainText } from './inline.js';
import type { Block, Page } from './types.js';

export const LAYOUT = {
  /** Terminal size the content is written for. */
  terminalColumns: 80,
  terminalRows: 24,
  /** Width of the content area: prose wraps here, preformatted lines must fit. */
  columns: 76,
  /** Rows a page's blocks may take, blank separator rows included. */
  pageRows: 18,
  /** Rows of prose (headings, paragraphs, list items, precision notes) per page. */
  proseRows: 14,
  /** Diagram assets: at most this many rows. */
  diagramRows: 16,
  /** Precision notes are drawn with a 2-column gutter ("│ "), lists with their marker. */
  precisionGutter: 2,
  /** The label the UI prints before a precision note's text. */
  precisionLabel: 'Precision: ',
} as const;

/**
 * Display width of a string in a terminal: 0 for combining marks and zero-width characters,
 * 2 for East Asian wide characters and emoji, 1 otherwise. Good enough for lesson text, which
 * the validator keeps free of wide characters anyway.
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0) ?? 0);
  return width;
}

export function isWideCodePoint(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

function charWidth(cp: number): number {
  if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  return isWideCodePoint(cp) ? 2 : 1;
}

/** Greedy word wrap; a word longer than the width gets a line of its own (and overflows). */
export function wrap(text: string, width: number): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line === '') line = word;
    else if (textWidth(line) + 1 + textWidth(word) <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines.length === 0 ? [''] : lines;
}

/** The marker a list item is drawn with: "• " or "3. ". */
export function listMarker(ordered: boolean, n: number): string {
  return ordered ? `${n}. ` : '• ';
}

/** Column widths of a table as drawn: each column as wide as its widest cell. */
export function tableColumnWidths(block: Extract<Block, { kind: 'table' }>): number[] {
  const widths = block.header.map((cell) => textWidth(plainText(cell.spans)));
  for (const row of block.rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, textWidth(plainText(cell.spans)));
    });
  }
  return widths;
}

/** Gap between table columns. */
export const TABLE_GAP = 2;

export function tableWidth(block: Extract<Block, { kind: 'table' }>): number {
  const widths = tableColumnWidths(block);
  return widths.reduce((a, b) => a + b, 0) + TABLE_GAP * Math.max(0, widths.length - 1);
}

/** Rows a block takes when drawn at LAYOUT.columns. */
export function blockRows(block: Block): number {
  switch (block.kind) {
    case 'heading':
    case 'paragraph':
      return wrap(plainText(block.spans), LAYOUT.columns).length;
    case 'list':
      return block.items.reduce((sum, item, i) => {
        const marker = listMarker(block.ordered, block.start + i);
        return sum + wrap(plainText(item.spans), LAYOUT.columns - marker.length).length;
      }, 0);
    case 'precision':
      return wrap(LAYOUT.precisionLabel + plainText(block.spans), LAYOUT.columns - LAYOUT.precisionGutter).length;
    case 'code':
      return block.lines.length;
    case 'table':
      // header, a rule under it, then the rows
      return 2 + block.rows.length;
    case 'sim':
    case 'predict':
    case 'compare':
      // one action line ("▶ Enter: follow the packet ...", "? Predict ...")
      return 1;
    case 'diagram':
      return Math.max(artRows(block.unicode), artRows(block.ascii), 1);
  }
}

/** Whether a block counts as prose for LAYOUT.proseRows. */
export function isProse(block: Block): boolean {
  return block.kind === 'heading' || block.kind === 'paragraph' || block.kind === 'list' || block.kind === 'precision';
}

export function pageRows(page: Page): { total: number; prose: number } {
  let total = Math.max(0, page.blocks.length - 1);
  let prose = 0;
  for (const block of page.blocks) {
    const rows = blockRows(block);
    total += rows;
    if (isProse(block)) prose += rows;
  }
  return { total, prose };
}

/** Lines of a text asset, without the final newline. */
export function artLines(art: string | null): string[] {
  if (art === null) return [];
  const text = art.replace(/\r\n?/g, '\n').replace(/\n$/, '');
  return text === '' ? [] : text.split('\n');
}

function artRows(art: string | null): number {
  return artLines(art).length;
}
