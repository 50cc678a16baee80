// The progress document: what the learner has done, as plain JSON. Pure: updates take the time as
// an ISO string from the caller; storage/ reads and writes the file.
//
// Schema version 2. Version 1 (the 0.1 draft) is migrated on read. A document from a newer version
// is refused (parseProgress says so), never overwritten.
//
// Two processes may write the same file. `mergeProgress` combines two documents so that nothing is
// lost: lessons keep their earliest start and finish and their latest position; predictions and
// quizzes are unions by id; preferences and the last lesson are last-writer-wins per field. A reset
// is recorded as a time (a tombstone), so a merge with an older copy does not bring cleared progress
// back. The merge is commutative, associative and idempotent, so the order of writers does not matter.

import { seedToCode } from './quiz/seed.js';
import type { HopStep } from './trace-model.js';

export const PROGRESS_SCHEMA = 'kube-packet-tour/progress';
export const PROGRESS_VERSION = 2;
/** The instant used for values that have no time of their own (defaults, migrated preferences). */
export const EPOCH = '1970-01-01T00:00:00.000Z';

export type PredictAskName = 'next-hop' | 'rewrite' | 'chain' | 'outer-header' | 'conntrack' | 'dns-queries';

export interface LessonProgress {
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** 0-based page. */
  readonly page: number;
  /** 0-based hop of the stepper open on that page, or null. */
  readonly hop: number | null;
  readonly positionAt: string;
}

export interface PredictionRecord {
  /** Unique per answer: the caller builds it from the time, the lesson and the place. */
  readonly id: string;
  readonly lesson: number;
  readonly page: number;
  readonly at: HopStep;
  readonly ask: PredictAskName;
  readonly correct: boolean;
  readonly answeredAt: string;
}

export interface QuizAnswerEntry {
  /** 1-based question number. */
  readonly n: number;
  readonly question: string;
  readonly topic: string;
  /** 0-based choice, or null when skipped. */
  readonly choice: number | null;
  readonly correct: boolean;
  readonly ms: number;
}

export interface QuizRecord {
  /** Unique per quiz session. */
  readonly id: string;
  readonly seed: number;
  readonly code: string;
  readonly lesson: number | null;
  readonly count: number;
  readonly mode: 'practice' | 'exam';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly endReason: 'completed' | 'time-up' | 'quit' | null;
  readonly answers: readonly QuizAnswerEntry[];
}

export type Speed = 'slow' | 'normal' | 'fast';
export type ColorPreference = 'auto' | 'always' | 'never';

export interface Stamped<T> {
  readonly value: T;
  readonly at: string;
}

export interface Preferences {
  /** Ask predictions in lessons. */
  readonly predictions: Stamped<boolean>;
  /** Animation speed of the stepper. */
  readonly speed: Stamped<Speed>;
  readonly color: Stamped<ColorPreference>;
}

export interface Resets {
  readonly all: string | null;
  /** Lesson id -> when it was last reset. */
  readonly lessons: Readonly<Record<string, string>>;
}

export interface ProgressDoc {
  readonly schema: typeof PROGRESS_SCHEMA;
  readonly version: typeof PROGRESS_VERSION;
  /** Lesson id ("1", "2", ...) -> progress. */
  readonly lessons: Readonly<Record<string, LessonProgress>>;
  /** Sorted by answeredAt, then id. */
  readonly predictions: readonly PredictionRecord[];
  /** Sorted by startedAt, then id. */
  readonly quizzes: readonly QuizRecord[];
  readonly preferences: Preferences;
  readonly last: { readonly lesson: number; readonly at: string } | null;
  readonly resets: Resets;
}

export const DEFAULT_PREFERENCES: Preferences = {
  predictions: { value: true, at: EPOCH },
  speed: { value: 'normal', at: EPOCH },
  color: { value: 'auto', at: EPOCH },
};

export function emptyProgress(): ProgressDoc {
  return { schema: PROGRESS_SCHEMA, version: PROGRESS_VERSION, lessons: {}, predictions: [], quizzes: [], preferences: DEFAULT_PREFERENCES, last: null, resets: { all: null, lessons: {} } };
}

