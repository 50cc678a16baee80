// lessons/NN-slug.md -> Lesson. The format is documented in src/content/README.md.
//
// Why a small parser and not a Markdown library: lessons use a narrow subset (headings,
// paragraphs, flat lists, pipe tables, fenced blocks, one kind of blockquote), and the
// validator needs what a general lexer does not give: the source line of every block (problems
// name file and line) and the page boundaries. The subset parser is ~300 lines, has no runtime
// dependency, and anything outside the subset becomes a reported problem instead of silently
// rendering differently in the terminal than on GitHub.

import { parseDocument } from 'yaml';
import type { ScenarioName } from '../core/request.js';
import type { Direction, HopStep } from '../core/trace-model.js';
import { parseInline } from './inline.js';
import type {
  Block,
  CompareBlock,
  DiagramBlock,
  Lesson,
  ListItem,
  Page,
  PredictBlock,
  Problem,
  SimBlock,
  TableBlock,
} from './types.js';
import type { PredictAsk } from './vocabulary.js';

/** A line on its own that starts a new page. Ignored inside fenced blocks. */
export const PAGE_SEPARATOR = '---page---';

/** Lesson file names: two digits, a dash, a lowercase slug. */
export const LESSON_FILE_PATTERN = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

/** The two drawings of a diagram, as bundled from assets/diagrams/. */
export interface DiagramArt {
  readonly unicode: string | null;
  readonly ascii: string | null;
}

export type DiagramLookup = (name: string) => DiagramArt | undefined;

export interface ParsedLesson {
  readonly lesson: Lesson;
  /** Problems found while parsing (syntax, types). validateLesson finds the semantic ones. */
  readonly problems: readonly Problem[];
}

const FRONT_MATTER_KEYS = ['id', 'title', 'objectives', 'seedSection', 'minutes'] as const;
const SIM_KEYS = ['scenario', 'focus', 'direction'] as const;
const PREDICT_KEYS = ['at', 'ask', 'direction'] as const;
const DIAGRAM_KEYS = ['name', 'alt'] as const;
const COMPARE_KEYS = ['name', 'focus'] as const;

interface Line {
  readonly text: string;
  /** 1-based line number in the file. */
  readonly no: number;
}

