// Semantic checks on a parsed lesson: names the core knows, assets that exist, pages that fit an
// 80x24 terminal. Returns problems as values; an empty list means the lesson is good.

import { COMPARISON_NAMES, isComparisonName } from '../core/comparisons.js';
import { plainText } from './inline.js';
import { LAYOUT, artLines, isWideCodePoint, pageRows, tableWidth, textWidth } from './layout.js';
import { LESSON_FILE_PATTERN, type DiagramArt } from './parse.js';
import type { Block, Lesson, Problem, SimBlock, Span } from './types.js';
import { SEED_SECTIONS, isDirection, isHopStep, isPredictAsk, isScenarioName } from './vocabulary.js';

export const OBJECTIVES_MIN = 2;
export const OBJECTIVES_MAX = 4;
/** An objective is drawn after a 2-column marker, and should fit one line. */
export const OBJECTIVE_MAX_WIDTH = 72;
export const TITLE_MAX_WIDTH = 60;

const DIAGRAM_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function validateLesson(lesson: Lesson): Problem[] {
  const problems: Problem[] = [];
  const report = (line: number | null, message: string): void => {
    problems.push({ file: lesson.file, line, message });
  };

  // ---- front matter ----
  if (!Number.isInteger(lesson.id) || lesson.id < 1 || lesson.id > 99) report(1, `id must be an integer from 1 to 99 (got ${lesson.id})`);
  const fileMatch = LESSON_FILE_PATTERN.exec(lesson.file);
  if (fileMatch === null) report(null, 'file name must look like NN-slug.md');
  else if (Number(fileMatch[1]) !== lesson.id) report(1, `id ${lesson.id} does not match the file name's number ${fileMatch[1]}`);
  if (lesson.title === '') report(1, 'title is missing');
  else if (textWidth(lesson.title) > TITLE_MAX_WIDTH) report(1, `title is wider than ${TITLE_MAX_WIDTH} columns`);
  if (lesson.objectives.length === 0) report(1, 'objectives are missing');
  else if (lesson.objectives.length < OBJECTIVES_MIN || lesson.objectives.length > OBJECTIVES_MAX) {
    report(1, `objectives: ${lesson.objectives.length} given, expected ${OBJECTIVES_MIN} to ${OBJECTIVES_MAX}`);
  }
  lesson.objectives.forEach((o, k) => {
    if (o === '') report(1, `objective ${k + 1} is empty`);
    else if (textWidth(o) > OBJECTIVE_MAX_WIDTH) report(1, `objective ${k + 1} is wider than ${OBJECTIVE_MAX_WIDTH} columns`);
  });
  if (!SEED_SECTIONS.includes(lesson.seedSection)) {
    report(1, `seedSection "${lesson.seedSection}" is not a heading of the source text (see SEED_SECTIONS)`);
  }
  if (!(lesson.minutes > 0 && lesson.minutes <= 60)) report(1, `minutes must be between 1 and 60 (got ${lesson.minutes})`);

  // ---- pages and blocks ----
  if (lesson.pages.length === 0) report(null, 'the lesson has no pages');
  const sims: SimBlock[] = [];
  for (const page of lesson.pages) {
    const rows = pageRows(page);
    if (rows.total > LAYOUT.pageRows) {
      report(page.line, `page ${page.index + 1} takes ${rows.total} rows; at most ${LAYOUT.pageRows} fit an 80x24 terminal`);
    }
    if (rows.prose > LAYOUT.proseRows) {
      report(page.line, `page ${page.index + 1} has ${rows.prose} rows of prose; keep it to ${LAYOUT.proseRows}`);
    }
    for (const block of page.blocks) {
      if (block.kind === 'sim') sims.push(block);
      checkBlock(block, sims, report);
    }
  }
  if (sims.length === 0) report(null, 'the lesson has no ```sim block');
  return problems;
}

