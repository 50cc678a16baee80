// (state, action) -> state, pure. The only place commands get their meaning on each screen.
// Opening a trace calls simulate(), which is itself pure; nothing here reads a clock or a terminal.

import type { QuizFormat } from '../core/quiz/types.js';
import type { Lesson, PredictBlock, SimBlock } from '../content/types.js';
import { isComparisonName, runComparison, type ComparisonName } from '../core/comparisons.js';
import type { QuizRecord } from '../core/progress.js';
import { basisCluster } from '../core/quiz/facts.js';
import { generateQuiz, retrySpec } from '../core/quiz/quiz.js';
import { predictionFor } from '../core/quiz/predict.js';
import { isoOf } from '../core/quiz/results.js';
import { makeVariant } from '../core/quiz/variant.js';
import { questionHop } from '../core/quiz/question-hop.js';
import { deriveSeed } from '../core/quiz/seed.js';
import { currentQuestion, missedIndexes, sessionConfig, sessionReducer, startSession, type SessionAction } from '../core/quiz/session.js';
import { seededRng } from '../core/random.js';
import type { Trace } from '../core/trace-model.js';
import { ALL_SCENARIOS, scenarioCluster } from '../core/scenarios.js';
import type { AnyScenarioName } from '../core/request.js';
import { compareRows, compareStops, comparisonOf, rowHop } from './compare-model.js';
import type { Command } from './keymap.js';
import { maxScroll, pageRowsOf } from './frame.js';
import { openablesOnPage, simsOnPage } from './lesson-model.js';
import { stepName } from './step-names.js';
import { backTarget, lessonAfter, menuOf, typeDigit, type MenuAction } from './menus.js';
import type { LessonPosition } from './progress.js';
import {
  DEFAULT_SPEED,
  MENU_START,
  SPEEDS,
  current,
  type AppState,
  type SimulatorStage,
  type CompareState,
  type Env,
  type MenuState,
  type PredictPlan,
  type PredictState,
  type ProgressEvent,
  type QuizScreenState,
  type Screen,
  type Size,
  type StartScreen,
  type StepperState,
  simKey,
} from './state.js';
import { hasDnsLookup, hasDnsTrack, isLessonStop, stepperHops, stopsOf, traceOf } from './stepper-model.js';

/**
 * A key's command, stamped by the App with the time it was pressed (`at`, epoch ms): the quiz
 * session records answer times and a fresh quiz draws its seed from it, so the reducer itself
 * never reads a clock. `notice`: a line from the progress store to show once.
 */
export type Action =
  | (Command & { readonly at?: number })
  | { readonly type: 'tick' }
  | { readonly type: 'resize'; readonly size: Size }
  | { readonly type: 'notice'; readonly text: string };

/** The practice quiz's default length (as `kube-packet-tour quiz`). */
export const QUIZ_COUNT = 10;

export function initialState(options: {
  start: StartScreen;
  size: Size;
  env: Env;
  positions?: Readonly<Record<number, LessonPosition>>;
  lastLesson?: number | null;
  /** Lessons read to the end in earlier sessions. */
  finished?: readonly number[];
  /** The learner's preference: ask a lesson's predictions (default on). */
  predictions?: boolean;
  /** Lines to show once at the start (the progress store's notices). */
  notices?: readonly string[];
  /** The start time (epoch ms), for a quiz opened at start. */
  now?: number;
}): AppState {
  const home: Screen = { kind: 'home', menu: MENU_START };
  const base: AppState = {
    stack: [home],
    size: options.size,
    positions: options.positions ?? {},
    simHops: {},
    lastLesson: options.lastLesson ?? null,
    finished: options.finished ?? [],
    status: options.notices !== undefined && options.notices.length > 0 ? options.notices.join(' ') : null,
    exit: false,
    predictions: options.predictions ?? true,
    outbox: [],
  };
  switch (options.start.screen) {
    case 'home':
      return base;
    case 'simulator':
      return push(base, simulatorScreen('start', null));
    case 'lesson': {
      const id = options.start.lesson;
      if (!options.env.lessons.some((l) => l.id === id)) return { ...base, status: `There is no lesson ${id}.` };
      return openLesson(base, options.env, id);
    }
    case 'quiz':
      return startQuiz(base, options.start, options.now ?? 0);
  }
}

export function reduce(state: AppState, action: Action, env: Env): AppState {
  if (action.type === 'resize') return { ...state, size: action.size };
  if (action.type === 'notice') return { ...state, status: action.text };
  const screen = current(state);
  if (action.type === 'tick') return screen.kind === 'stepper' ? tick(state, screen.stepper) : state;
  // Every key clears the last status line; a command may set a new one.
  const s: AppState = state.status === null ? state : { ...state, status: null };
  if (action.type === 'help') return screen.kind === 'help' ? pop(s) : push(s, { kind: 'help', scroll: 0 });
  if (action.type === 'predictions') return togglePredictions(s, screen);
  if (action.type === 'back') return screen.kind === 'quiz' ? quizBack(s, screen.quiz, action.at ?? 0) : back(s, screen);
  switch (screen.kind) {
    case 'home':
    case 'lessons':
    case 'simulator':
      return menuCommand(s, env, screen, action);
    case 'quiz':
      return quizCommand(s, env, screen.quiz, action);
    case 'lesson':
      return lessonCommand(s, env, screen, action);
    case 'stepper':
      return stepperCommand(s, env, screen.stepper, action);
    case 'compare':
      return compareCommand(s, env, screen.compare, action);
    case 'help':
      return scrollCommand(s, env, action, screen.scroll, (scroll) => ({ ...screen, scroll }));
  }
}