// ---- updates ----------------------------------------------------------------------------------------

const key = (lesson: number): string => String(lesson);

export function startLesson(doc: ProgressDoc, lesson: number, at: string): ProgressDoc {
  const old = lessonActive(doc, lesson) ? doc.lessons[key(lesson)] : undefined;
  const entry: LessonProgress = old ?? { startedAt: at, finishedAt: null, page: 0, hop: null, positionAt: at };
  return { ...doc, lessons: { ...doc.lessons, [key(lesson)]: entry }, last: { lesson, at } };
}

export function savePosition(doc: ProgressDoc, lesson: number, page: number, hop: number | null, at: string): ProgressDoc {
  const started = startLesson(doc, lesson, at);
  const entry = started.lessons[key(lesson)]!;
  return { ...started, lessons: { ...started.lessons, [key(lesson)]: { ...entry, page, hop, positionAt: at } } };
}

export function finishLesson(doc: ProgressDoc, lesson: number, at: string): ProgressDoc {
  const started = startLesson(doc, lesson, at);
  const entry = started.lessons[key(lesson)]!;
  return { ...started, lessons: { ...started.lessons, [key(lesson)]: { ...entry, finishedAt: entry.finishedAt ?? at } } };
}

export function recordPrediction(doc: ProgressDoc, record: PredictionRecord): ProgressDoc {
  if (doc.predictions.some((p) => p.id === record.id)) return doc;
  return { ...doc, predictions: sortPredictions([...doc.predictions, record]) };
}

/** Adds a quiz, or replaces the one with the same id (answers so far, then its end). */
export function saveQuiz(doc: ProgressDoc, quiz: QuizRecord): ProgressDoc {
  const others = doc.quizzes.filter((q) => q.id !== quiz.id);
  const old = doc.quizzes.find((q) => q.id === quiz.id);
  return { ...doc, quizzes: sortQuizzes([...others, old === undefined ? quiz : mergeQuiz(old, quiz)]) };
}

export function setPreference<K extends keyof Preferences>(doc: ProgressDoc, name: K, value: Preferences[K]['value'], at: string): ProgressDoc {
  return { ...doc, preferences: { ...doc.preferences, [name]: { value, at } } };
}

/** Clears one lesson's progress (its position, its predictions, its lesson quizzes), or everything. */
export function resetProgress(doc: ProgressDoc, lesson: number | null, at: string): ProgressDoc {
  const resets: Resets = lesson === null ? { ...doc.resets, all: maxTime(doc.resets.all, at) } : { ...doc.resets, lessons: { ...doc.resets.lessons, [key(lesson)]: maxTime(doc.resets.lessons[key(lesson)] ?? null, at)! } };
  return applyResets({ ...doc, resets });
}

// ---- reading --------------------------------------------------------------------------------------------

export interface LessonSummary {
  readonly lesson: number;
  readonly status: 'not started' | 'in progress' | 'finished';
  readonly page: number | null;
  readonly hop: number | null;
  readonly predictions: number;
  readonly predictionsRight: number;
}

/** Whether a lesson has progress that no reset has cleared. */
export function lessonActive(doc: ProgressDoc, lesson: number): boolean {
  const entry = doc.lessons[key(lesson)];
  if (entry === undefined) return false;
  const r = resetOf(doc.resets, lesson);
  return r === null || entry.positionAt > r || entry.finishedAt !== null;
}

/** The lesson to continue: the last one opened, unless it has been reset since. */
export function lastLesson(doc: ProgressDoc): number | null {
  return doc.last !== null && lessonActive(doc, doc.last.lesson) ? doc.last.lesson : null;
}

export function lessonSummary(doc: ProgressDoc, lesson: number): LessonSummary {
  const entry = lessonActive(doc, lesson) ? doc.lessons[key(lesson)] : undefined;
  const preds = doc.predictions.filter((p) => p.lesson === lesson);
  return {
    lesson,
    status: entry === undefined ? 'not started' : entry.finishedAt !== null ? 'finished' : 'in progress',
    page: entry?.page ?? null,
    hop: entry?.hop ?? null,
    predictions: preds.length,
    predictionsRight: preds.filter((p) => p.correct).length,
  };
}

