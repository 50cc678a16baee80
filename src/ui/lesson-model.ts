// What a lesson page offers to open: its simulations and comparisons, in page order. The reducer
// opens them (Enter the first, a digit the k-th); the lesson screen numbers them and hints the keys.

import type { CompareBlock, Lesson, SimBlock } from '../content/types.js';

export function simsOnPage(lesson: Lesson, page: number): SimBlock[] {
  return (lesson.pages[page]?.blocks ?? []).filter((b): b is SimBlock => b.kind === 'sim');
}

/** What Enter (the first) and the digit keys (the k-th) open on a page: simulations and comparisons, in page order. */
export function openablesOnPage(lesson: Lesson, page: number): (SimBlock | CompareBlock)[] {
  return (lesson.pages[page]?.blocks ?? []).filter((b): b is SimBlock | CompareBlock => b.kind === 'sim' || b.kind === 'compare');
}