// ---------------------------------------------------------------- stack

function push(state: AppState, screen: Screen): AppState {
  return { ...state, stack: [...state.stack, screen] };
}

function pop(state: AppState): AppState {
  if (state.stack.length <= 1) return { ...state, exit: true };
  return { ...state, stack: state.stack.slice(0, -1) };
}

function replaceTop(state: AppState, screen: Screen): AppState {
  return { ...state, stack: [...state.stack.slice(0, -1), screen] };
}

function back(state: AppState, screen: Screen): AppState {
  if (screen.kind === 'stepper') {
    const st = screen.stepper;
    // q first closes the DNS lookup panel, then leaves the stepper.
    if (st.panel) return replaceTop(state, { kind: 'stepper', stepper: { ...st, panel: false, scroll: 0 } });
    const popped = pop(state);
    if (st.origin === null) return popped;
    return savePosition(popped, st.origin.lessonId, st.origin.page, st.track === 'main' ? st.hop : null, st.origin.sim);
  }
  return pop(state);
}

function savePosition(state: AppState, lessonId: number, page: number, hop: number | null, sim = 0): AppState {
  const key = simKey(lessonId, page, sim);
  const simHops = hop === null || state.simHops[key] === hop ? state.simHops : { ...state.simHops, [key]: hop };
  const old = state.positions[lessonId];
  if (old !== undefined && old.page === page && old.hop === hop && (old.sim ?? 0) === sim && state.lastLesson === lessonId) return simHops === state.simHops ? state : { ...state, simHops };
  const position = hop === null || sim === 0 ? { page, hop } : { page, hop, sim };
  return { ...state, simHops, positions: { ...state.positions, [lessonId]: position }, lastLesson: lessonId };
}

function emit(state: AppState, ...events: ProgressEvent[]): AppState {
  const finished = events.filter((e) => e.kind === 'finish' && !state.finished.includes(e.lesson)).map((e) => (e as { lesson: number }).lesson);
  return { ...state, outbox: [...state.outbox, ...events], ...(finished.length > 0 ? { finished: [...state.finished, ...finished] } : {}) };
}

function togglePredictions(state: AppState, screen: Screen): AppState {
  const on = !state.predictions;
  let next = emit({ ...state, predictions: on }, { kind: 'preference', predictions: on });
  next = { ...next, status: on ? "Predictions on: a lesson's simulation asks before its key hops." : 'Predictions off: the stepper no longer asks. a turns them on again.' };
  if (!on && screen.kind === 'stepper' && screen.stepper.question !== null) next = replaceTop(next, { kind: 'stepper', stepper: { ...screen.stepper, question: null } });
  return next;
}

// ---------------------------------------------------------------- menus

function simulatorScreen(stage: Exclude<SimulatorStage, 'group'>, client: string | null): Screen {
  return { kind: 'simulator', stage, menu: MENU_START, client };
}

function withMenu(screen: Screen, menu: MenuState): Screen {
  if (screen.kind === 'home' || screen.kind === 'lessons' || screen.kind === 'simulator') return { ...screen, menu };
  return screen;
}

function menuCommand(state: AppState, env: Env, screen: Extract<Screen, { kind: 'home' | 'lessons' | 'simulator' }>, command: Command & { readonly at?: number }): AppState {
  const at = command.at ?? 0;
  const items = menuOf(screen, state, env) ?? [];
  const count = items.length;
  const menu = screen.menu;
  if (count === 0) return state;
  const move = (cursor: number): AppState => replaceTop(state, withMenu(screen, { cursor: Math.max(0, Math.min(count - 1, cursor)), digits: '' }));
  const page = Math.max(1, pageRowsOf(state) - 1);
  switch (command.type) {
    case 'up':
      return move(menu.cursor === 0 ? count - 1 : menu.cursor - 1);
    case 'down':
      return move(menu.cursor === count - 1 ? 0 : menu.cursor + 1);
    case 'pageUp':
      return move(menu.cursor - page);
    case 'pageDown':
      return move(menu.cursor + page);
    case 'first':
      return move(0);
    case 'last':
      return move(count - 1);
    case 'select': {
      const item = items[menu.cursor];
      const settled = replaceTop(state, withMenu(screen, { ...menu, digits: '' }));
      return item === undefined ? settled : choose(settled, env, item.action, at);
    }
    case 'digit': {
      const typed = typeDigit(menu, count, command.digit);
      const next = replaceTop(state, withMenu(screen, typed.menu));
      const item = items[typed.menu.cursor];
      if (typed.choose && item !== undefined) return choose(next, env, item.action, at);
      // A digit that could start a longer number waits, and says so.
      if (typed.menu.digits !== '') return { ...next, status: `${typed.menu.digits}: type the next digit, or Enter for item ${typed.menu.digits}.` };
      return next;
    }
    default:
      return state;
  }
}

