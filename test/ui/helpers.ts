// Shared fixtures for the UI tests: an Env over the built-in cluster with two small hand-built
// lessons (so these tests do not depend on the lesson files' wording), and key helpers.

import type { Lesson } from '../../src/content/types.js';
import { BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { simulate } from '../../src/core/trace.js';
import { layoutFrame } from '../../src/ui/frame.js';
import type { Action } from '../../src/ui/reducer.js';
import { initialState, reduce } from '../../src/ui/reducer.js';
import type { AppState, Env, Size, StartScreen } from '../../src/ui/state.js';
import { lineText, lineWidth } from '../../src/ui/text.js';

const span = (text: string) => ({ text, style: 'plain' as const });

export const LESSONS: Lesson[] = [
  {
    id: 1,
    slug: 'first',
    file: '01-first.md',
    title: 'First steps',
    objectives: ['follow a packet'],
    seedSection: '1. Step-by-Step Packet Journey',
    minutes: 5,
    bonus: false,
    pages: [
      {
        index: 0,
        line: 1,
        blocks: [
          { kind: 'heading', level: 2, text: 'The goal', spans: [span('The goal')], line: 1 },
          { kind: 'paragraph', text: 'pod-a calls myapp.', spans: [span('pod-a calls '), { text: 'myapp', style: 'code' }, span('.')], line: 3 },
          { kind: 'list', ordered: false, start: 1, items: [{ text: 'one', spans: [span('one')] }, { text: 'two', spans: [span('two')] }], line: 5 },
        ],
      },
      {
        index: 1,
        line: 10,
        blocks: [
          { kind: 'heading', level: 2, text: 'The rewrite', spans: [span('The rewrite')], line: 10 },
          {
            kind: 'table',
            header: [{ text: 'name', spans: [span('name')] }, { text: 'address', spans: [span('address')] }],
            align: ['left', 'left'],
            rows: [
              [{ text: 'pod-a', spans: [span('pod-a')] }, { text: '10.244.1.10', spans: [span('10.244.1.10')] }],
              [{ text: 'myapp, the Service of the tour', spans: [span('myapp, the Service of the tour')] }, { text: '10.96.1.20:80', spans: [span('10.96.1.20:80')] }],
            ],
            line: 12,
          },
          { kind: 'precision', text: 'DNAT happens once.', spans: [span('DNAT happens on the first packet only; conntrack does the rest.')], line: 16 },
          { kind: 'sim', scenario: 'cross-node-clusterip', focus: ['dnat', 'encap', 'deliver'], direction: null, index: 0, line: 18 },
        ],
      },
      {
        index: 2,
        line: 30,
        blocks: [
          { kind: 'code', lang: 'text', lines: ['10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink', 'a-very-long-line-'.repeat(6)], line: 30 },
          {
            kind: 'diagram',
            name: 'tiny',
            alt: 'two boxes joined by an arrow',
            unicode: '┌──────┐     ┌──────┐\n│ pod-a├────▶│ pod-b│\n└──────┘     └──────┘\n',
            ascii: '+------+     +------+\n| pod-a+---->| pod-b|\n+------+     +------+\n',
            line: 34,
          },
        ],
      },
    ],
  },
  {
    id: 2,
    slug: 'second',
    file: '02-second.md',
    title: 'Second lesson',
    objectives: ['see DNS'],
    seedSection: '1. Step-by-Step Packet Journey',
    minutes: 7,
    bonus: false,
    pages: [{ index: 0, line: 1, blocks: [{ kind: 'paragraph', text: 'DNS first.', spans: [span('DNS first.')], line: 1 }] }],
  },
];

export function makeEnv(overrides: Partial<Env> = {}): Env {
  return {
    lessons: LESSONS,
    cluster: BUILTIN_CLUSTER,
    builtin: BUILTIN_CLUSTER,
    simulate,
    display: { ascii: false, color: false, screenReader: false },
    ...overrides,
  };
}

export const SIZE_80x24: Size = { columns: 80, rows: 24 };

export function start(env: Env, startAt: StartScreen = { screen: 'home' }, size: Size = SIZE_80x24): AppState {
  return initialState({ start: startAt, size, env });
}

/** Applies actions in order. */
export function run(state: AppState, env: Env, ...actions: Action[]): AppState {
  return actions.reduce((s, a) => reduce(s, a, env), state);
}

export function frameText(state: AppState, env: Env): string[] {
  return layoutFrame(state, env).lines.map(lineText);
}

export function widest(state: AppState, env: Env): number {
  return Math.max(0, ...layoutFrame(state, env).lines.map(lineWidth));
}

/** Terminal escape sequences for the keys the tour uses. */
export const KEYS = {
  right: '\u001B[C',
  left: '\u001B[D',
  up: '\u001B[A',
  down: '\u001B[B',
  home: '\u001B[H',
  end: '\u001B[F',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
} as const;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Writes a key and waits two event-loop turns: Ink reads stdin, React commits, Ink writes a frame. */
export async function press(stdin: { write(data: string): void }, key: string): Promise<void> {
  stdin.write(key);
  await turn();
  await turn();
}

/**
 * Polls until the frame satisfies `check`: first a few event-loop turns, then every 10 ms (for
 * timers such as play), up to `timeoutMs`. No fixed sleep decides the outcome.
 */
// 10 s, not 3: under a loaded CI machine (the lab's tests share its two cores) a frame can take
// seconds; a check that holds returns at once, so only a real failure waits this long.
export async function waitFor(lastFrame: () => string | undefined, check: (frame: string) => boolean, what = 'the expected frame', timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    const frame = lastFrame() ?? '';
    if (check(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${frame}`);
    if (i < 20) await turn();
    else await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function waitForText(lastFrame: () => string | undefined, text: string): Promise<string> {
  return waitFor(lastFrame, (f) => f.includes(text), JSON.stringify(text));
}
