// The content API: the bundled lessons, parsed once, plus the validator.
//
//   loadLessons()      every lesson, sorted by id (parsed on first call, then cached)
//   getLesson(id)      one lesson, or undefined
//   validateLesson(l)  semantic problems of one lesson (names, assets, page size, widths)
//   checkLessons()     everything: parse problems, validation problems, collection checks
//
// The lesson format is documented in src/content/README.md.

import { DIAGRAM_SOURCES } from './diagram-sources.js';
import { LESSON_SOURCES } from './lesson-sources.js';
import { parseLesson, type DiagramArt, type ParsedLesson } from './parse.js';
import type { Lesson, Problem } from './types.js';
import { validateDiagramArt, validateLesson } from './validate.js';

export type * from './types.js';
export { LAYOUT, blockRows, pageRows, textWidth, wrap, listMarker, tableColumnWidths, tableWidth, TABLE_GAP, artLines } from './layout.js';
export { parseInline, plainText } from './inline.js';
export { PAGE_SEPARATOR, LESSON_FILE_PATTERN, parseLesson, splitTableRow, type DiagramArt, type DiagramLookup, type ParsedLesson } from './parse.js';
export { validateLesson, validateDiagramArt } from './validate.js';
export { SCENARIO_NAMES, HOP_STEPS, PREDICT_ASKS, SEED_SECTIONS, type PredictAsk } from './vocabulary.js';
export { LESSON_SOURCES } from './lesson-sources.js';
export { DIAGRAM_SOURCES } from './diagram-sources.js';

/** A bundled diagram by name (assets/diagrams/<name>.{unicode,ascii}.txt). */
export function lookupDiagram(name: string): DiagramArt | undefined {
  return Object.hasOwn(DIAGRAM_SOURCES, name) ? DIAGRAM_SOURCES[name] : undefined;
}

let parsed: readonly ParsedLesson[] | null = null;

function parseAll(): readonly ParsedLesson[] {
  if (parsed === null) {
    parsed = LESSON_SOURCES.map((s) => parseLesson(s.file, s.text, lookupDiagram)).sort((a, b) => a.lesson.id - b.lesson.id);
  }
  return parsed;
}

/** All bundled lessons, sorted by id. Never throws: a broken lesson is caught by checkLessons() in tests. */
export function loadLessons(): Lesson[] {
  return parseAll().map((p) => p.lesson);
}

export function getLesson(id: number): Lesson | undefined {
  return parseAll().find((p) => p.lesson.id === id)?.lesson;
}

/** Every problem in the bundled content; the tests require this to be empty. */
export function checkLessons(): Problem[] {
  const all = parseAll();
  const problems: Problem[] = [];
  for (const { lesson, problems: parseProblems } of all) {
    problems.push(...parseProblems, ...validateLesson(lesson));
  }
  // The core lessons are numbered 1..10 without gaps; bonus lessons follow from 11.
  const ids = all.map((p) => p.lesson.id);
  ids.forEach((id, k) => {
    if (id !== k + 1) problems.push({ file: all[k]?.lesson.file ?? '', line: 1, message: `lesson ids must run 1, 2, 3, ... without gaps or repeats (found ${id} at position ${k + 1})` });
  });
  const slugs = new Set<string>();
  for (const { lesson } of all) {
    if (slugs.has(lesson.slug)) problems.push({ file: lesson.file, line: null, message: `slug "${lesson.slug}" is used twice` });
    slugs.add(lesson.slug);
  }
  for (const [name, art] of Object.entries(DIAGRAM_SOURCES)) problems.push(...validateDiagramArt(name, art));
  return problems;
}
