// (state, action) -> state, pure. The only place commands get their meaning on each screen.
// Opening a trace calls simulate(), which is itself pure; nothing here reads a clock or a terminal.

import type { Lesson, SimBlock } from '../content/types.js';
import { SCENARIOS } from '../core/scenarios.js';
import type { ScenarioName } from '../core/request.js';
import type { Command } from './keymap.js';
import { maxScroll, pageRowsOf } from './frame.js';
import { menuOf, typeDigit, type MenuAction } from './menus.js';
import type { LessonPosition } from './progress.js';
import {
  DEFAULT_SPEED,
  MENU_START,
  SPEEDS,
  current,
  type AppState,
  type Env,
  type MenuState,
  type Screen,
  type Size,
  type StartScreen,
  type StepperState,
} from './state.js';
import { hasDnsTrack, isLessonStop, stepperHops, stopsOf, traceOf } from './stepper-model.js';

export type Action = Command | { readonly type: 'tick' } | { readonly type: 'resize'; readonly size: Size };

export function initialState(options: {
  start: StartScreen;
  size: Size;
  env: Env;
  positions?: Readonly<Record<number, LessonPosition>>;
  lastLesson?: number | null;
}): AppState {
  const home: Screen = { kind: 'home', menu: MENU_START };
  const base: AppState = {
    stack: [home],
    size: options.size,
    positions: options.positions ?? {},
    lastLesson: options.lastLesson ?? null,
    status: null,
    exit: false,
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
  }
}

export function reduce(state: AppState, action: Action, env: Env): AppState {
  if (action.type === 'resize') return { ...state, size: action.size };
  const screen = current(state);
  if (action.type === 'tick') return screen.kind === 'stepper' ? tick(state, screen.stepper) : state;
  // Every key clears the last status line; a command may set a new one.
  const s: AppState = state.status === null ? state : { ...state, status: null };
  if (action.type === 'help') return screen.kind === 'help' ? pop(s) : push(s, { kind: 'help', scroll: 0 });
  if (action.type === 'back') return back(s, screen);
  switch (screen.kind) {
    case 'home':
    case 'lessons':
    case 'simulator':
      return menuCommand(s, env, screen, action);
    case 'lesson':
      return lessonCommand(s, env, screen, action);
    case 'stepper':
      return stepperCommand(s, env, screen.stepper, action);
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
    const popped = pop(state);
    if (st.origin === null) return popped;
    return savePosition(popped, st.origin.lessonId, st.origin.page, st.track === 'main' ? st.hop : null);
  }
  return pop(state);
}

function savePosition(state: AppState, lessonId: number, page: number, hop: number | null): AppState {
  return { ...state, positions: { ...state.positions, [lessonId]: { page, hop } }, lastLesson: lessonId };
}

// ---------------------------------------------------------------- menus

function simulatorScreen(stage: 'start' | 'client' | 'destination', client: string | null): Screen {
  return { kind: 'simulator', stage, menu: MENU_START, client };
}

function withMenu(screen: Screen, menu: MenuState): Screen {
  if (screen.kind === 'home' || screen.kind === 'lessons' || screen.kind === 'simulator') return { ...screen, menu };
  return screen;
}

function menuCommand(state: AppState, env: Env, screen: Extract<Screen, { kind: 'home' | 'lessons' | 'simulator' }>, command: Command): AppState {
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
    case 'select':
    case 'next': {
      const item = items[menu.cursor];
      const settled = replaceTop(state, withMenu(screen, { ...menu, digits: '' }));
      return item === undefined ? settled : choose(settled, env, item.action);
    }
    case 'digit': {
      const typed = typeDigit(menu, count, command.digit);
      const next = replaceTop(state, withMenu(screen, typed.menu));
      const item = items[typed.menu.cursor];
      return typed.choose && item !== undefined ? choose(next, env, item.action) : next;
    }
    default:
      return state;
  }
}

function choose(state: AppState, env: Env, action: MenuAction): AppState {
  switch (action.kind) {
    case 'continue':
    case 'lesson':
      return openLesson(state, env, action.lessonId);
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
    ...base,
  };
}

