// The bundled lessons in the reader: every page of every lesson fits 40, 80 and 120 columns in
// 24 rows, and every sim block opens the stepper on a trace with its focus stops.

import { describe, expect, it } from 'vitest';
import { loadLessons } from '../../src/content/index.js';
import { layoutFrame } from '../../src/ui/frame.js';
import type { Action } from '../../src/ui/reducer.js';
import { current } from '../../src/ui/state.js';
import { stepperHops, stopsOf } from '../../src/ui/stepper-model.js';
import { lineWidth } from '../../src/ui/text.js';
import { makeEnv, run, start } from './helpers.js';

const lessons = loadLessons();

describe('the bundled lessons in the reader', () => {
  for (const display of [
    { ascii: false, color: true, screenReader: false },
    { ascii: true, color: false, screenReader: false },
    { ascii: false, color: false, screenReader: true },
  ]) {
    const env = makeEnv({ lessons, display });
    const label = display.screenReader ? 'screen reader' : display.ascii ? 'ascii' : 'unicode';
    it(`${label}: every page fits 40, 80 and 120 columns in 24 rows`, () => {
      for (const columns of [40, 80, 120]) {
        for (const lesson of lessons) {
          let s = start(env, { screen: 'lesson', lesson: lesson.id }, { columns, rows: 24 });
          for (let page = 0; page < lesson.pages.length; page++) {
            const layout = layoutFrame(s, env);
            const where = `lesson ${lesson.id} page ${page + 1} at ${columns}`;
            expect(Math.max(...layout.lines.map(lineWidth)), where).toBeLessThanOrEqual(columns - 1);
            expect(layout.lines.length, where).toBeLessThanOrEqual(23);
            s = run(s, env, { type: 'next' });
          }
        }
      }
    });
  }

  it('opens every sim block on a trace and stops on its focus hops', () => {
    const env = makeEnv({ lessons });
    for (const lesson of lessons) {
      lesson.pages.forEach((page, p) => {
        const sims = page.blocks.filter((b) => b.kind === 'sim');
        sims.forEach((block, k) => {
          if (block.kind !== 'sim') return;
          // On a lesson page, the number keys open the page's sim blocks in order.
          const s = run(start(env, { screen: 'lesson', lesson: lesson.id }), env, ...Array<Action>(p).fill({ type: 'next' }), { type: 'digit', digit: k + 1 });
          const screen = current(s);
          expect(screen.kind, `lesson ${lesson.id} page ${p + 1}`).toBe('stepper');
          if (screen.kind !== 'stepper') return;
          expect(screen.stepper.scenario).toBe(block.scenario);
          if (stepperHops(screen.stepper).length > 0 && block.focus.length > 0) {
            expect(stopsOf(screen.stepper).length, `lesson ${lesson.id} page ${p + 1} ${block.scenario}`).toBeGreaterThan(0);
          }
        });
      });
    }
  });
});
