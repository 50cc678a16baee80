// "Where does it go wrong, and how?": every failure scenario staged on quiz variants. The key is
// checked against the trace by the independent oracle (test/support/quiz-oracle.ts), as every other
// topic is; the distractors each say why they are wrong.

import { describe, expect, it } from 'vitest';
import { traceOfBasis } from '../../../src/core/quiz/facts.js';
import { generateQuiz } from '../../../src/core/quiz/quiz.js';
import { questionHop } from '../../../src/core/quiz/question-hop.js';
import { FORMAT_1_TOPICS } from '../../../src/core/quiz/generators.js';
import { FAILURES, failureDraft } from '../../../src/core/quiz/what-goes-wrong.js';
import { assemble } from '../../../src/core/quiz/build.js';
import { makeVariant } from '../../../src/core/quiz/variant.js';
import { seededRng } from '../../../src/core/random.js';
import { ALL_SCENARIO_NAMES } from '../../../src/core/scenarios.js';
import { expectedValue } from '../../support/quiz-oracle.js';

const VARIANTS = 30;
const variantSeed = (n: number): number => (n * 2246822519 + 11) >>> 0;

describe('what goes wrong, on quiz variants', () => {
  it('covers every failure scenario of trace --scenario (no-endpoints and the what-goes-wrong ones)', () => {
    const failures = ALL_SCENARIO_NAMES.filter((n) => n === 'no-endpoints' || ['no-br-netfilter', 'wrong-targetport', 'networkpolicy-deny', 'vxlan-mtu', 'stale-udp-conntrack', 'nodeport-local-no-endpoint', 'internal-local-no-endpoint'].includes(n));
    expect(FAILURES.map((f) => f.name).sort()).toEqual([...failures].sort());
  });

  for (const failure of FAILURES) {
    it(`${failure.name}: the key is where the trace loses the connection, on most variants`, () => {
      let staged = 0;
      const keys = new Set<string>();
      for (let n = 0; n < VARIANTS; n++) {
        const variant = makeVariant(variantSeed(n));
        const draft = failureDraft(variant, seededRng(n), failure);
        if (draft === null) continue;
        staged++;
        const q = assemble(`q1-${draft.topic}`, draft, draft.lessons!, seededRng(n))!;
        const where = `${failure.name} on variant ${variantSeed(n)}`;
        expect(q, where).not.toBeNull();
        expect(q.topic).toBe('what-goes-wrong');
        expect(q.lessons, where).toEqual(failure.lessons);
        expect(q.basis?.change ?? null, `${where}: the basis names its cluster change`).toEqual(failure.name === 'no-endpoints' ? null : expect.anything());
        const trace = traceOfBasis(variant, q.basis!)!;
        expect(trace.outcome, where).not.toBe('delivered');
        const truth = expectedValue(q, trace, variant);
        expect(q.choices[q.key]!.value, where).toBe(truth);
        expect(q.explanation, where).toBe(trace.reason);
        keys.add(truth.replace(/^[^ ]+ /, ''));
        expect(q.choices.length, where).toBe(4);
        q.choices.forEach((c, i) => {
          if (i === q.key) return;
          expect(c.value, `${where}: "${c.text}"`).not.toBe(truth);
          expect(c.explanation.length, `${where}: "${c.text}"`).toBeGreaterThan(40);
        });
        expect(q.choices.some((c, i) => i !== q.key && c.misconception !== null), where).toBe(true);
        expect(`${q.prompt} ${q.choices.map((c) => c.text).join(' ')}`, where).not.toMatch(/undefined|NaN|\[object|null\b/);
        // The stepper opens at the hop where it goes wrong.
        const hop = questionHop(q)!;
        expect(trace.hops.some((h) => h.step === hop.step && h.direction === hop.direction), where).toBe(true);
      }
      expect(staged, `${failure.name} staged on ${staged} of ${VARIANTS} variants`).toBeGreaterThanOrEqual(VARIANTS / 2);
      // One kind of hop per failure: the failure is the same, the cluster around it differs.
      expect(keys.size, [...keys].join(', ')).toBe(1);
    });
  }

  it('varies with the seed: other nodes, pods and addresses', () => {
    const prompts = new Set<string>();
    for (let n = 0; n < 10; n++) {
      const d = failureDraft(makeVariant(variantSeed(n)), seededRng(n), FAILURES.find((f) => f.name === 'wrong-targetport')!);
      if (d !== null) prompts.add(d.prompt);
    }
    expect(prompts.size).toBeGreaterThan(5);
  });

  it('reaches quizzes: a format-2 quiz draws it; every failure comes up across seeds', () => {
    const names = new Set<string>();
    let asked = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const quiz = generateQuiz({ seed, count: 3, lesson: null, topics: ['what-goes-wrong'] });
      expect(quiz.format).toBe(2);
      for (const q of quiz.questions) {
        asked++;
        // Each failure turns its own knob (no-endpoints turns none: the variant has an empty Service).
        names.add(q.basis?.change?.kind ?? 'none');
      }
    }
    expect(asked).toBeGreaterThan(150);
    expect(names.size).toBe(FAILURES.length);
  });

  it('--lesson N asks only the failures of lesson N, under that lesson', () => {
    for (const lesson of [3, 4, 5, 6, 7, 8, 9, 11]) {
      const quiz = generateQuiz({ seed: 40 + lesson, count: 4, lesson, topics: ['what-goes-wrong'] });
      expect(quiz.questions.length, `lesson ${lesson}`).toBeGreaterThan(0);
      for (const q of quiz.questions) expect(q.lessons, `lesson ${lesson}`).toContain(lesson);
    }
    expect(generateQuiz({ seed: 5, count: 4, lesson: 1, topics: ['what-goes-wrong'] }).questions).toEqual([]);
  });

  it('is not in format 1, whose codes keep their questions', () => {
    expect(FORMAT_1_TOPICS.map((t) => t.topic)).not.toContain('what-goes-wrong');
    expect(FORMAT_1_TOPICS).toHaveLength(28);
    for (const seed of [1, 2, 3]) {
      const quiz = generateQuiz({ seed, format: 1, count: 50, lesson: null, topics: null });
      expect(quiz.format).toBe(1);
      expect(quiz.questions.some((q) => q.topic === 'what-goes-wrong')).toBe(false);
    }
  });
});