function scenarioStepper(env: Env, name: ScenarioName, sim: SimBlock | null, origin: StepperState['origin']): StepperState {
  const scenario = SCENARIOS[name];
  const result = env.simulate(env.builtin, scenario.request, scenario.options);
  const st = newStepper({
    title: scenario.title,
    scenario: name,
    result,
    cluster: env.builtin,
    focus: sim?.focus ?? [],
    focusDirection: sim?.direction ?? null,
    origin,
  });
  const stops = stopsOf(st);
  return sim !== null && stops.length > 0 ? { ...st, hop: stops[0]! } : st;
}

// ---------------------------------------------------------------- lessons

function openLesson(state: AppState, env: Env, lessonId: number): AppState {
  const lesson = env.lessons.find((l) => l.id === lessonId);
  if (lesson === undefined) return { ...state, status: `There is no lesson ${lessonId}.` };
  const saved = state.positions[lessonId]?.page ?? 0;
  const page = Math.max(0, Math.min(lesson.pages.length - 1, saved));
  return savePosition(push(state, { kind: 'lesson', lessonId, page, scroll: 0 }), lessonId, page, null);
}

function simsOnPage(lesson: Lesson, page: number): SimBlock[] {
  return (lesson.pages[page]?.blocks ?? []).filter((b): b is SimBlock => b.kind === 'sim');
}

function lessonCommand(state: AppState, env: Env, screen: Extract<Screen, { kind: 'lesson' }>, command: Command): AppState {
  const lesson = env.lessons.find((l) => l.id === screen.lessonId);
  if (lesson === undefined) return pop(state);
  const last = lesson.pages.length - 1;
  const goto = (page: number): AppState => {
    const p = Math.max(0, Math.min(last, page));
    if (p === screen.page) {
      if (page > last) return { ...state, status: 'This is the last page. q goes back to the lessons.' };
      return state;
    }
    return savePosition(replaceTop(state, { ...screen, page: p, scroll: 0 }), lesson.id, p, null);
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
    case 'select':
    case 'digit': {
      const sims = simsOnPage(lesson, screen.page);
      const k = command.type === 'digit' ? command.digit - 1 : 0;
      const sim = sims[k];
      if (sim === undefined) return command.type === 'select' ? { ...state, status: 'This page has no simulation to open.' } : state;
      const st = scenarioStepper(env, sim.scenario, sim, { lessonId: lesson.id, page: screen.page });
      const saved = state.positions[lesson.id];
      const resumed = saved !== undefined && saved.page === screen.page && saved.hop !== null && saved.hop < stepperHops(st).length ? { ...st, hop: saved.hop } : st;
      return push(state, { kind: 'stepper', stepper: resumed });
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

// ---------------------------------------------------------------- the stepper

function setStepper(state: AppState, stepper: StepperState): AppState {
  return replaceTop(state, { kind: 'stepper', stepper });
}

function moveTo(state: AppState, st: StepperState, hop: number): AppState {
  const hops = stepperHops(st);
  const h = Math.max(0, Math.min(hops.length - 1, hop));
  if (hops.length === 0 || h === st.hop) return st.playing && hop !== st.hop ? setStepper(state, { ...st, playing: false }) : state;
  return setStepper(state, { ...st, hop: h, scroll: 0 });
}

function stepperCommand(state: AppState, env: Env, st: StepperState, command: Command): AppState {
  const hops = stepperHops(st);
  const trace = traceOf(st);
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
      if (!hasDnsTrack(trace)) return { ...state, status: 'No name was resolved for this trace, so there is no separate DNS lookup to show.' };
      const track = st.track === 'main' ? 'dns' : 'main';
      return {
        ...setStepper(state, { ...st, track, hop: 0, scroll: 0, playing: false, remembered: { request: null, reply: null } }),
        status: track === 'dns' ? 'Following the DNS query that answered the name. d goes back to the connection.' : 'Following the connection again.',
      };
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

function tick(state: AppState, st: StepperState): AppState {
  if (!st.playing) return state;
  const hops = stepperHops(st);
  if (st.hop >= hops.length - 1) return { ...setStepper(state, { ...st, playing: false }), status: 'End of the trace.' };
  const hop = st.hop + 1;
  if (isLessonStop(st, hop)) {
    const h = hops[hop];
    return { ...setStepper(state, { ...st, hop, scroll: 0, playing: false }), status: `Paused at a focus stop (${h?.step ?? ''}). Space plays on.` };
  }
  return setStepper(state, { ...st, hop, scroll: 0 });
}