function choose(state: AppState, env: Env, action: MenuAction, at: number): AppState {
  switch (action.kind) {
    case 'continue': {
      // Back to the exact place: the page, and the hop of its simulation when one was open.
      const saved = state.positions[action.lessonId];
      const opened = openLesson(state, env, action.lessonId);
      const top = current(opened);
      if (saved === undefined || saved.hop === null || top.kind !== 'lesson' || top.page !== saved.page) return opened;
      return openSim(opened, env, top, saved.sim ?? 0) ?? opened;
    }
    case 'lesson':
      return openLesson(state, env, action.lessonId);
    case 'quiz':
      return startQuiz(state, { count: QUIZ_COUNT, lesson: null, seed: deriveSeed(Math.floor(at) % 2 ** 32, 'tour-quiz') }, at);
    case 'lessons':
      return push(state, { kind: 'lessons', menu: MENU_START });
    case 'simulator':
      return push(state, simulatorScreen('start', null));
    case 'help':
      return push(state, { kind: 'help', scroll: 0 });
    case 'quit':
      return { ...state, exit: true };
    case 'custom':
      return push(state, simulatorScreen('client', null));
    case 'client':
      return push(state, simulatorScreen('destination', action.ref));
    case 'destination': {
      const screen = current(state);
      const from = screen.kind === 'simulator' ? (screen.client ?? '') : '';
      const result = env.simulate(env.cluster, { from, to: action.to }, {});
      return push(state, { kind: 'stepper', stepper: newStepper({ title: `${from.replace(/^default\//, '')} to ${action.to}`, scenario: null, result, cluster: env.cluster }) });
    }
    case 'scenario':
      return push(state, { kind: 'stepper', stepper: scenarioStepper(env, action.name, null, null) });
    case 'compare':
      return push(state, { kind: 'compare', compare: newCompare(env, action.name, [], null) });
    case 'group':
      return push(state, { kind: 'simulator', stage: 'group', menu: MENU_START, client: null, group: action.group });
  }
}

function newStepper(base: Pick<StepperState, 'title' | 'scenario' | 'result' | 'cluster'> & Partial<StepperState>): StepperState {
  return {
    track: 'main',
    hop: 0,
    remembered: { request: null, reply: null },
    focus: [],
    focusDirection: null,
    playing: false,
    speed: DEFAULT_SPEED,
    observe: false,
    scroll: 0,
    origin: null,
    panel: false,
    predicts: [],
    asked: [],
    question: null,
    reveal: null,
    ...base,
  };
}

/** The lesson's predict blocks for this simulation, with the hop each asks before. */
function predictPlans(lesson: Lesson | null, sim: SimBlock | null, trace: Trace | null): PredictPlan[] {
  if (lesson === null || sim === null || trace === null) return [];
  const blocks = lesson.pages.flatMap((p) => p.blocks).filter((b): b is PredictBlock => b.kind === 'predict' && b.sim === sim.index);
  return blocks.map((b) => {
    const direction = b.direction ?? sim.direction;
    const hop = trace.hops.findIndex((h) => h.step === b.at && (direction === null || h.direction === direction));
    return { line: b.line, at: b.at, ask: b.ask, direction, hop };
  });
}

/**
 * Moving forward from hop `from` to hop `to` on a lesson's connection: the first prediction not
 * asked yet whose hop lies in (from, to] opens, and the stepper stops there without showing it.
 * null when none applies (predictions off, outside a lesson, nothing left to ask).
 */
function maybeAsk(state: AppState, st: StepperState, from: number, to: number): StepperState | null {
  const trace = traceOf(st);
  if (!state.predictions || st.track !== 'main' || st.origin === null || trace === null) return null;
  const plans = st.predicts.filter((p) => p.hop > from && p.hop <= to && !st.asked.includes(p.line)).sort((a, b) => a.hop - b.hop);
  let asked = st.asked;
  for (const p of plans) {
    asked = [...asked, p.line];
    const context = { direction: p.direction, cluster: st.cluster, lesson: st.origin.lessonId };
    const questions = p.ask.flatMap((ask) => {
      const question = predictionFor(trace, p.at, ask, seededRng(p.line), context);
      return question === null ? [] : [{ ask, question }];
    });
    if (questions.length === 0) continue;
    const question: PredictState = { line: p.line, at: p.at, hop: p.hop, questions, current: 0, cursor: 0, answers: [] };
    return { ...st, hop: p.hop, scroll: 0, playing: false, asked, reveal: null, question };
  }
  return null;
}

