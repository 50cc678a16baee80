// The bundled lessons, parsed. Here (tests, type-checks) they are parsed from lessons/*.md on first
// use; in dist/ scripts/build.mjs replaces this module with the same result computed at build time,
// as JSON, so the tour's first frame does not wait for the Markdown and front-matter parsers.

import { DIAGRAM_SOURCES } from './diagram-sources.js';
import { LESSON_SOURCES } from './lesson-sources.js';
import { parseLesson, type DiagramArt, type ParsedLesson } from './parse.js';

/** A bundled diagram by name (assets/diagrams/<name>.{unicode,ascii}.txt). */
export function lookupDiagram(name: string): DiagramArt | undefined {
  return Object.hasOwn(DIAGRAM_SOURCES, name) ? DIAGRAM_SOURCES[name] : undefined;
}

let parsed: readonly ParsedLesson[] | null = null;

/** Every bundled lesson with its parse problems, sorted by id. */
export function bundledLessons(): readonly ParsedLesson[] {
  parsed ??= LESSON_SOURCES.map((s) => parseLesson(s.file, s.text, lookupDiagram)).sort((a, b) => a.lesson.id - b.lesson.id);
  return parsed;
}
