// The content checks, for tests and lesson authors (not for the tour's start-up path): the parser,
// the validator, and checkLessons(), which the tests require to find nothing.
//
//   validateLesson(l)  semantic problems of one lesson (names, assets, page size, widths)
//   checkLessons()     everything: parse problems, validation problems, collection checks

import { bundledLessons } from './bundled-lessons.js';
import { DIAGRAM_SOURCES } from './diagram-sources.js';
import type { Problem } from './types.js';
import { validateDiagramArt, validateLesson } from './validate.js';

export { PAGE_SEPARATOR, LESSON_FILE_PATTERN, parseLesson, splitTableRow } from './parse.js';
export { validateLesson, validateDiagramArt } from './validate.js';
export { LESSON_SOURCES } from './lesson-sources.js';
export { DIAGRAM_SOURCES } from './diagram-sources.js';

/** Every problem in the bundled content; the tests require this to be empty. */
export function checkLessons(): Problem[] {
  const all = bundledLessons();
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