function scenarioStepper(env: Env, name: AnyScenarioName, sim: SimBlock | null, origin: StepperState['origin'], lesson: Lesson | null = null): StepperState {
  const scenario = ALL_SCENARIOS[name];
  // The scenario's own cluster (a failure scenario's variant, e.g. Calico for networkpolicy-deny), so
  // the stepper's commands and outputs describe the data plane the trace ran on.
  const cluster = scenarioCluster(scenario, env.builtin);
  const result = env.simulate(cluster, scenario.request, scenario.options);
  const st = newStepper({
    title: scenario.title,
    scenario: name,
    result,
    cluster,
    focus: sim?.focus ?? [],
    focusDirection: sim?.direction ?? null,
    origin,
    predicts: predictPlans(lesson, sim, result.ok ? result.trace : null),
  });
  const stops = stopsOf(st);
  return sim !== null && stops.length > 0 ? { ...st, hop: stops[0]! } : st;
}

// ---------------------------------------------------------------- lessons

function openLesson(state: AppState, env: Env, lessonId: number): AppState {
  const lesson = env.lessons.find((l) => l.id === lessonId);
  if (lesson === undefined) return { ...state, status: `There is no lesson ${lessonId}.` };
  const saved = state.positions[lessonId];
  const page = Math.max(0, Math.min(lesson.pages.length - 1, saved?.page ?? 0));
  // The hop stays when the page does, so Enter (or Continue) resumes the simulation there.
  const hop = saved !== undefined && saved.page === page ? saved.hop : null;
  const opened = emit(savePosition(push(state, { kind: 'lesson', lessonId, page, scroll: 0 }), lessonId, page, hop), { kind: 'start', lesson: lessonId });
  return page === lesson.pages.length - 1 ? emit(opened, { kind: 'finish', lesson: lessonId }) : opened;
}

/** Opens the page's k-th simulation, at the saved hop when the learner left it on this page. */
function openSim(state: AppState, env: Env, screen: Extract<Screen, { kind: 'lesson' }>, k: number): AppState | null {
  const lesson = env.lessons.find((l) => l.id === screen.lessonId);
  if (lesson === undefined) return null;
  const sim = simsOnPage(lesson, screen.page)[k];
  if (sim === undefined) return null;
  const st = scenarioStepper(env, sim.scenario, sim, { lessonId: lesson.id, page: screen.page, sim: k }, lesson);
  // Each simulation on a page keeps its own place: this session's, else the saved one if it is this simulation's.
  const saved = state.positions[lesson.id];
  const mine = state.simHops[simKey(lesson.id, screen.page, k)] ?? (saved !== undefined && saved.page === screen.page && (saved.sim ?? 0) === k ? saved.hop : null);
  let opened: StepperState;
  if (mine !== null && mine < stepperHops(st).length) {
    // Resumed: what lies before the saved hop was asked in an earlier visit.
    const hop = mine;
    opened = { ...st, hop, asked: st.predicts.filter((p) => p.hop <= hop).map((p) => p.line) };
  } else {
    opened = maybeAsk(state, st, st.hop - 1, st.hop) ?? st;
  }
  return push(state, { kind: 'stepper', stepper: opened });
}

function lastPageText(state: AppState, env: Env, lesson: Lesson, hasSim: boolean): string {
  const after = lessonAfter(env, lesson);
  const key = hasSim ? 'N' : 'Enter (or N)';
  const next = after === null ? 'That was the last lesson. ' : `${key} opens lesson ${after.id}, ${after.title}; `;
  return `This is the last page. ${next}${backTarget(state)}.`;
}

/** From a lesson's last page to the next lesson, in its place (q still goes where it went). */
function nextLesson(state: AppState, env: Env, lesson: Lesson): AppState {
  const after = lessonAfter(env, lesson);
  if (after === null) return { ...state, status: `That was the last lesson. ${backTarget(state)}.` };
  return openLesson(pop(state), env, after.id);
}

/** Opens the k-th simulation or comparison of the lesson page. */
function openOnPage(state: AppState, env: Env, lesson: Lesson, screen: Extract<Screen, { kind: 'lesson' }>, k: number): AppState | null {
  const block = openablesOnPage(lesson, screen.page)[k];
  if (block === undefined) return null;
  if (block.kind === 'sim') return openSim(state, env, screen, simsOnPage(lesson, screen.page).indexOf(block));
  if (!isComparisonName(block.name)) return { ...state, status: `There is no comparison "${block.name}".` };
  return push(state, { kind: 'compare', compare: newCompare(env, block.name, block.focus, { lessonId: lesson.id, page: screen.page }) });
}