export function quizScore(q: QuizRecord): { right: number; answered: number; total: number } {
  return { right: q.answers.filter((a) => a.correct).length, answered: q.answers.length, total: q.count };
}

// ---- merge ------------------------------------------------------------------------------------------------

function maxTime(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

function minTime(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortPredictions(xs: readonly PredictionRecord[]): PredictionRecord[] {
  return [...xs].sort((a, b) => compare(a.answeredAt, b.answeredAt) || compare(a.id, b.id));
}

function sortQuizzes(xs: readonly QuizRecord[]): QuizRecord[] {
  return [...xs].sort((a, b) => compare(a.startedAt, b.startedAt) || compare(a.id, b.id));
}

/** A stable, total order on JSON values, for ties. */
function jsonOrder(a: unknown, b: unknown): number {
  return compare(JSON.stringify(a), JSON.stringify(b));
}

function mergeLesson(a: LessonProgress, b: LessonProgress): LessonProgress {
  const pos = compare(a.positionAt, b.positionAt) || jsonOrder([a.page, a.hop], [b.page, b.hop]);
  const latest = pos >= 0 ? a : b;
  return {
    startedAt: minTime(a.startedAt, b.startedAt)!,
    // The latest finish: a max commutes with the reset filter below, so merges stay associative.
    finishedAt: maxTime(a.finishedAt, b.finishedAt),
    page: latest.page,
    hop: latest.hop,
    positionAt: latest.positionAt,
  };
}

function mergeQuiz(a: QuizRecord, b: QuizRecord): QuizRecord {
  const byN = new Map<number, QuizAnswerEntry>();
  for (const x of [...a.answers, ...b.answers]) {
    const old = byN.get(x.n);
    byN.set(x.n, old === undefined || jsonOrder(x, old) < 0 ? x : old);
  }
  const answers = [...byN.values()].sort((x, y) => x.n - y.n);
  const finishedAt = minTime(a.finishedAt, b.finishedAt);
  const ended = finishedAt === null ? null : a.finishedAt === finishedAt && b.finishedAt === finishedAt ? (jsonOrder(a.endReason, b.endReason) <= 0 ? a.endReason : b.endReason) : a.finishedAt === finishedAt ? a.endReason : b.endReason;
  const base = jsonOrder({ ...a, answers: [], finishedAt: null, endReason: null }, { ...b, answers: [], finishedAt: null, endReason: null }) <= 0 ? a : b;
  return { ...base, answers, finishedAt, endReason: ended };
}

function mergeStamped<T>(a: Stamped<T>, b: Stamped<T>): Stamped<T> {
  const c = compare(a.at, b.at) || jsonOrder(a.value, b.value);
  return c >= 0 ? a : b;
}

/** The reset time that applies to a lesson's data. */
function resetOf(resets: Resets, lesson: number | null): string | null {
  return lesson === null ? resets.all : maxTime(resets.all, resets.lessons[key(lesson)] ?? null);
}

/**
 * Clears every piece of progress recorded at or before the reset that applies to it. A lesson's
 * entry is clamped rather than removed (start no earlier than the reset, position back to the
 * first page, a finish before the reset forgotten): clamping commutes with the merge of entries,
 * so the order in which copies are merged never matters.
 */
function applyResets(doc: ProgressDoc): ProgressDoc {
  const lessons: Record<string, LessonProgress> = {};
  for (const [k, entry] of Object.entries(doc.lessons)) {
    const r = resetOf(doc.resets, Number(k));
    if (r === null) {
      lessons[k] = entry;
      continue;
    }
    const position = entry.positionAt > r ? { page: entry.page, hop: entry.hop, positionAt: entry.positionAt } : { page: 0, hop: null, positionAt: r };
    lessons[k] = {
      startedAt: entry.startedAt > r ? entry.startedAt : r,
      finishedAt: entry.finishedAt !== null && entry.finishedAt > r ? entry.finishedAt : null,
      ...position,
    };
  }
  const predictions = doc.predictions.filter((p) => {
    const r = resetOf(doc.resets, p.lesson);
    return r === null || p.answeredAt > r;
  });
  const quizzes = doc.quizzes.filter((q) => {
    const r = resetOf(doc.resets, q.lesson);
    return r === null || q.startedAt > r;
  });
  // Only a reset of everything clears the last lesson here (one threshold keeps the merge associative);
  // a lesson reset hides it when read (lastLesson).
  const last = doc.last !== null && (doc.resets.all === null || doc.last.at > doc.resets.all) ? doc.last : null;
  return { ...doc, lessons: sortedRecord(lessons), predictions, quizzes, last };
}

function sortedRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort((a, b) => Number(a) - Number(b) || compare(a, b))) out[k] = r[k]!;
  return out;
}