export function parseLesson(file: string, source: string, diagrams: DiagramLookup): ParsedLesson {
  const problems: Problem[] = [];
  const report = (line: number | null, message: string): void => {
    problems.push({ file, line, message });
  };

  const allLines = source.replace(/\r\n?/g, '\n').split('\n');
  const fileMatch = LESSON_FILE_PATTERN.exec(file);
  if (fileMatch === null) report(null, `file name must look like NN-slug.md`);
  const slug = fileMatch?.[2] ?? file.replace(/\.md$/, '');
  const fileId = fileMatch ? Number(fileMatch[1]) : 0;

  // ---- front matter ----
  let bodyStart = 0;
  let meta: Record<string, unknown> = {};
  if (allLines[0]?.trim() !== '---') {
    report(1, 'the file must start with YAML front matter between two "---" lines');
  } else {
    const end = allLines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
    if (end < 0) {
      report(1, 'front matter is not closed by a "---" line');
    } else {
      bodyStart = end + 1;
      meta = parseYamlMapping(allLines.slice(1, end).join('\n'), 2, 'front matter', report) ?? {};
    }
  }
  for (const key of Object.keys(meta)) {
    if (!(FRONT_MATTER_KEYS as readonly string[]).includes(key)) report(1, `front matter: unknown field "${key}"`);
  }
  const id = typeof meta.id === 'number' && Number.isInteger(meta.id) ? meta.id : fileId;
  if (!(typeof meta.id === 'number' && Number.isInteger(meta.id))) report(1, 'front matter: "id" must be an integer');
  const title = typeof meta.title === 'string' ? meta.title.trim() : '';
  if (typeof meta.title !== 'string') report(1, 'front matter: "title" must be a string');
  const objectives = Array.isArray(meta.objectives) ? meta.objectives.filter((o): o is string => typeof o === 'string').map((o) => o.trim()) : [];
  if (!Array.isArray(meta.objectives) || objectives.length !== meta.objectives.length) {
    report(1, 'front matter: "objectives" must be a list of strings');
  }
  const seedSection = typeof meta.seedSection === 'string' ? meta.seedSection.trim() : '';
  if (typeof meta.seedSection !== 'string') report(1, 'front matter: "seedSection" must be a string');
  const minutes = typeof meta.minutes === 'number' ? meta.minutes : 0;
  if (typeof meta.minutes !== 'number') report(1, 'front matter: "minutes" must be a number');

  // ---- body: split into pages (outside fences), then into blocks ----
  const body: Line[] = allLines.slice(bodyStart).map((text, i) => ({ text, no: bodyStart + i + 1 }));
  const pageLines: Line[][] = [[]];
  let fence: string | null = null;
  for (const line of body) {
    if (fence === null && line.text.trim() === PAGE_SEPARATOR) {
      pageLines.push([]);
      continue;
    }
    const f = fenceOpen(line.text);
    if (fence === null && f !== null) fence = f.marker;
    else if (fence !== null && isFenceClose(line.text, fence)) fence = null;
    (pageLines[pageLines.length - 1] as Line[]).push(line);
  }

  const state: BlockState = { simCount: 0, lastSim: -1, lastSimDirection: null, report, diagrams };
  const pages: Page[] = [];
  for (const lines of pageLines) {
    const firstText = lines.find((l) => l.text.trim() !== '');
    if (firstText === undefined) {
      // An empty page: leading separator, trailing separator or two separators in a row.
      const at = lines[0]?.no ?? body[body.length - 1]?.no ?? 1;
      if (pages.length > 0 || pageLines.length > 1) report(at, 'empty page (check the ---page--- separators)');
      continue;
    }
    pages.push({ index: pages.length, line: firstText.no, blocks: parseBlocks(lines, state) });
  }

  const lesson: Lesson = {
    id,
    slug,
    file,
    title,
    objectives,
    seedSection,
    minutes,
    bonus: id > 10,
    pages,
  };
  return { lesson, problems };
}

interface BlockState {
  simCount: number;
  lastSim: number;
  lastSimDirection: Direction | null;
  readonly report: (line: number | null, message: string) => void;
  readonly diagrams: DiagramLookup;
}

function fenceOpen(text: string): { marker: string; info: string; indent: number } | null {
  const m = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(text);
  if (m === null) return null;
  const marker = m[2] as string;
  const info = (m[3] as string).trim();
  if (marker.startsWith('`') && info.includes('`')) return null;
  return { marker, info, indent: (m[1] as string).length };
}

function isFenceClose(text: string, marker: string): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
  return m !== null && (m[1] as string)[0] === marker[0] && (m[1] as string).length >= marker.length;
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const UNORDERED_ITEM = /^ {0,3}([-*+])\s+(.*)$/;
const ORDERED_ITEM = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;
const BLOCKQUOTE = /^ {0,3}>\s?(.*)$/;
const TABLE_ROW = /^ {0,3}\|/;
const TABLE_SEPARATOR = /^ {0,3}\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const HTML_COMMENT_START = /^ {0,3}<!--/;
const PRECISION_LABEL = /^\*\*Precision:\*\*\s*/;

function startsBlock(text: string): boolean {
  return (
    fenceOpen(text) !== null ||
    HEADING.test(text) ||
    UNORDERED_ITEM.test(text) ||
    ORDERED_ITEM.test(text) ||
    BLOCKQUOTE.test(text) ||
    TABLE_ROW.test(text) ||
    THEMATIC_BREAK.test(text) ||
    HTML_COMMENT_START.test(text)
  );
}

