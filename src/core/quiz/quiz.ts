// A whole quiz from a seed: the variant cluster, then questions drawn from the topics of the
// chosen lesson (or all), each generated on its own derived seed so one topic's draws never shift
// another's. Same spec, same quiz, byte for byte.

import { seededRng, shuffled } from '../random.js';
import { assemble } from './build.js';
import type { TopicSpec } from './generators.js';
import { deriveSeed, seedToCode } from './seed.js';
import { topicsOfFormat, TOPICS } from './topics.js';
import { QUIZ_FORMAT, type Question, type Quiz, type QuizFormat, type QuizSpec, type QuizTopic } from './types.js';
import { makeVariant, type QuizVariant } from './variant.js';

export const DEFAULT_COUNT = 10;
export const MAX_COUNT = 50;

/** The topics a quiz on `lesson` draws from (a topic belongs to every lesson it lists), in a quiz format. */
export function topicsFor(lesson: number | null, only: readonly QuizTopic[] | null = null, format: QuizFormat = QUIZ_FORMAT): TopicSpec[] {
  return topicsOfFormat(format).filter((t) => (lesson === null || t.lessons.includes(lesson)) && (only === null || only.includes(t.topic)));
}

/** Lessons that have quiz topics. */
export function quizLessons(): number[] {
  return [...new Set(TOPICS.flatMap((t) => t.lessons))].sort((a, b) => a - b);
}

export function generateQuiz(spec: QuizSpec): Quiz {
  const variant = makeVariant(spec.seed);
  return { ...quizOn(variant, spec), cluster: variant.summary };
}

export function quizOn(variant: QuizVariant, spec: QuizSpec): Quiz {
  const count = Math.max(1, Math.min(MAX_COUNT, Math.floor(spec.count)));
  const format = spec.format ?? QUIZ_FORMAT;
  const pool = topicsFor(spec.lesson, spec.topics, format);
  // Topics in a seeded order; the home lesson's topics first when a lesson is chosen.
  const ordered = shuffled(seededRng(deriveSeed(spec.seed, 'order')), pool);
  if (spec.lesson !== null) ordered.sort((a, b) => Number(b.lessons[0] === spec.lesson) - Number(a.lessons[0] === spec.lesson));

  const questions: Question[] = [];
  const seen = new Set<string>();
  const failures = new Map<QuizTopic, number>();
  let round = 0;
  while (questions.length < count && ordered.some((t) => (failures.get(t.topic) ?? 0) < 4) && round < count * 4 + 8) {
    for (const t of ordered) {
      if (questions.length >= count) break;
      if ((failures.get(t.topic) ?? 0) >= 4) continue;
      const rng = seededRng(deriveSeed(spec.seed, `${t.topic}#${round}`));
      const draft = t.make(variant, rng, spec.lesson);
      const question = draft === null ? null : assemble(`q${questions.length + 1}-${t.topic}`, draft, draft.lessons ?? t.lessons, rng);
      const signature = question === null ? '' : `${question.prompt}\u0000${question.choices[question.key]!.value}`;
      if (question === null || seen.has(signature)) {
        failures.set(t.topic, (failures.get(t.topic) ?? 0) + 1);
        continue;
      }
      seen.add(signature);
      questions.push(question);
    }
    round++;
  }
  return {
    format,
    seed: spec.seed,
    code: seedToCode(spec.seed, format),
    lesson: spec.lesson,
    count,
    topics: spec.topics,
    cluster: variant.summary,
    questions,
  };
}

/** A fresh variant with the topics of the missed questions (0-based indexes), seeded from the quiz and the list, in the quiz's format. */
export function retrySpec(quiz: Pick<Quiz, 'seed' | 'questions'> & Partial<Pick<Quiz, 'format'>>, missed: readonly number[]): QuizSpec {
  const indexes = [...new Set(missed)].filter((i) => i >= 0 && i < quiz.questions.length).sort((a, b) => a - b);
  const topics: QuizTopic[] = [];
  for (const i of indexes) {
    const t = quiz.questions[i]!.topic;
    if (!topics.includes(t)) topics.push(t);
  }
  const format = quiz.format ?? QUIZ_FORMAT;
  return { seed: deriveSeed(quiz.seed, `retry:${indexes.join(',')}`), format, count: Math.max(1, indexes.length), lesson: null, topics };
}