export function mergeProgress(a: ProgressDoc, b: ProgressDoc): ProgressDoc {
  const lessons: Record<string, LessonProgress> = {};
  for (const [k, entry] of [...Object.entries(a.lessons), ...Object.entries(b.lessons)]) {
    const mine = lessons[k];
    lessons[k] = mergeLesson(mine ?? entry, entry);
  }
  const predictions = new Map<string, PredictionRecord>();
  for (const p of [...a.predictions, ...b.predictions]) {
    const old = predictions.get(p.id);
    predictions.set(p.id, old === undefined || jsonOrder(p, old) < 0 ? p : old);
  }
  const quizzes = new Map<string, QuizRecord>();
  for (const q of [...a.quizzes, ...b.quizzes]) {
    const old = quizzes.get(q.id);
    quizzes.set(q.id, mergeQuiz(old ?? q, q));
  }
  const resetLessons: Record<string, string> = { ...a.resets.lessons };
  for (const [k, t] of Object.entries(b.resets.lessons)) resetLessons[k] = maxTime(resetLessons[k] ?? null, t)!;
  const last = a.last === null ? b.last : b.last === null ? a.last : (compare(a.last.at, b.last.at) || a.last.lesson - b.last.lesson) >= 0 ? a.last : b.last;
  return applyResets({
    schema: PROGRESS_SCHEMA,
    version: PROGRESS_VERSION,
    lessons,
    predictions: sortPredictions([...predictions.values()]),
    quizzes: sortQuizzes([...quizzes.values()]),
    preferences: {
      predictions: mergeStamped(a.preferences.predictions, b.preferences.predictions),
      speed: mergeStamped(a.preferences.speed, b.preferences.speed),
      color: mergeStamped(a.preferences.color, b.preferences.color),
    },
    last,
    resets: { all: maxTime(a.resets.all, b.resets.all), lessons: sortedRecord(resetLessons) },
  });
}

// ---- validation and migration ------------------------------------------------------------------------------

export type ProgressParse =
  | { readonly ok: true; readonly doc: ProgressDoc; readonly migratedFrom: number | null }
  | { readonly ok: false; readonly reason: string; readonly newerVersion: number | null };

class Invalid extends Error {}

type Obj = Record<string, unknown>;

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Invalid(`${path}: expected an object`);
  return v as Obj;
}

function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new Invalid(`${path}: expected a list`);
  return v;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new Invalid(`${path}: expected text`);
  return v;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

function time(v: unknown, path: string): string {
  const s = str(v, path);
  if (!ISO.test(s)) throw new Invalid(`${path}: expected an ISO time such as 2025-01-31T12:00:00.000Z`);
  return s;
}

function timeOrNull(v: unknown, path: string): string | null {
  return v === null ? null : time(v, path);
}

function int(v: unknown, path: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Invalid(`${path}: expected a whole number${min > 0 ? ` from ${min}` : ''}`);
  return v;
}