function lessonCommand(state: AppState, env: Env, screen: Extract<Screen, { kind: 'lesson' }>, command: Command): AppState {
  const lesson = env.lessons.find((l) => l.id === screen.lessonId);
  if (lesson === undefined) return pop(state);
  const last = lesson.pages.length - 1;
  const goto = (page: number): AppState => {
    const p = Math.max(0, Math.min(last, page));
    if (p === screen.page) {
      if (page > last) return { ...state, status: lastPageText(state, env, lesson, openablesOnPage(lesson, screen.page).length > 0) };
      return state;
    }
    const moved = savePosition(replaceTop(state, { ...screen, page: p, scroll: 0 }), lesson.id, p, null);
    return p === last ? emit(moved, { kind: 'finish', lesson: lesson.id }) : moved;
  };
  switch (command.type) {
    case 'next':
      return goto(screen.page + 1);
    case 'prev':
      return goto(screen.page - 1);
    case 'first':
      return goto(0);
    case 'last':
      return goto(last);
    case 'play': {
      // Space reads on, as in a pager: the rest of a tall page a screenful at a time, then the next page.
      const down = scrollCommand(state, env, { type: 'pageDown' }, screen.scroll, (scroll) => ({ ...screen, scroll }));
      return down !== state ? down : goto(screen.page + 1);
    }
    case 'nextLesson':
      if (screen.page !== last) return { ...state, status: 'N opens the next lesson from the last page.' };
      return nextLesson(state, env, lesson);
    case 'select':
    case 'digit': {
      const k = command.type === 'digit' ? command.digit - 1 : 0;
      const opened = openOnPage(state, env, lesson, screen, k);
      if (opened === null) {
        // The last page without a simulation: Enter goes on to the next lesson.
        if (command.type === 'select' && screen.page === last) return nextLesson(state, env, lesson);
        return command.type === 'select' ? { ...state, status: 'This page has no simulation to open.' } : state;
      }
      return opened;
    }
    default:
      return scrollCommand(state, env, command, screen.scroll, (scroll) => ({ ...screen, scroll }));
  }
}

// ---------------------------------------------------------------- scrolling

function scrollCommand(state: AppState, env: Env, command: Command, scroll: number, apply: (scroll: number) => Screen): AppState {
  const page = Math.max(1, pageRowsOf(state) - 1);
  let next: number;
  switch (command.type) {
    case 'up':
      next = scroll - 1;
      break;
    case 'down':
      next = scroll + 1;
      break;
    case 'pageUp':
      next = scroll - page;
      break;
    case 'pageDown':
      next = scroll + page;
      break;
    case 'first':
      next = 0;
      break;
    case 'last':
      next = Number.MAX_SAFE_INTEGER;
      break;
    default:
      return state;
  }
  const probe = replaceTop(state, apply(Math.max(0, next)));
  const clamped = Math.max(0, Math.min(next, maxScroll(probe, env)));
  return clamped === scroll ? state : replaceTop(state, apply(clamped));
}

// ---------------------------------------------------------------- side by side

function newCompare(env: Env, name: ComparisonName, focus: CompareState['focus'], origin: CompareState['origin']): CompareState {
  const cs: CompareState = { name, result: runComparison(name, env.builtin, env.simulate), row: 0, scroll: 0, focus, origin };
  // From a lesson, the comparison opens at its first stop, as a simulation does.
  const first = origin !== null ? compareStops(cs)[0] : undefined;
  return first === undefined ? cs : { ...cs, row: first };
}

function compareCommand(state: AppState, env: Env, cs: CompareState, command: Command): AppState {
  const rows = compareRows(cs);
  const setRow = (row: number): AppState => {
    const r = Math.max(0, Math.min(rows.length - 1, row));
    return r === cs.row || rows.length === 0 ? state : replaceTop(state, { kind: 'compare', compare: { ...cs, row: r, scroll: 0 } });
  };
  switch (command.type) {
    case 'next':
    case 'select':
      return cs.row >= rows.length - 1 ? { ...state, status: 'That is the last row. q goes back.' } : setRow(cs.row + 1);
    case 'prev':
      return setRow(cs.row - 1);
    case 'first':
      return setRow(0);
    case 'last':
      return setRow(rows.length - 1);
    case 'nextStop':
    case 'prevStop': {
      const stops = compareStops(cs);
      const target = command.type === 'nextStop' ? stops.find((i) => i > cs.row) : stops.filter((i) => i < cs.row).at(-1);
      if (target === undefined) return { ...state, status: cs.focus.length > 0 ? 'No more stops in that direction.' : 'No more differences in that direction.' };
      return setRow(target);
    }
    case 'direction': {
      // r: the first row of the other half of the exchange.
      const c = comparisonOf(cs);
      if (c === null || rows.length === 0) return state;
      const here = rowHop(c, rows[cs.row]!).direction;
      const other = rows.findIndex((row) => rowHop(c, row).direction !== here);
      if (other < 0) return { ...state, status: 'Both traces end before a reply.' };
      return setRow(other);
    }
    default:
      return scrollCommand(state, env, command, cs.scroll, (scroll) => ({ kind: 'compare', compare: { ...cs, scroll } }));
  }
}

// ---------------------------------------------------------------- the stepper

/** Replaces the stepper; in a lesson, the hop shown is the learner's saved place. */
function setStepper(state: AppState, stepper: StepperState): AppState {
  const next = replaceTop(state, { kind: 'stepper', stepper });
  const o = stepper.origin;
  if (o === null || stepper.track !== 'main' || stepper.question !== null) return next;
  return savePosition(next, o.lessonId, o.page, stepper.hop, o.sim);
}

function moveTo(state: AppState, st: StepperState, hop: number): AppState {
  const hops = stepperHops(st);
  const h = Math.max(0, Math.min(hops.length - 1, hop));
  if (hops.length === 0 || h === st.hop) return st.playing && hop !== st.hop ? setStepper(state, { ...st, playing: false }) : state;
  if (h > st.hop) {
    const asking = maybeAsk(state, st, st.hop, h);
    if (asking !== null) return setStepper(state, asking);
  }
  return setStepper(state, { ...st, hop: h, scroll: 0, reveal: st.reveal?.hop === h ? st.reveal : null });
}

