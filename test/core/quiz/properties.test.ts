// Property tests over 1,000 seeds: every question's key is what the Trace says, every distractor
// differs from it and from the others, and the same seed gives byte-identical exports.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportQuiz } from '../../../src/core/quiz/export/index.js';
import { traceOfBasis } from '../../../src/core/quiz/facts.js';
import { TOPICS } from '../../../src/core/quiz/topics.js';
import { generateQuiz } from '../../../src/core/quiz/quiz.js';
import type { Quiz, QuizSpec } from '../../../src/core/quiz/types.js';
import { makeVariant } from '../../../src/core/quiz/variant.js';
import { expectedValue } from '../../support/quiz-oracle.js';

const SEEDS = 1000;
const CHUNK = 100;
/** Seed n: spread over the 32-bit range; the lesson cycles through all, 1..11. */
const specOf = (n: number): QuizSpec => ({ seed: (n * 2654435761) >>> 0, count: 8, lesson: n % 12 === 0 ? null : n % 12, topics: null });

function exportsHash(quiz: Quiz): string {
  const h = createHash('sha256');
  for (const f of EXPORT_FORMATS) h.update(exportQuiz(quiz, f)).update('\u0000');
  return h.digest('hex');
}

const hashes = new Map<number, string>();
const seenTopics = new Set<string>();

describe('generated questions agree with the simulator', () => {
  for (let start = 0; start < SEEDS; start += CHUNK) {
    it(`seeds ${start}-${start + CHUNK - 1}`, () => {
      for (let n = start; n < start + CHUNK; n++) {
        const spec = specOf(n);
        const quiz = generateQuiz(spec);
        const variant = makeVariant(spec.seed);
        hashes.set(n, exportsHash(quiz));
        expect(quiz.questions.length, `seed ${spec.seed}`).toBeGreaterThanOrEqual(Math.min(spec.count, 4));
        for (const q of quiz.questions) {
          const where = `seed ${spec.seed} (${quiz.code}) ${q.id}`;
          seenTopics.add(q.topic);
          if (spec.lesson !== null) expect(q.lessons, where).toContain(spec.lesson);
          expect(q.choices.length, where).toBeGreaterThanOrEqual(3);
          expect(q.choices.length, where).toBeLessThanOrEqual(5);
          expect(q.key, where).toBeGreaterThanOrEqual(0);
          expect(q.key, where).toBeLessThan(q.choices.length);
          expect(new Set(q.choices.map((c) => c.value)).size, `${where}: values distinct`).toBe(q.choices.length);
          expect(new Set(q.choices.map((c) => c.text.toLowerCase())).size, `${where}: texts distinct`).toBe(q.choices.length);
          expect(q.explanation, where).toBe(q.choices[q.key]!.explanation);
          for (const c of q.choices) {
            expect(c.explanation.length, `${where}: ${c.text}`).toBeGreaterThan(10);
            expect(`${c.text} ${c.explanation}`, where).not.toMatch(/undefined|NaN|\[object|null\b/);
          }
          expect(q.prompt, where).not.toMatch(/undefined|NaN|\[object/);
          // The key is what the trace says; no distractor is.
          const trace = traceOfBasis(variant, q.basis!);
          expect(trace, where).not.toBeNull();
          const truth = expectedValue(q, trace!, variant);
          expect(q.choices[q.key]!.value, where).toBe(truth);
          q.choices.forEach((c, i) => {
            if (i !== q.key) expect(c.value, `${where}: distractor "${c.text}"`).not.toBe(truth);
          });
        }
      }
    });
  }

  it('every topic was asked', () => {
    expect([...seenTopics].sort()).toEqual(TOPICS.map((t) => t.topic).sort());
  });

  it('the same seed gives byte-identical exports (regenerated in reverse order)', () => {
    expect(hashes.size).toBe(SEEDS);
    for (let n = SEEDS - 1; n >= 0; n--) expect(exportsHash(generateQuiz(specOf(n))), `seed ${specOf(n).seed}`).toBe(hashes.get(n));
  }, 300_000);
});