function parseBlocks(lines: readonly Line[], state: BlockState): Block[] {
  const blocks: Block[] = [];
  const { report } = state;
  let i = 0;
  const at = (k: number): Line | undefined => lines[k];

  while (i < lines.length) {
    const line = lines[i] as Line;
    const text = line.text;
    if (text.trim() === '') {
      i++;
      continue;
    }

    // HTML comments: author notes, never shown.
    if (HTML_COMMENT_START.test(text)) {
      while (i < lines.length && !(lines[i] as Line).text.includes('-->')) i++;
      i++;
      continue;
    }

    const fence = fenceOpen(text);
    if (fence !== null) {
      const content: string[] = [];
      let j = i + 1;
      let closed = false;
      for (; j < lines.length; j++) {
        const l = lines[j] as Line;
        if (isFenceClose(l.text, fence.marker)) {
          closed = true;
          break;
        }
        content.push(stripIndent(l.text, fence.indent));
      }
      if (!closed) report(line.no, 'fenced block is not closed before the end of the page');
      const lang = fence.info.split(/\s+/)[0] ?? '';
      const block = fencedBlock(lang, content, line.no, state);
      if (block !== null) blocks.push(block);
      i = j + 1;
      continue;
    }

    const heading = HEADING.exec(text);
    if (heading !== null) {
      const headingText = heading[2] as string;
      blocks.push({ kind: 'heading', line: line.no, level: (heading[1] as string).length, text: headingText, spans: parseInline(headingText) });
      i++;
      continue;
    }

    if (THEMATIC_BREAK.test(text)) {
      report(line.no, `horizontal rules are not supported; use a "${PAGE_SEPARATOR}" line to start a new page`);
      i++;
      continue;
    }

    if (BLOCKQUOTE.test(text)) {
      const parts: string[] = [];
      while (i < lines.length) {
        const m = BLOCKQUOTE.exec((lines[i] as Line).text);
        if (m === null) break;
        parts.push((m[1] as string).trim());
        i++;
      }
      const joined = parts.filter((p) => p !== '').join(' ');
      const label = PRECISION_LABEL.exec(joined);
      if (label !== null) {
        const note = joined.slice(label[0].length);
        blocks.push({ kind: 'precision', line: line.no, text: note, spans: parseInline(note) });
      } else {
        report(line.no, 'only "> **Precision:** ..." blockquotes are supported; shown as a paragraph');
        blocks.push({ kind: 'paragraph', line: line.no, text: joined, spans: parseInline(joined) });
      }
      continue;
    }

    if (TABLE_ROW.test(text)) {
      const next = at(i + 1);
      if (next === undefined || !TABLE_SEPARATOR.test(next.text)) {
        report(line.no, 'a table needs a header row followed by a separator row (| --- | --- |)');
        i++;
        continue;
      }
      const rowLines: Line[] = [];
      let j = i + 2;
      while (j < lines.length && TABLE_ROW.test((lines[j] as Line).text)) rowLines.push(lines[j++] as Line);
      blocks.push(tableBlock(line, next, rowLines, report));
      i = j;
      continue;
    }

    const unordered = UNORDERED_ITEM.exec(text);
    const ordered = ORDERED_ITEM.exec(text);
    if (unordered !== null || ordered !== null) {
      const isOrdered = ordered !== null;
      const items: string[] = [];
      const start = ordered !== null ? Number(ordered[1]) : 1;
      while (i < lines.length) {
        const l = (lines[i] as Line).text;
        if (l.trim() === '') break;
        const u = UNORDERED_ITEM.exec(l);
        const o = ORDERED_ITEM.exec(l);
        if (isOrdered ? o !== null : u !== null) {
          items.push(((isOrdered ? o?.[2] : u?.[2]) ?? '').trim());
        } else if (u !== null || o !== null) {
          break; // a list of the other kind starts
        } else if (/^\s+\S/.test(l) && items.length > 0) {
          items[items.length - 1] += ` ${l.trim()}`; // continuation line
        } else if (startsBlock(l)) {
          break;
        } else {
          items[items.length - 1] += ` ${l.trim()}`; // lazy continuation
        }
        i++;
      }
      blocks.push({
        kind: 'list',
        line: line.no,
        ordered: isOrdered,
        start,
        items: items.map((t) => ({ text: t, spans: parseInline(t) })),
      });
      continue;
    }

    // A paragraph: until a blank line or the start of another block.
    const parts: string[] = [text.trim()];
    i++;
    while (i < lines.length) {
      const l = (lines[i] as Line).text;
      if (l.trim() === '' || startsBlock(l)) break;
      parts.push(l.trim());
      i++;
    }
    const joined = parts.join(' ');
    blocks.push({ kind: 'paragraph', line: line.no, text: joined, spans: parseInline(joined) });
  }
  return blocks;
}