function intOrNull(v: unknown, path: string): number | null {
  return v === null ? null : int(v, path);
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new Invalid(`${path}: expected true or false`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new Invalid(`${path}: expected one of ${allowed.join(', ')}`);
  return v as T;
}

const ASKS: readonly PredictAskName[] = ['next-hop', 'rewrite', 'chain', 'outer-header', 'conntrack', 'dns-queries'];

function lessonKey(k: string, path: string): string {
  if (!/^[1-9]\d{0,1}$/.test(k)) throw new Invalid(`${path}: "${k}" is not a lesson number`);
  return k;
}

function readV2(o: Obj): ProgressDoc {
  const lessonsIn = obj(o.lessons, 'lessons');
  const lessons: Record<string, LessonProgress> = {};
  for (const [k, v] of Object.entries(lessonsIn)) {
    const p = `lessons.${lessonKey(k, 'lessons')}`;
    const e = obj(v, p);
    lessons[k] = {
      startedAt: time(e.startedAt, `${p}.startedAt`),
      finishedAt: timeOrNull(e.finishedAt, `${p}.finishedAt`),
      page: int(e.page, `${p}.page`),
      hop: intOrNull(e.hop, `${p}.hop`),
      positionAt: time(e.positionAt, `${p}.positionAt`),
    };
  }
  const predictions = arr(o.predictions, 'predictions').map((v, i): PredictionRecord => {
    const p = `predictions[${i}]`;
    const e = obj(v, p);
    return {
      id: str(e.id, `${p}.id`),
      lesson: int(e.lesson, `${p}.lesson`, 1),
      page: int(e.page, `${p}.page`),
      at: str(e.at, `${p}.at`) as HopStep,
      ask: oneOf(e.ask, `${p}.ask`, ASKS),
      correct: bool(e.correct, `${p}.correct`),
      answeredAt: time(e.answeredAt, `${p}.answeredAt`),
    };
  });
  const quizzes = arr(o.quizzes, 'quizzes').map((v, i): QuizRecord => {
    const p = `quizzes[${i}]`;
    const e = obj(v, p);
    return {
      id: str(e.id, `${p}.id`),
      seed: int(e.seed, `${p}.seed`),
      code: str(e.code, `${p}.code`),
      lesson: intOrNull(e.lesson, `${p}.lesson`),
      count: int(e.count, `${p}.count`),
      mode: oneOf(e.mode, `${p}.mode`, ['practice', 'exam'] as const),
      startedAt: time(e.startedAt, `${p}.startedAt`),
      finishedAt: timeOrNull(e.finishedAt, `${p}.finishedAt`),
      endReason: e.endReason === null ? null : oneOf(e.endReason, `${p}.endReason`, ['completed', 'time-up', 'quit'] as const),
      answers: arr(e.answers, `${p}.answers`).map((w, j): QuizAnswerEntry => {
        const q = `${p}.answers[${j}]`;
        const a = obj(w, q);
        return { n: int(a.n, `${q}.n`, 1), question: str(a.question, `${q}.question`), topic: str(a.topic, `${q}.topic`), choice: intOrNull(a.choice, `${q}.choice`), correct: bool(a.correct, `${q}.correct`), ms: int(a.ms, `${q}.ms`) };
      }),
    };
  });
  const prefs = obj(o.preferences, 'preferences');
  const stamped = <T>(v: unknown, p: string, read: (x: unknown, p: string) => T): Stamped<T> => {
    const e = obj(v, p);
    return { value: read(e.value, `${p}.value`), at: time(e.at, `${p}.at`) };
  };
  const preferences: Preferences = {
    predictions: stamped(prefs.predictions, 'preferences.predictions', bool),
    speed: stamped(prefs.speed, 'preferences.speed', (x, p) => oneOf(x, p, ['slow', 'normal', 'fast'] as const)),
    color: stamped(prefs.color, 'preferences.color', (x, p) => oneOf(x, p, ['auto', 'always', 'never'] as const)),
  };
  const last = o.last === null ? null : (() => {
    const e = obj(o.last, 'last');
    return { lesson: int(e.lesson, 'last.lesson', 1), at: time(e.at, 'last.at') };
  })();
  const r = obj(o.resets, 'resets');
  const resetLessons: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(r.lessons, 'resets.lessons'))) resetLessons[lessonKey(k, 'resets.lessons')] = time(v, `resets.lessons.${k}`);
  // Normalise through a merge with itself: sorted lists, resets applied.
  const doc: ProgressDoc = {
    schema: PROGRESS_SCHEMA,
    version: PROGRESS_VERSION,
    lessons,
    predictions,
    quizzes,
    preferences,
    last,
    resets: { all: timeOrNull(r.all, 'resets.all'), lessons: resetLessons },
  };
  return mergeProgress(doc, doc);
}

