// A student's result as a JSON document (quiz --results FILE): which quiz (seed and code, so the
// teacher can regenerate it), each answer, right or wrong, the time taken, the score.

import { LETTERS } from './export/common.js';
import { missedIndexes, sessionScore, type SessionState } from './session.js';

export const RESULT_SCHEMA = 'kube-packet-tour/quiz-result';
export const RESULT_VERSION = 1;

export interface QuizResultAnswer {
  readonly number: number;
  readonly id: string;
  readonly topic: string;
  readonly prompt: string;
  /** The letter chosen last, or null when skipped or not reached. */
  readonly answer: string | null;
  readonly answerText: string | null;
  readonly tries: readonly string[];
  readonly right: boolean;
  readonly key: string;
  readonly keyText: string;
  readonly hintUsed: boolean;
  /** null when the question was not reached. */
  readonly ms: number | null;
}

export interface QuizResult {
  readonly schema: typeof RESULT_SCHEMA;
  readonly version: number;
  readonly seed: number;
  readonly code: string;
  readonly lesson: number | null;
  readonly count: number;
  readonly mode: string;
  readonly timeLimitMs: number | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly endReason: string | null;
  readonly score: { readonly right: number; readonly total: number; readonly percent: number };
  readonly missed: readonly number[];
  readonly answers: readonly QuizResultAnswer[];
}

/** Epoch ms as ISO 8601 UTC. Pure: formats a given instant, reads no clock. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

export function quizResult(state: SessionState, at: number = state.finishedAt ?? state.startedAt): QuizResult {
  const score = sessionScore(state);
  const answers = state.quiz.questions.map((q, i): QuizResultAnswer => {
    const a = state.answers.find((x) => x.index === i) ?? null;
    return {
      number: i + 1,
      id: q.id,
      topic: q.topic,
      prompt: q.prompt,
      answer: a?.choice == null ? null : LETTERS[a.choice]!,
      answerText: a?.choice == null ? null : q.choices[a.choice]!.text,
      tries: a?.tries.map((t) => LETTERS[t]!) ?? [],
      right: a?.correct ?? false,
      key: LETTERS[q.key]!,
      keyText: q.choices[q.key]!.text,
      hintUsed: a?.hintUsed ?? false,
      ms: a?.ms ?? null,
    };
  });
  const end = state.finishedAt;
  return {
    schema: RESULT_SCHEMA,
    version: RESULT_VERSION,
    seed: state.quiz.seed,
    code: state.quiz.code,
    lesson: state.quiz.lesson,
    count: state.quiz.questions.length,
    mode: state.config.mode,
    timeLimitMs: state.config.timeLimitMs,
    startedAt: isoOf(state.startedAt),
    finishedAt: end === null ? null : isoOf(end),
    durationMs: (end ?? at) - state.startedAt,
    endReason: state.endReason,
    score: { right: score.right, total: score.total, percent: score.percent },
    missed: missedIndexes(state).map((i) => i + 1),
    answers,
  };
}
