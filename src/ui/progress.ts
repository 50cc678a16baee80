// Where the learner is and what they did. The tour reads it once at start and writes through it:
// every page and hop change, lessons started and finished, predictions, quiz answers and the
// predictions preference. The real store is storage/'s storedProgress (runTour opens it); tests
// and a store that cannot be opened use the in-memory port below.

import type { PredictAskName, QuizRecord } from '../core/progress.js';
import type { HopStep } from '../core/trace-model.js';

export interface LessonPosition {
  /** 0-based page. */
  readonly page: number;
  /** 0-based hop of the stepper opened from that page, or null when none was open. */
  readonly hop: number | null;
  /** Which of the page's simulations `hop` belongs to (0-based; absent means the first). */
  readonly sim?: number;
}

export interface PredictionRecord {
  readonly lesson: number;
  readonly page: number;
  readonly at: HopStep;
  readonly ask: PredictAskName;
  readonly correct: boolean;
}

export interface ProgressPort {
  lessonPosition(id: number): LessonPosition | null;
  savePosition(id: number, page: number, hop: number | null): void;
  /** The lesson the learner was in last, or null before any. */
  lastLesson(): number | null;
  // Optional, so a port of positions alone still works (storedProgress has them all):
  startLesson?(id: number): void;
  finishLesson?(id: number): void;
  /** Lessons read to their last page at some time (they stay so when the learner pages back). */
  finishedLessons?(): readonly number[];
  recordPrediction?(p: PredictionRecord): void;
  saveQuiz?(quiz: QuizRecord): void;
  preferences?(): { readonly predictions: boolean };
  setPreference?(name: 'predictions', value: boolean): void;
  /** One-line messages to show once (a recovered file, a read-only directory). */
  takeNotices?(): string[];
}

export interface MemoryProgress extends Required<ProgressPort> {
  readonly predictions: readonly PredictionRecord[];
  readonly quizzes: readonly QuizRecord[];
  readonly started: readonly number[];
  readonly finished: readonly number[];
  /** Adds a notice the next takeNotices() returns (tests). */
  notice(line: string): void;
}

export function createMemoryProgress(initial: Readonly<Record<number, LessonPosition>> = {}, last: number | null = null, prefs: { predictions: boolean } = { predictions: true }): MemoryProgress {
  const positions = new Map<number, LessonPosition>(Object.entries(initial).map(([k, v]) => [Number(k), v]));
  let lastId = last;
  const predictions: PredictionRecord[] = [];
  const quizzes: QuizRecord[] = [];
  const started: number[] = [];
  const finished: number[] = [];
  let notices: string[] = [];
  let predictOn = prefs.predictions;
  return {
    predictions,
    quizzes,
    started,
    finished,
    lessonPosition: (id) => positions.get(id) ?? null,
    savePosition: (id, page, hop) => {
      positions.set(id, { page, hop });
      lastId = id;
    },
    lastLesson: () => lastId,
    startLesson: (id) => {
      started.push(id);
      lastId = id;
    },
    finishLesson: (id) => {
      finished.push(id);
    },
    finishedLessons: () => [...new Set(finished)],
    recordPrediction: (p) => {
      predictions.push(p);
    },
    saveQuiz: (q) => {
      const i = quizzes.findIndex((x) => x.id === q.id);
      if (i >= 0) quizzes[i] = q;
      else quizzes.push(q);
    },
    preferences: () => ({ predictions: predictOn }),
    setPreference: (_name, value) => {
      predictOn = value;
    },
    takeNotices: () => {
      const out = notices;
      notices = [];
      return out;
    },
    notice: (line) => {
      notices.push(line);
    },
  };
}