/** Keys while a prediction is open: choose an answer; nothing else moves the stepper. */
function predictCommand(state: AppState, st: StepperState, q: PredictState, command: Command): AppState {
  const item = q.questions[q.current]!;
  const n = item.question.choices.length;
  const setQ = (next: PredictState): AppState => setStepper(state, { ...st, question: next });
  const answer = (choice: number): AppState => {
    const o = st.origin!;
    const answers = [...q.answers, { ask: item.ask, question: item.question, choice }];
    const recorded = emit(state, { kind: 'prediction', record: { lesson: o.lessonId, page: o.page, at: q.at, ask: item.ask, correct: choice === item.question.key } });
    if (q.current + 1 < q.questions.length) return setStepper(recorded, { ...st, question: { ...q, current: q.current + 1, cursor: 0, answers } });
    // All answered: the hop is shown, with why each chosen answer is right or not.
    return setStepper(recorded, { ...st, question: null, scroll: 0, reveal: { hop: q.hop, answers } });
  };
  switch (command.type) {
    case 'up':
      return setQ({ ...q, cursor: q.cursor === 0 ? n - 1 : q.cursor - 1 });
    case 'down':
      return setQ({ ...q, cursor: q.cursor === n - 1 ? 0 : q.cursor + 1 });
    case 'first':
      return setQ({ ...q, cursor: 0 });
    case 'last':
      return setQ({ ...q, cursor: n - 1 });
    case 'select':
      return answer(q.cursor);
    case 'digit':
      if (command.digit >= 1 && command.digit <= n) return answer(command.digit - 1);
      return { ...state, status: `Choose 1-${n}.` };
    default:
      return { ...state, status: `Think first: choose an answer (1-${n}, or ↑↓ and Enter). a turns predictions off.` };
  }
}

function stepperCommand(state: AppState, env: Env, st: StepperState, command: Command): AppState {
  if (st.question !== null) return predictCommand(state, st, st.question, command);
  const hops = stepperHops(st);
  const trace = traceOf(st);
  if (st.panel && command.type !== 'dns') return panelCommand(state, env, st, command);
  switch (command.type) {
    case 'next':
    case 'select':
      if (st.hop >= hops.length - 1) return { ...state, status: hops.length === 0 ? 'This trace has no hops to step through.' : 'This is the last hop. Home goes back to the first.' };
      return moveTo(state, { ...st, playing: false }, st.hop + 1);
    case 'prev':
      if (st.hop <= 0) return { ...state, status: hops.length === 0 ? 'This trace has no hops to step through.' : 'This is the first hop.' };
      return moveTo(state, { ...st, playing: false }, st.hop - 1);
    case 'first':
      return moveTo(state, { ...st, playing: false }, 0);
    case 'last':
      return moveTo(state, { ...st, playing: false }, hops.length - 1);
    case 'play': {
      if (hops.length === 0) return { ...state, status: 'This trace has no hops to play.' };
      if (st.playing) return setStepper(state, { ...st, playing: false });
      // Playing from the last hop starts over.
      const hop = st.hop >= hops.length - 1 ? 0 : st.hop;
      return setStepper(state, { ...st, playing: true, hop, scroll: hop === st.hop ? st.scroll : 0 });
    }
    case 'faster':
    case 'slower': {
      const speed = Math.max(0, Math.min(SPEEDS.length - 1, st.speed + (command.type === 'faster' ? 1 : -1)));
      const ms = SPEEDS[speed]!;
      return { ...setStepper(state, { ...st, speed }), status: `Speed: ${ms / 1000} s per hop${speed === st.speed ? (command.type === 'faster' ? ' (fastest)' : ' (slowest)') : ''}.` };
    }
    case 'direction': {
      const here = hops[st.hop];
      if (here === undefined) return { ...state, status: 'This trace has no hops.' };
      const other = here.direction === 'request' ? 'reply' : 'request';
      const first = hops.findIndex((h) => h.direction === other);
      if (first < 0) {
        const why = trace?.reason ? ` ${trace.reason}` : '';
        return { ...state, status: other === 'reply' ? `There is no reply in this trace.${why}` : 'There is no request in this trace.' };
      }
      const target = st.remembered[other] ?? first;
      const remembered = { ...st.remembered, [here.direction]: st.hop };
      return { ...setStepper(state, { ...st, remembered, hop: target, scroll: 0, playing: false }), status: `Now following the ${other}.` };
    }
    case 'observe':
      return setStepper(state, { ...st, observe: !st.observe, scroll: 0 });
    case 'dns': {
      // Following the DNS query's own journey: d goes back to the connection.
      if (st.track === 'dns') {
        return { ...setStepper(state, { ...st, track: 'main', hop: 0, scroll: 0, playing: false, panel: false, remembered: { request: null, reply: null } }), status: 'Following the connection again.' };
      }
      if (st.panel) return setStepper(state, { ...st, panel: false, scroll: 0 });
      if (!hasDnsLookup(trace)) return { ...state, status: 'No name was resolved for this trace (it dials an address), so there is no DNS lookup to show.' };
      return setStepper(state, { ...st, panel: true, scroll: 0, playing: false });
    }
    case 'nextStop':
    case 'prevStop': {
      const stops = stopsOf(st);
      const target = command.type === 'nextStop' ? stops.find((i) => i > st.hop) : [...stops].reverse().find((i) => i < st.hop);
      if (target === undefined) {
        const kind = st.focus.length > 0 && st.track === 'main' ? 'focus stop' : 'hop that changes the packet';
        return { ...state, status: `No ${command.type === 'nextStop' ? 'later' : 'earlier'} ${kind}.` };
      }
      return moveTo(state, { ...st, playing: false }, target);
    }
    default:
      return scrollCommand(state, env, command, st.scroll, (scroll) => ({ kind: 'stepper', stepper: { ...st, scroll } }));
  }
}

