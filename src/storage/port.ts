// The store as the tour uses it: lesson positions (the shape of the UI's ProgressPort), plus
// lessons finished, predictions, quizzes and preferences. Every call writes through at once.

import {
  finishLesson,
  lastLesson,
  lessonSummary,
  recordPrediction,
  saveQuiz,
  savePosition,
  setPreference,
  startLesson,
  type ColorPreference,
  type LessonSummary,
  type PredictAskName,
  type ProgressDoc,
  type QuizRecord,
  type Speed,
} from '../core/progress.js';
import type { HopStep } from '../core/trace-model.js';
import type { ProgressStore } from './progress-store.js';

export interface LessonPosition {
  readonly page: number;
  readonly hop: number | null;
}

export interface FlatPreferences {
  readonly predictions: boolean;
  readonly speed: Speed;
  readonly color: ColorPreference;
}

export interface StoredProgress {
  // The UI's ProgressPort (src/ui/progress.ts):
  lessonPosition(id: number): LessonPosition | null;
  savePosition(id: number, page: number, hop: number | null): void;
  lastLesson(): number | null;
  // More:
  startLesson(id: number): void;
  finishLesson(id: number): void;
  /** Lessons with a finishedAt: read to their last page at some time. */
  finishedLessons(): number[];
  lesson(id: number): LessonSummary;
  recordPrediction(p: { lesson: number; page: number; at: HopStep; ask: PredictAskName; correct: boolean }): void;
  saveQuiz(quiz: QuizRecord): void;
  preferences(): FlatPreferences;
  setPreference<K extends keyof FlatPreferences>(name: K, value: FlatPreferences[K]): void;
  /** One-line messages to show once (a recovered file, a read-only directory). */
  takeNotices(): string[];
  doc(): ProgressDoc;
}

export function storedProgress(store: ProgressStore): StoredProgress {
  let seq = 0;
  return {
    lessonPosition: (id) => {
      const e = store.doc().lessons[String(id)];
      return e === undefined ? null : { page: e.page, hop: e.hop };
    },
    savePosition: (id, page, hop) => {
      store.update((d, now) => savePosition(d, id, page, hop, now));
    },
    lastLesson: () => lastLesson(store.doc()),
    startLesson: (id) => {
      store.update((d, now) => startLesson(d, id, now));
    },
    finishLesson: (id) => {
      store.update((d, now) => finishLesson(d, id, now));
    },
    finishedLessons: () =>
      Object.entries(store.doc().lessons)
        .filter(([, e]) => e.finishedAt !== null)
        .map(([id]) => Number(id)),
    lesson: (id) => lessonSummary(store.doc(), id),
    recordPrediction: (p) => {
      store.update((d, now) => recordPrediction(d, { ...p, answeredAt: now, id: `${now}|${process.pid}|${seq++}|${p.lesson}|${p.page}|${p.at}|${p.ask}` }));
    },
    saveQuiz: (quiz) => {
      store.update((d) => saveQuiz(d, quiz));
    },
    preferences: () => {
      const p = store.doc().preferences;
      return { predictions: p.predictions.value, speed: p.speed.value, color: p.color.value };
    },
    setPreference: (name, value) => {
      store.update((d, now) => setPreference(d, name, value as never, now));
    },
    takeNotices: () => store.takeNotices(),
    doc: () => store.doc(),
  };
}
