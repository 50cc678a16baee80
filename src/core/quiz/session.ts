// A quiz session as a pure reducer: (state, action) -> state. The plain flow and the Ink quiz share
// it; neither keeps quiz logic of its own. Time comes in with each action (`at`, epoch ms), so the
// reducer never reads a clock.
//
//   practice  up to two tries; a wrong first try shows that choice's explanation and allows a hint;
//             after the last try the right answer and its explanation are shown ('feedback').
//   exam      one try, no hints, no feedback until the end; an optional time limit.
//
// A question counts as right only when it is answered right on the first try.

import type { Question, Quiz, QuizTopic } from './types.js';

export type QuizMode = 'practice' | 'exam';

export interface SessionConfig {
  readonly mode: QuizMode;
  readonly maxTries: number;
  readonly hints: boolean;
  /** Show the result and the explanation after each question. */
  readonly feedback: boolean;
  readonly timeLimitMs: number | null;
}

export function sessionConfig(mode: QuizMode, timeLimitMs: number | null = null): SessionConfig {
  return mode === 'exam'
    ? { mode, maxTries: 1, hints: false, feedback: false, timeLimitMs }
    : { mode, maxTries: 2, hints: true, feedback: true, timeLimitMs };
}

export interface AnswerRecord {
  /** 0-based position in the quiz. */
  readonly index: number;
  readonly question: string;
  readonly topic: QuizTopic;
  /** Every choice tried, in order (0-based). */
  readonly tries: readonly number[];
  /** The last choice, or null when the question was skipped. */
  readonly choice: number | null;
  /** Right on the first try. */
  readonly correct: boolean;
  /** Right on some try. */
  readonly solved: boolean;
  readonly hintUsed: boolean;
  /** From the question being shown to the last answer. */
  readonly ms: number;
}

export type Phase = 'question' | 'feedback' | 'finished';
export type EndReason = 'completed' | 'time-up' | 'quit';

export type Feedback =
  /** Practice: the first try was wrong; another try is allowed. */
  | { readonly kind: 'retry'; readonly choice: number }
  /** The question is over: right, wrong (after the last try) or skipped. */
  | { readonly kind: 'right' | 'wrong' | 'skipped'; readonly choice: number | null }
  /** A choice outside the list (the UI should say which numbers are valid). */
  | { readonly kind: 'invalid'; readonly input: number }
  /** A choice already tried on this question; nothing recorded. */
  | { readonly kind: 'repeat'; readonly choice: number };

export interface SessionState {
  readonly quiz: Quiz;
  readonly config: SessionConfig;
  readonly phase: Phase;
  /** The question being asked (or whose feedback is shown). */
  readonly current: number;
  /** The current question's tries so far. */
  readonly tries: readonly number[];
  readonly hintShown: boolean;
  readonly hintUsed: boolean;
  readonly questionShownAt: number;
  readonly startedAt: number;
  /** startedAt + timeLimitMs, or null. */
  readonly deadline: number | null;
  readonly answers: readonly AnswerRecord[];
  readonly feedback: Feedback | null;
  readonly finishedAt: number | null;
  readonly endReason: EndReason | null;
}

export type SessionAction =
  | { readonly type: 'answer'; readonly choice: number; readonly at: number }
  | { readonly type: 'hint'; readonly at: number }
  | { readonly type: 'skip'; readonly at: number }
  | { readonly type: 'next'; readonly at: number }
  | { readonly type: 'tick'; readonly at: number }
  | { readonly type: 'quit'; readonly at: number };

export function startSession(quiz: Quiz, config: SessionConfig, at: number): SessionState {
  const empty = quiz.questions.length === 0;
  return {
    quiz,
    config,
    phase: empty ? 'finished' : 'question',
    current: 0,
    tries: [],
    hintShown: false,
    hintUsed: false,
    questionShownAt: at,
    startedAt: at,
    deadline: config.timeLimitMs === null ? null : at + config.timeLimitMs,
    answers: [],
    feedback: null,
    finishedAt: empty ? at : null,
    endReason: empty ? 'completed' : null,
  };
}

export function currentQuestion(state: SessionState): Question | null {
  return state.phase === 'finished' ? null : (state.quiz.questions[state.current] ?? null);
}

function finish(state: SessionState, at: number, reason: EndReason): SessionState {
  return { ...state, phase: 'finished', finishedAt: at, endReason: reason, feedback: state.phase === 'feedback' ? state.feedback : null };
}

function advance(state: SessionState, at: number): SessionState {
  const next = state.current + 1;
  if (next >= state.quiz.questions.length) return finish({ ...state, current: state.current }, at, 'completed');
  return { ...state, phase: 'question', current: next, tries: [], hintShown: false, hintUsed: false, questionShownAt: at, feedback: null };
}

