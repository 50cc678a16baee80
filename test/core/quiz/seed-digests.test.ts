// Seed codes keep their questions: digests of whole 50-question quizzes of both formats, and of every
// "what goes wrong" failure (format 2) staged on several variants (the question, and the cluster its
// key was read from, after its ClusterChange). The golden exports (BVPJ-09D0, BVPJ-0987) hold 10
// questions and one failure; these hold every topic and all eight failures, so a change to the
// quiz's random draws or to a cluster variant the failures share (cluster/variants.ts,
// policy-variants.ts) shows here. A change that alters them needs a new quiz format
// (QUIZ_FORMAT) and a major version. UPDATE_QUIZ_GOLDEN=1 rewrites the file.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/core/quiz/build.js';
import { basisCluster } from '../../../src/core/quiz/facts.js';
import { generateQuiz } from '../../../src/core/quiz/quiz.js';
import { seedToCode } from '../../../src/core/quiz/seed.js';
import { QUIZ_FORMATS } from '../../../src/core/quiz/types.js';
import { makeVariant } from '../../../src/core/quiz/variant.js';
import { FAILURES, failureDraft } from '../../../src/core/quiz/what-goes-wrong.js';
import { seededRng } from '../../../src/core/random.js';

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 24);

const QUIZ_SEEDS = [1, 2, 3, 0x9e3779b9];
const VARIANT_SEEDS = [11, 2246822530, 198273, 4000000000, 77];

function digests(): Record<string, unknown> {
  const quizzes: Record<string, string> = {};
  for (const format of QUIZ_FORMATS) {
    for (const seed of QUIZ_SEEDS) quizzes[seedToCode(seed, format)] = digest(generateQuiz({ seed, format, count: 50, lesson: null, topics: null }));
  }
  const failures: Record<string, { question: string; cluster: string } | null> = {};
  for (const seed of VARIANT_SEEDS) {
    const variant = makeVariant(seed);
    for (const failure of FAILURES) {
      const draft = failureDraft(variant, seededRng(seed), failure);
      const question = draft === null ? null : assemble('q1-what-goes-wrong', draft, draft.lessons!, seededRng(seed));
      failures[`${failure.name}@${seed}`] = question === null ? null : { question: digest(question), cluster: digest(basisCluster(variant.cluster, question.basis!)) };
    }
  }
  return { quizzes, failures };
}

describe('seed codes keep their questions', () => {
  it('whole quizzes and every staged failure match the golden digests', () => {
    const file = new URL('./golden/seed-digests.json', import.meta.url);
    const now = digests();
    if (process.env.UPDATE_QUIZ_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(now, null, 2)}\n`);
    const golden = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(now).toEqual(golden);
  });

  it('the digests cover what they guard: every failure staged, and quizzes that ask what goes wrong', () => {
    for (const failure of FAILURES) {
      expect(VARIANT_SEEDS.some((seed) => failureDraft(makeVariant(seed), seededRng(seed), failure) !== null), failure.name).toBe(true);
    }
    expect(generateQuiz({ seed: QUIZ_SEEDS[0]!, format: 2, count: 50, lesson: null, topics: null }).questions.some((q) => q.topic === 'what-goes-wrong')).toBe(true);
  });
});
