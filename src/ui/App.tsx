// The root: the one useInput of the tour, the reducer, the play timer, resize and progress
// effects, and the frame. Screens are pure functions of the state (see frame.ts); nothing below
// this component reads a key.

import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { useApp, useInput } from 'ink';
import { FrameView } from './components/FrameView.js';
import { renderFrame } from './frame.js';
import { DEFAULT_SIZE, useTerminalSize } from './hooks/use-terminal-size.js';
import { keymapAll } from './keymap.js';
import type { LessonPosition, ProgressPort } from './progress.js';
import { initialState, reduce, type Action } from './reducer.js';
import { SPEEDS, current, type AppState, type Env, type Size, type StartScreen } from './state.js';
import { makeTheme } from './theme.js';

export interface AppProps {
  readonly env: Env;
  readonly start: StartScreen;
  readonly progress: ProgressPort;
  /** A fixed size (tests, renderToString); by default the terminal's, following resizes. */
  readonly size?: Size;
}

function snapshot(progress: ProgressPort, env: Env): Record<number, LessonPosition> {
  const out: Record<number, LessonPosition> = {};
  for (const l of env.lessons) {
    const p = progress.lessonPosition(l.id);
    if (p !== null) out[l.id] = p;
  }
  return out;
}

function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

export function App({ env, start, progress, size: fixedSize }: AppProps) {
  const { exit } = useApp();
  const measured = useTerminalSize(fixedSize ?? DEFAULT_SIZE);
  const size = fixedSize ?? measured;

  const reducer = useCallback((s: AppState, a: Action) => reduce(s, a, env), [env]);
  const [state, dispatch] = useReducer(reducer, undefined, () =>
    initialState({
      start,
      size,
      env,
      positions: snapshot(progress, env),
      lastLesson: progress.lastLesson(),
      finished: safely(() => progress.finishedLessons?.()) ?? [],
      predictions: safely(() => progress.preferences?.().predictions) ?? true,
      notices: safely(() => progress.takeNotices?.()) ?? [],
      now: Date.now(),
    }),
  );

  useInput((input, key) => {
    // Stamped with the time here, so the reducer never reads a clock.
    for (const command of keymapAll(input, key)) dispatch({ ...command, at: Date.now() });
  });

  useEffect(() => {
    if (state.size.columns !== size.columns || state.size.rows !== size.rows) dispatch({ type: 'resize', size });
  }, [size.columns, size.rows, state.size.columns, state.size.rows]);

  const screen = current(state);
  const playing = screen.kind === 'stepper' && screen.stepper.playing;
  const speed = screen.kind === 'stepper' ? (SPEEDS[screen.stepper.speed] ?? 1000) : 1000;
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => dispatch({ type: 'tick' }), speed);
    return () => clearInterval(timer);
  }, [playing, speed]);

  // Write every position change through to the progress store, then the outbox's new events, in
  // order. A store that fails (a read-only directory) never stops the tour: its notice is shown.
  const saved = useRef(state.positions);
  const sent = useRef(0);
  useEffect(() => {
    const failures: string[] = [];
    const write = (f: () => void): void => {
      try {
        f();
      } catch (e) {
        failures.push(`Progress is not saved: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    for (const event of state.outbox.slice(sent.current)) {
      if (event.kind === 'start') write(() => progress.startLesson?.(event.lesson));
    }
    for (const [id, pos] of Object.entries(state.positions)) {
      const before = saved.current[Number(id)];
      // The store keeps one hop per lesson, read back as the page's first simulation's: a hop in
      // another simulation on the page is kept for this session only, and the store gets the page.
      const hop = (pos.sim ?? 0) === 0 ? pos.hop : null;
      if (before === undefined || before.page !== pos.page || before.hop !== pos.hop || (before.sim ?? 0) !== (pos.sim ?? 0)) write(() => progress.savePosition(Number(id), pos.page, hop));
    }
    saved.current = state.positions;
    for (const event of state.outbox.slice(sent.current)) {
      switch (event.kind) {
        case 'finish':
          write(() => progress.finishLesson?.(event.lesson));
          break;
        case 'prediction':
          write(() => progress.recordPrediction?.(event.record));
          break;
        case 'quiz':
          write(() => progress.saveQuiz?.(event.record));
          break;
        case 'preference':
          write(() => progress.setPreference?.('predictions', event.predictions));
          break;
        case 'start':
          break;
      }
    }
    sent.current = state.outbox.length;
    const notices = [...(safely(() => progress.takeNotices?.()) ?? []), ...failures];
    if (notices.length > 0) dispatch({ type: 'notice', text: [...new Set(notices)].join(' ') });
  }, [state.positions, state.outbox, progress]);

  useEffect(() => {
    if (state.exit) exit();
  }, [state.exit, exit]);

  const theme = useMemo(() => makeTheme(env.display), [env.display]);
  // Lay out with the live size, so a shrinking terminal never sees one frame that is too big.
  const lines = useMemo(() => renderFrame({ ...state, size }, env), [state, size, env]);
  if (state.exit) return null;
  return <FrameView lines={lines} theme={theme} />;
}
