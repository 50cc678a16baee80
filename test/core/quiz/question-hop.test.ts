import { describe, expect, it } from 'vitest';
import { generateQuiz } from '../../../src/core/quiz/quiz.js';
import { questionHop } from '../../../src/core/quiz/question-hop.js';
import { traceOfBasis } from '../../../src/core/quiz/facts.js';
import { makeVariant } from '../../../src/core/quiz/variant.js';

// Over many seeded quizzes: every question whose topic names a hop can reopen its trace at a hop
// of that step and direction, so "s" after an answer lands where the question is.
describe('questionHop', () => {
  it('names a hop that exists in the trace the question was computed from', () => {
    let checked = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const quiz = generateQuiz({ seed, count: 12, lesson: null, topics: null });
      const variant = makeVariant(quiz.seed);
      for (const q of quiz.questions) {
        const hop = questionHop(q);
        if (hop === null || q.basis === null) continue;
        const trace = traceOfBasis(variant, q.basis);
        expect(trace, `${q.id} of seed ${seed}`).not.toBeNull();
        const found = trace!.hops.some((h) => h.step === hop.step && h.direction === hop.direction);
        expect(found, `${q.id} of seed ${seed}: no ${hop.direction} ${hop.step} hop`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
