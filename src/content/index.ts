// The content API the tour and the plain commands use: the bundled lessons and the layout helpers.
//
//   loadLessons()      every lesson, sorted by id (parsed on first call, then cached; in dist/ parsed at build time)
//   getLesson(id)      one lesson, or undefined
//
// The parser and the validator (checkLessons, validateLesson, parseLesson) are in ./check.ts: they
// are for tests and authors, and importing them here would put the Markdown and YAML parsers on
// the tour's start-up path.
//
// The lesson format is documented in src/content/README.md.

import { bundledLessons } from './bundled-lessons.js';
import type { Lesson } from './types.js';

export type * from './types.js';
export { LAYOUT, blockRows, pageRows, textWidth, wrap, listMarker, tableColumnWidths, tableWidth, TABLE_GAP, artLines } from './layout.js';
export { parseInline, plainText } from './inline.js';
export type { DiagramArt, DiagramLookup, ParsedLesson } from './parse.js';
export { SCENARIO_NAMES, HOP_STEPS, PREDICT_ASKS, SEED_SECTIONS, type PredictAsk } from './vocabulary.js';
export { lookupDiagram } from './bundled-lessons.js';

/** All bundled lessons, sorted by id. Never throws: a broken lesson is caught by checkLessons() in tests. */
export function loadLessons(): Lesson[] {
  return bundledLessons().map((p) => p.lesson);
}

export function getLesson(id: number): Lesson | undefined {
  return bundledLessons().find((p) => p.lesson.id === id)?.lesson;
}