function record(state: SessionState, question: Question, tries: readonly number[], at: number): AnswerRecord {
  const choice = tries.at(-1) ?? null;
  return {
    index: state.current,
    question: question.id,
    topic: question.topic,
    tries,
    choice,
    correct: tries[0] === question.key,
    solved: choice === question.key,
    hintUsed: state.hintUsed,
    ms: Math.max(0, at - state.questionShownAt),
  };
}

/** After the last answer: show feedback (practice) or move on (exam). */
function close(state: SessionState, answer: AnswerRecord, kind: 'right' | 'wrong' | 'skipped', at: number): SessionState {
  const answered = { ...state, answers: [...state.answers, answer], tries: answer.tries };
  if (state.config.feedback) return { ...answered, phase: 'feedback', feedback: { kind, choice: answer.choice } };
  return advance(answered, at);
}

export function sessionReducer(state: SessionState, action: SessionAction): SessionState {
  if (state.phase === 'finished') return state;
  if (state.deadline !== null && action.at >= state.deadline) return finish(state, state.deadline, 'time-up');
  const question = currentQuestion(state);
  if (question === null) return finish(state, action.at, 'completed');
  switch (action.type) {
    case 'tick':
      return state;
    case 'quit':
      return finish(state, action.at, 'quit');
    case 'next':
      return state.phase === 'feedback' ? advance(state, action.at) : state;
    case 'hint':
      return state.phase === 'question' && state.config.hints ? { ...state, hintShown: true, hintUsed: true } : state;
    case 'skip': {
      if (state.phase !== 'question') return state;
      const answer = { ...record(state, question, state.tries, action.at), choice: null, solved: false, correct: false };
      return close(state, answer, 'skipped', action.at);
    }
    case 'answer': {
      if (state.phase !== 'question') return state;
      if (!Number.isInteger(action.choice) || action.choice < 0 || action.choice >= question.choices.length) {
        return { ...state, feedback: { kind: 'invalid', input: action.choice } };
      }
      if (state.tries.includes(action.choice)) return { ...state, feedback: { kind: 'repeat', choice: action.choice } };
      const tries = [...state.tries, action.choice];
      if (action.choice === question.key) return close(state, record(state, question, tries, action.at), 'right', action.at);
      if (tries.length < state.config.maxTries) return { ...state, tries, feedback: { kind: 'retry', choice: action.choice } };
      return close(state, record(state, question, tries, action.at), 'wrong', action.at);
    }
  }
}

export interface Score {
  /** Right on the first try. */
  readonly right: number;
  /** Right on a later try (practice). */
  readonly solvedLater: number;
  readonly answered: number;
  readonly total: number;
  /** right / total, in whole percent (rounded down, so 99.9% is never shown as 100%). */
  readonly percent: number;
}

export function sessionScore(state: SessionState): Score {
  const right = state.answers.filter((a) => a.correct).length;
  const solvedLater = state.answers.filter((a) => !a.correct && a.solved).length;
  const total = state.quiz.questions.length;
  return { right, solvedLater, answered: state.answers.length, total, percent: total === 0 ? 0 : Math.floor((100 * right) / total) };
}

/** Questions not right on the first try, unanswered ones included, in quiz order (0-based indexes). */
export function missedIndexes(state: SessionState): number[] {
  const right = new Set(state.answers.filter((a) => a.correct).map((a) => a.index));
  return state.quiz.questions.map((_, i) => i).filter((i) => !right.has(i));
}

/**
 * Questions with no answer recorded: never reached, or left when the learner stopped. Their answers
 * stay hidden in the summary, so stopping early never gives away the rest of a class's quiz.
 */
export function unansweredIndexes(state: SessionState): number[] {
  const answered = new Set(state.answers.map((a) => a.index));
  return state.quiz.questions.map((_, i) => i).filter((i) => !answered.has(i));
}

/** What the summary of a finished quiz lists, as 0-based indexes in quiz order. */
export interface SummaryIndexes {
  /** Not right on the first try, unanswered ones included: what a retry asks again. */
  readonly missed: readonly number[];
  /** The missed ones with an answer recorded (skipped included): the summary shows their answer and explanation. */
  readonly explained: readonly number[];
  /** No answer recorded: listed by number only, their answers hidden. */
  readonly unanswered: readonly number[];
}

/** The summary's lists, for the plain flow and the Ink quiz alike. */
export function summaryIndexes(state: SessionState): SummaryIndexes {
  const missed = missedIndexes(state);
  const unanswered = unansweredIndexes(state);
  const hidden = new Set(unanswered);
  return { missed, explained: missed.filter((i) => !hidden.has(i)), unanswered };
}

/** "3, 4, 5" or "3-5", 1-based, for a summary line. */
export function questionNumbers(indexes: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < indexes.length; ) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === indexes[j]! + 1) j++;
    const [a, b] = [indexes[i]! + 1, indexes[j]! + 1];
    runs.push(j - i >= 2 ? `${a}-${b}` : j > i ? `${a}, ${b}` : `${a}`);
    i = j + 1;
  }
  return runs.join(', ');
}