/** Keys while the DNS lookup panel is open: Enter follows the answering query's journey; the rest scroll. */
function panelCommand(state: AppState, env: Env, st: StepperState, command: Command): AppState {
  const trace = traceOf(st);
  if (command.type === 'select') {
    if (!hasDnsTrack(trace)) return { ...state, status: "This trace's hops are the DNS query's journey: d closes the list and shows them." };
    return {
      ...setStepper(state, { ...st, panel: false, track: 'dns', hop: 0, scroll: 0, playing: false, remembered: { request: null, reply: null } }),
      status: 'Following the DNS query that answered the name. d goes back to the connection.',
    };
  }
  return scrollCommand(state, env, command, st.scroll, (scroll) => ({ kind: 'stepper', stepper: { ...st, scroll } }));
}

function tick(state: AppState, st: StepperState): AppState {
  if (!st.playing || st.question !== null || st.panel) return state;
  const hops = stepperHops(st);
  if (st.hop >= hops.length - 1) return { ...setStepper(state, { ...st, playing: false }), status: 'End of the trace.' };
  const hop = st.hop + 1;
  const asking = maybeAsk(state, st, st.hop, hop);
  if (asking !== null) return setStepper(state, asking);
  if (isLessonStop(st, hop)) {
    const h = hops[hop];
    return { ...setStepper(state, { ...st, hop, scroll: 0, playing: false, reveal: null }), status: `Paused at a focus stop (${h === undefined ? '' : stepName(h.step)}). Space plays on.` };
  }
  return setStepper(state, { ...st, hop, scroll: 0, reveal: null });
}

// ---------------------------------------------------------------- the quiz

export function quizRecord(q: QuizScreenState): QuizRecord {
  const s = q.session;
  return {
    id: q.id,
    seed: s.quiz.seed,
    code: s.quiz.code,
    lesson: q.lesson,
    count: s.quiz.questions.length,
    mode: s.config.mode,
    startedAt: isoOf(s.startedAt),
    finishedAt: s.finishedAt === null ? null : isoOf(s.finishedAt),
    endReason: s.endReason,
    answers: s.answers.map((a) => ({ n: a.index + 1, question: a.question, topic: a.topic, choice: a.choice, correct: a.correct, ms: a.ms })),
  };
}

function startQuiz(state: AppState, spec: { readonly count: number; readonly lesson: number | null; readonly seed: number; readonly format?: QuizFormat }, at: number): AppState {
  const quiz = generateQuiz({ seed: spec.seed, format: spec.format, count: spec.count, lesson: spec.lesson, topics: null });
  const session = startSession(quiz, sessionConfig('practice'), at);
  const q: QuizScreenState = { session, cursor: 0, id: `${isoOf(at)}-${quiz.code}`, lesson: spec.lesson, scroll: 0 };
  return emit(push(state, { kind: 'quiz', quiz: q }), { kind: 'quiz', record: quizRecord(q) });
}

/** The command line that reruns a quiz's missed questions in the plain flow (as `quiz --retry-missed` prints it). */
function retryLine(q: QuizScreenState, missed: readonly number[]): string | null {
  if (q.classLine !== undefined) return null; // a retry of a retry has no command line
  const quiz = q.session.quiz;
  const parts = ['kube-packet-tour quiz', `--seed ${quiz.code}`];
  if (quiz.count !== QUIZ_COUNT) parts.push(`--count ${quiz.count}`);
  if (q.lesson !== null) parts.push(`--lesson ${q.lesson}`);
  parts.push(`--retry-missed ${missed.map((i) => i + 1).join(',')}`);
  return parts.join(' ');
}

/**
 * r on the score: a new practice round with only the missed questions' topics, on a fresh variant
 * seeded from the quiz's seed and the missed list (core `retrySpec`, as the plain flow's
 * `--retry-missed`). It replaces the score screen and is saved like any quiz.
 */