function stripIndent(text: string, indent: number): string {
  let k = 0;
  while (k < indent && text[k] === ' ') k++;
  return text.slice(k);
}

function fencedBlock(lang: string, content: string[], lineNo: number, state: BlockState): Block | null {
  const { report } = state;
  if (lang === 'sim' || lang === 'predict' || lang === 'diagram' || lang === 'compare') {
    const where = `\`\`\`${lang} block`;
    const data = parseYamlMapping(content.join('\n'), lineNo + 1, where, report);
    // A directive that is not even valid YAML is dropped; its problem is already reported.
    if (data === null) return null;
    const allowed: readonly string[] = lang === 'sim' ? SIM_KEYS : lang === 'predict' ? PREDICT_KEYS : lang === 'compare' ? COMPARE_KEYS : DIAGRAM_KEYS;
    for (const key of Object.keys(data)) {
      if (!allowed.includes(key)) report(lineNo, `${where}: unknown field "${key}" (allowed: ${allowed.join(', ')})`);
    }
    if (lang === 'sim') return simBlock(data, lineNo, state);
    if (lang === 'predict') return predictBlock(data, lineNo, state);
    if (lang === 'compare') return compareBlock(data, lineNo, state);
    return diagramBlock(data, lineNo, state);
  }
  if (lang === 'table') {
    report(lineNo, 'write tables as Markdown pipe tables (| a | b |), not ```table blocks');
  }
  return { kind: 'code', line: lineNo, lang, lines: trimTrailingBlankLines(content) };
}

function trimTrailingBlankLines(lines: string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && (out[out.length - 1] as string).trim() === '') out.pop();
  return out;
}

function stringList(value: unknown): string[] | null {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return null;
}

function simBlock(data: Record<string, unknown>, lineNo: number, state: BlockState): SimBlock {
  const { report } = state;
  if (typeof data.scenario !== 'string') report(lineNo, '```sim block: "scenario" (a string) is required');
  const focus = stringList(data.focus);
  if (focus === null) report(lineNo, '```sim block: "focus" must be a list of hop steps');
  const direction = data.direction === undefined ? null : data.direction;
  if (direction !== null && typeof direction !== 'string') report(lineNo, '```sim block: "direction" must be request or reply');
  const index = state.simCount++;
  state.lastSim = index;
  state.lastSimDirection = typeof direction === 'string' ? (direction as Direction) : null;
  return {
    kind: 'sim',
    line: lineNo,
    // Membership in the core's unions is checked by validateLesson.
    scenario: (typeof data.scenario === 'string' ? data.scenario : '') as ScenarioName,
    focus: (focus ?? []) as HopStep[],
    direction: typeof direction === 'string' ? (direction as Direction) : null,
    index,
  };
}

function compareBlock(data: Record<string, unknown>, lineNo: number, state: BlockState): CompareBlock {
  const { report } = state;
  if (typeof data.name !== 'string') report(lineNo, '```compare block: "name" (a comparison) is required');
  const focus = data.focus === undefined ? [] : stringList(data.focus);
  if (focus === null) report(lineNo, '```compare block: "focus" must be a list of hop steps');
  return {
    kind: 'compare',
    line: lineNo,
    name: typeof data.name === 'string' ? data.name.trim() : '',
    focus: (focus ?? []) as HopStep[],
  };
}

