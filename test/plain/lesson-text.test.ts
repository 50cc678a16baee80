// `lesson N --plain`: every lesson as text, in the learner's words (no internal identifiers), its
// simulations and comparisons played in full, within the width.

import { describe, expect, it } from 'vitest';
import { loadLessons } from '../../src/content/index.js';
import { lessonText } from '../../src/plain/lesson-text.js';

const lessons = loadLessons();

describe('lessonText', () => {
  it('asks predictions as questions, with readable hop names', () => {
    const text = lessonText(lessons.find((l) => l.id === 5)!, { width: 80, ascii: false });
    expect(text).toContain('THINK FIRST, before the routing decision hop: Where does the packet go next?');
    expect(text).not.toMatch(/\(next-hop\)|"route" hop|PREDICT:/);
  });

  it('plays a comparison block in full', () => {
    const text = lessonText(lessons.find((l) => l.id === 8)!, { width: 80, ascii: false });
    expect(text).toContain('COMPARISON: Through the Service, or straight to the pod IP');
    expect(text).toMatch(/^A 05 -- {2}node-1 {2}\[dnat\]$/m);
  });

  for (const lesson of lessons) {
    it(`lesson ${lesson.id}: no line wider than 80 columns`, () => {
      const wide = lessonText(lesson, { width: 80, ascii: false }).split('\n').filter((l) => [...l].length > 80);
      expect(wide).toEqual([]);
    });
  }
});
