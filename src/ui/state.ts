// The tour's state: a stack of screens (the last is shown; back pops), the terminal size, the
// learner's lesson positions, and a one-line status. Plain data; the reducer is its only writer.

import type { Lesson } from '../content/types.js';
import type { ClusterModel } from '../core/cluster/model.js';
import type { ComparisonName, ComparisonResult } from '../core/comparisons.js';
import type { AnyScenarioName } from '../core/request.js';
import type { SimulationResult, simulate } from '../core/trace.js';
import type { QuizRecord } from '../core/progress.js';
import type { SessionState } from '../core/quiz/session.js';
import type { PredictAsk, Question, QuizFormat } from '../core/quiz/types.js';
import type { Direction, HopStep } from '../core/trace-model.js';
import type { LessonPosition, PredictionRecord } from './progress.js';
import type { ThemeOptions } from './theme.js';

export interface Size {
  readonly columns: number;
  readonly rows: number;
}

export interface MenuState {
  readonly cursor: number;
  /** Digits typed so far, for choosing item 10 and up by number. */
  readonly digits: string;
}

export type SimulatorStage = 'start' | 'client' | 'destination' | 'group';

/** A Simulator menu: the start, a custom trace's client and destination, or one scenario group (which it always names). */
export type SimulatorScreen =
  | { readonly kind: 'simulator'; readonly stage: Exclude<SimulatorStage, 'group'>; readonly menu: MenuState; readonly client: string | null }
  | { readonly kind: 'simulator'; readonly stage: 'group'; readonly menu: MenuState; readonly client: null; readonly group: ScenarioGroup };

/** The Simulator's submenus: traffic beyond the source text, what goes wrong, side by side. */
export type ScenarioGroup = 'beyond' | 'failures' | 'compare';

export type Track = 'main' | 'dns';

/** A lesson's ```predict block, resolved against the stepper's trace. */
export interface PredictPlan {
  /** The block's line in the lesson file: its identity, and the seed of its choices' order. */
  readonly line: number;
  readonly at: HopStep;
  readonly ask: readonly PredictAsk[];
  readonly direction: Direction | null;
  /** Index of the hop `at` on the connection's track; -1 when the trace has none. */
  readonly hop: number;
}

export interface PredictAnswer {
  readonly ask: PredictAsk;
  readonly question: Question;
  readonly choice: number;
}

/** An open prediction: the questions asked before the hop `hop` is shown. */
export interface PredictState {
  readonly line: number;
  readonly at: HopStep;
  readonly hop: number;
  readonly questions: readonly { readonly ask: PredictAsk; readonly question: Question }[];
  /** The question being asked. */
  readonly current: number;
  /** The highlighted choice. */
  readonly cursor: number;
  readonly answers: readonly PredictAnswer[];
}

export interface StepperState {
  /** What is being followed, for the title bar. */
  readonly title: string;
  readonly scenario: AnyScenarioName | null;
  readonly result: SimulationResult;
  /** The cluster the trace was simulated on (the observe commands read it). */
  readonly cluster: ClusterModel;
  /** The connection's hops, or the DNS lookup's (`d`). */
  readonly track: Track;
  /** 0-based position in the current track's hops. */
  readonly hop: number;
  /** Where `r` returns to in each direction. */
  readonly remembered: { readonly request: number | null; readonly reply: number | null };
  /** A lesson's focus steps; empty outside lessons. */
  readonly focus: readonly HopStep[];
  readonly focusDirection: 'request' | 'reply' | null;
  readonly playing: boolean;
  /** Index into SPEEDS. */
  readonly speed: number;
  /** Show the command that reveals this hop on a node, instead of the rule and conntrack details. */
  readonly observe: boolean;
  readonly scroll: number;
  /** The lesson page the stepper was opened from. */
  readonly origin: { readonly lessonId: number; readonly page: number; readonly sim: number } | null;
  /** The DNS lookup panel (`d`): resolv.conf and every query the resolver sent, in order. */
  readonly panel: boolean;
  /** The lesson's predictions for this simulation (empty outside lessons). */
  readonly predicts: readonly PredictPlan[];
  /** Lines of the predictions already asked (or passed) in this stepper. */
  readonly asked: readonly number[];
  /** The prediction being asked: the hop is not shown until it is answered. */
  readonly question: PredictState | null;
  /** The answers to show with their explanations while the stepper is on `hop`. */
  readonly reveal: { readonly hop: number; readonly answers: readonly PredictAnswer[] } | null;
}