function retryMissed(state: AppState, q: QuizScreenState, at: number): AppState {
  const missed = missedIndexes(q.session);
  if (missed.length === 0) return { ...state, status: 'Nothing missed: nothing to try again.' };
  const quiz = generateQuiz(retrySpec(q.session.quiz, missed));
  if (quiz.questions.length === 0) return { ...state, status: 'No questions could be made for the missed topics.' };
  const session = startSession(quiz, sessionConfig('practice'), at);
  const next: QuizScreenState = { session, cursor: 0, id: `${isoOf(at)}-${quiz.code}`, lesson: null, scroll: 0, classLine: retryLine(q, missed) };
  const n = quiz.questions.length;
  return {
    ...emit(replaceTop(state, { kind: 'quiz', quiz: next }), { kind: 'quiz', record: quizRecord(next) }),
    status: `Trying the ${missed.length} missed question${missed.length === 1 ? '' : 's'} again on a fresh cluster (${n} question${n === 1 ? '' : 's'}).`,
  };
}

/**
 * s after answering: the stepper on the trace the question was computed from, at the hop it is
 * about when the basis names one (else at the first hop). The question's basis (request, options, the Service taken out, the step and direction)
 * is re-simulated on the quiz's variant cluster, which the quiz's seed rebuilds (core makeVariant,
 * as generateQuiz does). q in the stepper returns to the question.
 */
function quizStepper(state: AppState, env: Env, q: QuizScreenState): AppState {
  const question = currentQuestion(q.session);
  const b = question?.basis ?? null;
  if (question === null || b === null) return { ...state, status: 'This question has no trace to show.' };
  const variant = makeVariant(q.session.quiz.seed);
  const cluster = basisCluster(variant.cluster, b);
  const result = env.simulate(cluster, b.request, b.options);
  if (!result.ok) return { ...state, status: "This question's trace cannot be rebuilt." };
  const about = questionHop(question);
  const found = about === null ? -1 : result.trace.hops.findIndex((h) => h.step === about.step && h.direction === about.direction);
  const hop = Math.max(0, found);
  const title = `Quiz ${q.session.quiz.code} question ${q.session.current + 1}: ${b.request.from.replace(/^default\//, '')} to ${b.request.to}`;
  const stepper = newStepper({ title, scenario: null, result, cluster, hop });
  // Whole-trace topics (and a hop the trace lacks) open at the first hop.
  const where = found >= 0 && about !== null ? `at the hop the question is about (${stepName(about.step)})` : 'from its first hop';
  return { ...push(state, { kind: 'stepper', stepper }), status: `The trace this question was computed from, ${where}. q goes back to the quiz.` };
}

function applyQuiz(state: AppState, q: QuizScreenState, action: SessionAction, cursor = q.cursor): AppState {
  const session = sessionReducer(q.session, action);
  const next: QuizScreenState = { ...q, session, cursor, scroll: session.current !== q.session.current || session.phase !== q.session.phase ? 0 : q.scroll };
  const replaced = replaceTop(state, { kind: 'quiz', quiz: next });
  // Saved after every answer, so Ctrl+C keeps what was answered.
  const changed = session.answers.length !== q.session.answers.length || (session.phase === 'finished' && q.session.phase !== 'finished');
  return changed ? emit(replaced, { kind: 'quiz', record: quizRecord(next) }) : replaced;
}

function quizBack(state: AppState, q: QuizScreenState, at: number): AppState {
  // q during a quiz ends it and shows the score; q on the score goes back.
  if (q.session.phase !== 'finished') return applyQuiz(state, q, { type: 'quit', at });
  return pop(state);
}

function quizCommand(state: AppState, env: Env, q: QuizScreenState, command: Command & { readonly at?: number }): AppState {
  const at = command.at ?? 0;
  const session = q.session;
  const scroll = (): AppState => scrollCommand(state, env, command, q.scroll, (s) => ({ kind: 'quiz', quiz: { ...q, scroll: s } }));
  if (session.phase === 'finished') {
    if (command.type === 'select' || command.type === 'next') return pop(state);
    if (command.type === 'direction') return retryMissed(state, q, at);
    return scroll();
  }
  if (session.phase === 'feedback') {
    if (command.type === 'select' || command.type === 'next') return applyQuiz(state, q, { type: 'next', at }, 0);
    if (command.type === 'skip') return quizStepper(state, env, q);
    return scroll();
  }
  const question = currentQuestion(session);
  if (question === null) return state;
  const n = question.choices.length;
  switch (command.type) {
    case 'up':
      return replaceTop(state, { kind: 'quiz', quiz: { ...q, cursor: q.cursor === 0 ? n - 1 : q.cursor - 1 } });
    case 'down':
      return replaceTop(state, { kind: 'quiz', quiz: { ...q, cursor: q.cursor === n - 1 ? 0 : q.cursor + 1 } });
    case 'select':
      return applyQuiz(state, q, { type: 'answer', choice: q.cursor, at });
    case 'digit':
      if (command.digit < 1 || command.digit > n) return { ...state, status: `Choose 1-${n}.` };
      return applyQuiz(state, { ...q, cursor: command.digit - 1 }, { type: 'answer', choice: command.digit - 1, at });
    case 'hint':
      return applyQuiz(state, q, { type: 'hint', at });
    case 'skip':
      return applyQuiz(state, q, { type: 'skip', at });
    default:
      return scroll();
  }
}