function checkBlock(block: Block, sims: readonly SimBlock[], report: (line: number | null, message: string) => void): void {
  switch (block.kind) {
    case 'heading':
    case 'paragraph':
    case 'precision':
      checkProse(block.spans, block.line, report);
      if (block.kind === 'precision' && block.text.trim() === '') report(block.line, 'precision note is empty');
      return;
    case 'list':
      for (const item of block.items) checkProse(item.spans, block.line, report);
      return;
    case 'code':
      block.lines.forEach((l, k) => checkPreformatted(l, block.line + 1 + k, 'code', report));
      return;
    case 'table': {
      const width = tableWidth(block);
      if (width > LAYOUT.columns) report(block.line, `table is ${width} columns wide when drawn; at most ${LAYOUT.columns}`);
      for (const cell of [...block.header, ...block.rows.flat()]) checkProse(cell.spans, block.line, report);
      return;
    }
    case 'sim': {
      if (!isScenarioName(block.scenario)) report(block.line, `\`\`\`sim: unknown scenario "${block.scenario}"`);
      if (block.focus.length === 0) report(block.line, '```sim: "focus" lists no hop steps');
      const seen = new Set<string>();
      for (const step of block.focus) {
        if (!isHopStep(step)) report(block.line, `\`\`\`sim: unknown hop step "${step}" in focus`);
        if (seen.has(step)) report(block.line, `\`\`\`sim: hop step "${step}" is listed twice`);
        seen.add(step);
      }
      if (block.direction !== null && !isDirection(block.direction)) {
        report(block.line, `\`\`\`sim: direction must be request or reply (got "${block.direction}")`);
      }
      return;
    }
    case 'predict': {
      if (!isHopStep(block.at)) report(block.line, `\`\`\`predict: unknown hop step "${block.at}" in "at"`);
      if (block.ask.length === 0) report(block.line, '```predict: "ask" lists nothing to predict');
      for (const ask of block.ask) {
        if (!isPredictAsk(ask)) report(block.line, `\`\`\`predict: unknown ask "${ask}"`);
      }
      if (block.direction !== null && !isDirection(block.direction)) {
        report(block.line, `\`\`\`predict: direction must be request or reply (got "${block.direction}")`);
      }
      const sim = sims.find((s) => s.index === block.sim);
      if (sim === undefined) report(block.line, '```predict must come after the ```sim block it belongs to');
      else if (!sim.focus.includes(block.at)) {
        report(block.line, `\`\`\`predict: "${block.at}" is not a focus step of the sim block on line ${sim.line}, so the tour never stops there`);
      }
      return;
    }
    case 'compare': {
      if (!isComparisonName(block.name)) report(block.line, `\`\`\`compare: unknown comparison "${block.name}" (one of ${COMPARISON_NAMES.join(', ')})`);
      const seen = new Set<string>();
      for (const step of block.focus) {
        if (!isHopStep(step)) report(block.line, `\`\`\`compare: unknown hop step "${step}" in focus`);
        if (seen.has(step)) report(block.line, `\`\`\`compare: hop step "${step}" is listed twice`);
        seen.add(step);
      }
      return;
    }
    case 'diagram': {
      if (!DIAGRAM_NAME.test(block.name)) report(block.line, `\`\`\`diagram: "${block.name}" is not a valid asset name (lowercase-with-dashes)`);
      else if (block.unicode === null || block.ascii === null) {
        const missing = [block.unicode === null ? 'unicode' : null, block.ascii === null ? 'ascii' : null].filter((m) => m !== null);
        report(block.line, `\`\`\`diagram: no asset assets/diagrams/${block.name}.{${missing.join(',')}}.txt`);
      }
      for (const p of validateDiagramArt(block.name, { unicode: block.unicode, ascii: block.ascii })) report(block.line, p.message);
      if (block.alt !== null && textWidth(block.alt) > LAYOUT.columns) report(block.line, '```diagram: "alt" must fit one line');
      return;
    }
  }
}

function checkProse(spans: readonly Span[], line: number, report: (line: number | null, message: string) => void): void {
  const text = plainText(spans);
  for (const word of text.split(/\s+/)) {
    if (textWidth(word) > LAYOUT.columns) report(line, `"${word.slice(0, 30)}..." is wider than ${LAYOUT.columns} columns and cannot wrap`);
  }
  const wide = [...text].find((ch) => isWideCodePoint(ch.codePointAt(0) ?? 0));
  if (wide !== undefined) report(line, `"${wide}" is a wide character (emoji/CJK); it misaligns terminal text`);
}

function checkPreformatted(line: string, lineNo: number, what: string, report: (line: number | null, message: string) => void): void {
  if (line.includes('\t')) report(lineNo, `${what}: tab character (use spaces; tabs render at different widths)`);
  const width = textWidth(line);
  if (width > LAYOUT.columns) report(lineNo, `${what}: line is ${width} columns wide; at most ${LAYOUT.columns}`);
  const wide = [...line].find((ch) => isWideCodePoint(ch.codePointAt(0) ?? 0));
  if (wide !== undefined) report(lineNo, `${what}: "${wide}" is a wide character`);
}

/**
 * Checks one diagram's two drawings: each at most LAYOUT.columns wide and LAYOUT.diagramRows
 * tall, no tabs or wide characters, and the ASCII one 7-bit printable only.
 * Problems are reported against the asset file, line numbers 1-based.
 */
export function validateDiagramArt(name: string, art: DiagramArt): Problem[] {
  const problems: Problem[] = [];
  for (const variant of ['unicode', 'ascii'] as const) {
    const text = art[variant];
    if (text === null) continue;
    const file = `assets/diagrams/${name}.${variant}.txt`;
    const lines = artLines(text);
    if (lines.length === 0) problems.push({ file, line: null, message: `${file} is empty` });
    if (lines.length > LAYOUT.diagramRows) {
      problems.push({ file, line: null, message: `${file} has ${lines.length} rows; at most ${LAYOUT.diagramRows}` });
    }
    lines.forEach((l, k) => {
      const report = (_: number | null, message: string): void => {
        problems.push({ file, line: k + 1, message: `${file}:${k + 1}: ${message}` });
      };
      checkPreformatted(l, k + 1, 'diagram', report);
      if (variant === 'ascii' && !/^[\x20-\x7e]*$/.test(l)) report(k + 1, 'non-ASCII character in the ASCII variant');
    });
  }
  return problems;
}