/**
 * Version 1, the 0.1 draft: { version: 1, lessons: { "3": { page, hop, done, updated } },
 * lastLesson, quizzes: [{ seed, score, total, date }], predictions: { on } }.
 */
function migrateV1(o: Obj): ProgressDoc {
  let doc = emptyProgress();
  const lessons = obj(o.lessons ?? {}, 'lessons');
  for (const [k, v] of Object.entries(lessons)) {
    const p = `lessons.${lessonKey(k, 'lessons')}`;
    const e = obj(v, p);
    const updated = time(e.updated, `${p}.updated`);
    doc = savePosition(doc, Number(k), int(e.page, `${p}.page`), intOrNull(e.hop ?? null, `${p}.hop`), updated);
    if (e.done === true) doc = finishLesson(doc, Number(k), updated);
  }
  const lastLesson = o.lastLesson === undefined || o.lastLesson === null ? null : int(o.lastLesson, 'lastLesson', 1);
  const lastEntry = lastLesson === null ? undefined : doc.lessons[key(lastLesson)];
  doc = { ...doc, last: lastLesson === null ? null : { lesson: lastLesson, at: lastEntry?.positionAt ?? EPOCH } };
  arr(o.quizzes ?? [], 'quizzes').forEach((v, i) => {
    const p = `quizzes[${i}]`;
    const e = obj(v, p);
    const seed = int(e.seed, `${p}.seed`);
    const date = time(e.date, `${p}.date`);
    const score = int(e.score, `${p}.score`);
    const total = int(e.total, `${p}.total`);
    if (score > total) throw new Invalid(`${p}.score: more than total`);
    // Version 1 kept only the score: the answers are rebuilt as that many right, the rest wrong.
    // Its quizzes predate quiz format 2, so their code is the format-1 code (it regenerates them).
    const answers: QuizAnswerEntry[] = Array.from({ length: total }, (_, n) => ({ n: n + 1, question: `q${n + 1}`, topic: 'unknown', choice: null, correct: n < score, ms: 0 }));
    doc = saveQuiz(doc, { id: `v1-${date}-${seed}`, seed, code: seed <= 0xffffffff ? seedToCode(seed, 1) : String(seed), lesson: null, count: total, mode: 'practice', startedAt: date, finishedAt: date, endReason: 'completed', answers });
  });
  if (o.predictions !== undefined) {
    const on = obj(o.predictions, 'predictions').on;
    if (on !== undefined) doc = setPreference(doc, 'predictions', bool(on, 'predictions.on'), EPOCH);
  }
  return doc;
}

/** Reads a parsed JSON value as a progress document: validates it, migrates an older version. */
export function parseProgress(raw: unknown): ProgressParse {
  try {
    const o = obj(raw, 'the document');
    if (Object.keys(o).filter((k) => k !== '__internal__').length === 0) return { ok: true, doc: emptyProgress(), migratedFrom: null };
    const version = o.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new Invalid('version: expected a whole number');
    if (version > PROGRESS_VERSION) return { ok: false, reason: `it was written by a newer kube-packet-tour (progress version ${version}; this one reads up to ${PROGRESS_VERSION})`, newerVersion: version };
    if (version === 1) return { ok: true, doc: migrateV1(o), migratedFrom: 1 };
    if (o.schema !== PROGRESS_SCHEMA) throw new Invalid(`schema: expected "${PROGRESS_SCHEMA}"`);
    return { ok: true, doc: readV2(o), migratedFrom: null };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, reason: e.message, newerVersion: null };
    throw e;
  }
}