/** Two traces of one request side by side (a named comparison), one aligned row at a time. */
export interface CompareState {
  readonly name: ComparisonName;
  readonly result: ComparisonResult;
  /** 0-based index into the comparison's aligned rows. */
  readonly row: number;
  readonly scroll: number;
  /** A lesson's focus steps: Tab stops on rows of these steps; elsewhere on rows that differ. */
  readonly focus: readonly HopStep[];
  /** The lesson page it was opened from. */
  readonly origin: { readonly lessonId: number; readonly page: number } | null;
}

export interface QuizScreenState {
  readonly session: SessionState;
  /** The highlighted choice. */
  readonly cursor: number;
  /** The record's id in the progress store. */
  readonly id: string;
  readonly lesson: number | null;
  readonly scroll: number;
  /**
   * How a class gets the same quiz: the command line shown on the score. Absent for a quiz drawn
   * from a seed (`kube-packet-tour quiz --seed CODE`); for a retry of missed questions, the plain
   * flow's `--seed BASE --retry-missed N,M` line, or null for a retry of a retry (no such line).
   */
  readonly classLine?: string | null;
}

export type Screen =
  | { readonly kind: 'home'; readonly menu: MenuState }
  | { readonly kind: 'lessons'; readonly menu: MenuState }
  | { readonly kind: 'lesson'; readonly lessonId: number; readonly page: number; readonly scroll: number }
  | SimulatorScreen
  | { readonly kind: 'stepper'; readonly stepper: StepperState }
  | { readonly kind: 'compare'; readonly compare: CompareState }
  | { readonly kind: 'help'; readonly scroll: number }
  | { readonly kind: 'quiz'; readonly quiz: QuizScreenState };

/** What the App writes to the progress port; the reducer only appends. */
export type ProgressEvent =
  | { readonly kind: 'start'; readonly lesson: number }
  | { readonly kind: 'finish'; readonly lesson: number }
  | { readonly kind: 'prediction'; readonly record: PredictionRecord }
  | { readonly kind: 'quiz'; readonly record: QuizRecord }
  | { readonly kind: 'preference'; readonly predictions: boolean };

export type ScreenKind = Screen['kind'];

export interface AppState {
  /** Never empty while the tour runs; the last screen is the one shown. */
  readonly stack: readonly Screen[];
  readonly size: Size;
  readonly positions: Readonly<Record<number, LessonPosition>>;
  /** Each lesson simulation's last hop this session, by `lesson:page:sim` (see simKey). */
  readonly simHops: Readonly<Record<string, number>>;
  readonly lastLesson: number | null;
  /** Lessons read to their last page, now or in an earlier session. */
  readonly finished: readonly number[];
  /** One line of feedback ("Paused at a focus stop"), cleared by the next key. */
  readonly status: string | null;
  /** Set when the learner leaves the home screen: the App unmounts. */
  readonly exit: boolean;
  /** Ask a lesson's predictions in the stepper (the learner's preference; `a` toggles it). */
  readonly predictions: boolean;
  /** Everything to record, in order; the App writes each event once. */
  readonly outbox: readonly ProgressEvent[];
}

/** What the reducer reads but never changes. */
export interface Env {
  readonly lessons: readonly Lesson[];
  /** The cluster the simulator's custom traces run on (--cluster, or the built-in one). */
  readonly cluster: ClusterModel;
  /** The built-in cluster: lessons and named scenarios are written for it. */
  readonly builtin: ClusterModel;
  readonly simulate: typeof simulate;
  readonly display: ThemeOptions;
}

export type StartScreen =
  | { readonly screen: 'home' }
  | { readonly screen: 'lesson'; readonly lesson: number }
  | { readonly screen: 'simulator' }
  /** `format`: the quiz format the seed's code names (an older code keeps its questions); the current one when absent. */
  | { readonly screen: 'quiz'; readonly count: number; readonly lesson: number | null; readonly seed: number; readonly format?: QuizFormat };

/** Milliseconds per hop while playing, slowest first. */
export const SPEEDS: readonly number[] = [3000, 2000, 1200, 700, 400];
export const DEFAULT_SPEED = 2;

export const MENU_START: MenuState = { cursor: 0, digits: '' };

export function simKey(lessonId: number, page: number, sim: number): string {
  return `${lessonId}:${page}:${sim}`;
}

export function current(state: AppState): Screen {
  const top = state.stack.at(-1);
  if (top === undefined) return { kind: 'home', menu: MENU_START };
  return top;
}