function predictBlock(data: Record<string, unknown>, lineNo: number, state: BlockState): PredictBlock {
  const { report } = state;
  if (typeof data.at !== 'string') report(lineNo, '```predict block: "at" (a hop step) is required');
  const ask = stringList(data.ask);
  if (ask === null) report(lineNo, '```predict block: "ask" must be a list');
  const direction = data.direction === undefined ? null : data.direction;
  if (direction !== null && typeof direction !== 'string') report(lineNo, '```predict block: "direction" must be request or reply');
  return {
    kind: 'predict',
    line: lineNo,
    at: (typeof data.at === 'string' ? data.at : '') as HopStep,
    ask: (ask ?? []) as PredictAsk[],
    direction: typeof direction === 'string' ? (direction as Direction) : state.lastSimDirection,
    sim: state.lastSim,
  };
}

function diagramBlock(data: Record<string, unknown>, lineNo: number, state: BlockState): DiagramBlock {
  const { report, diagrams } = state;
  const name = typeof data.name === 'string' ? data.name.trim() : '';
  if (name === '') report(lineNo, '```diagram block: "name" (an asset name) is required');
  if (data.alt !== undefined && typeof data.alt !== 'string') report(lineNo, '```diagram block: "alt" must be a string');
  const art = name === '' ? undefined : diagrams(name);
  return {
    kind: 'diagram',
    line: lineNo,
    name,
    alt: typeof data.alt === 'string' ? data.alt.trim() : null,
    unicode: art?.unicode ?? null,
    ascii: art?.ascii ?? null,
  };
}

/** Split a table row into cells on "|" outside code spans; "\|" is a literal pipe. */
export function splitTableRow(text: string): string[] {
  let row = text.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (let k = 0; k < row.length; k++) {
    const ch = row[k] as string;
    if (ch === '\\' && row[k + 1] === '|') {
      cell += inCode ? '|' : '\\|';
      k++;
    } else if (ch === '`') {
      inCode = !inCode;
      cell += ch;
    } else if (ch === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell.trim());
  return cells;
}

function tableBlock(
  header: Line,
  separator: Line,
  rows: readonly Line[],
  report: (line: number | null, message: string) => void,
): TableBlock {
  const head = splitTableRow(header.text);
  const align = splitTableRow(separator.text).map((s): 'left' | 'right' | 'center' =>
    s.startsWith(':') && s.endsWith(':') ? 'center' : s.endsWith(':') ? 'right' : 'left',
  );
  if (align.length !== head.length) report(separator.no, `table: the separator row has ${align.length} columns, the header ${head.length}`);
  const cell = (t: string): ListItem => ({ text: t, spans: parseInline(t) });
  return {
    kind: 'table',
    line: header.no,
    header: head.map(cell),
    align: head.map((_, k) => align[k] ?? 'left'),
    rows: rows.map((r) => {
      const cells = splitTableRow(r.text);
      if (cells.length !== head.length) report(r.no, `table: this row has ${cells.length} cells, the header ${head.length}`);
      return head.map((_, k) => cell(cells[k] ?? ''));
    }),
  };
}

function parseYamlMapping(
  text: string,
  firstLine: number,
  where: string,
  report: (line: number | null, message: string) => void,
): Record<string, unknown> | null {
  const doc = parseDocument(text, { prettyErrors: false });
  for (const err of doc.errors) {
    const line = err.linePos?.[0]?.line;
    report(line === undefined ? firstLine : firstLine + line - 1, `${where}: ${err.message.split('\n')[0] ?? 'invalid YAML'}`);
  }
  if (doc.errors.length > 0) return null;
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) {
    report(firstLine, `${where} is empty`);
    return null;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    report(firstLine, `${where} must be a YAML mapping (key: value lines)`);
    return null;
  }
  return value as Record<string, unknown>;
}
