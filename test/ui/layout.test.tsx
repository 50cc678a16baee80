// Width and height: every frame fits the terminal. renderToString (Ink 6) proves Ink draws our
// lines without wrapping them; the pure layout is then checked over every hop of every scenario.

import { renderToString } from 'ink';
import { describe, expect, it } from 'vitest';
import { textWidth } from '../../src/content/layout.js';
import { SCENARIO_NAMES } from '../../src/core/scenarios.js';
import { App } from '../../src/ui/App.js';
import { FrameView } from '../../src/ui/components/FrameView.js';
import { layoutFrame, renderFrame } from '../../src/ui/frame.js';
import { createMemoryProgress } from '../../src/ui/progress.js';
import type { Action } from '../../src/ui/reducer.js';
import type { AppState, Env, Size } from '../../src/ui/state.js';
import { current } from '../../src/ui/state.js';
import { stepperHops } from '../../src/ui/stepper-model.js';
import { lineWidth } from '../../src/ui/text.js';
import { makeTheme } from '../../src/ui/theme.js';
import { makeEnv, run, start } from './helpers.js';

const ANSI = /\u001B\[[0-9;]*m/g;

function measure(output: string): { width: number; height: number } {
  const lines = output.replace(ANSI, '').split('\n');
  return { width: Math.max(...lines.map(textWidth)), height: lines.length };
}

function drawn(state: AppState, env: Env, columns: number): string {
  return renderToString(<FrameView lines={renderFrame(state, env)} theme={makeTheme(env.display)} />, { columns });
}

const env = makeEnv();

/** Home -> Simulator -> scenario (the start list has the custom picker first). */
function scenarioState(name: string, size: Size, e: Env = env): AppState {
  const n = SCENARIO_NAMES.indexOf(name as never) + 2;
  return run(start(e, { screen: 'home' }, size), e, { type: 'digit', digit: 3 }, { type: 'digit', digit: n });
}

function states(size: Size, e: Env = env): [string, AppState][] {
  const home = start(e, { screen: 'home' }, size);
  const lesson = (page: number) => run(start(e, { screen: 'lesson', lesson: 1 }, size), e, ...Array<Action>(page).fill({ type: 'next' }));
  const stepAt = (steps: number, ...extra: Action[]) =>
    run(scenarioState('cross-node-clusterip', size, e), e, ...Array<Action>(steps).fill({ type: 'next' }), ...extra);
  return [
    ['home', home],
    ['lessons', run(home, e, { type: 'digit', digit: 2 })],
    ['lesson page 1', lesson(0)],
    ['lesson page 2 (table, precision, sim)', lesson(1)],
    ['lesson page 3 (code, diagram)', lesson(2)],
    ['simulator', start(e, { screen: 'simulator' }, size)],
    ['destination picker', run(start(e, { screen: 'simulator' }, size), e, { type: 'first' }, { type: 'select' }, { type: 'first' }, { type: 'select' })],
    ['stepper: send', stepAt(0)],
    ['stepper: dnat', stepAt(4)],
    ['stepper: dnat, command', stepAt(4, { type: 'observe' })],
    ['stepper: wire (VXLAN)', stepAt(9)],
    ['stepper: wire, command', stepAt(9, { type: 'observe' })],
    ['stepper: last hop', stepAt(0, { type: 'last' })],
    ['stepper: NXDOMAIN', scenarioState('nxdomain', size, e)],
    ['stepper: DNS lookup panel (dns-lookup)', run(scenarioState('dns-lookup', size, e), e, { type: 'dns' })],
    ['stepper: DNS lookup panel (cross-node)', run(scenarioState('cross-node-clusterip', size, e), e, { type: 'dns' })],
    ['help', run(home, e, { type: 'help' })],
  ];
}

describe('renderToString at 40, 80 and 120 columns', () => {
  for (const columns of [40, 80, 120]) {
    const size = { columns, rows: 24 };
    for (const [name, state] of states(size)) {
      it(`${columns} columns: ${name}: no line wider than the terminal, at most 24 rows`, () => {
        const { width, height } = measure(drawn(state, env, columns));
        expect(width).toBeLessThanOrEqual(columns);
        expect(height).toBeLessThanOrEqual(24);
      });
    }
  }

  it('draws the App itself within 80x24 (home, a lesson, the simulator)', () => {
    for (const startAt of [{ screen: 'home' }, { screen: 'lesson', lesson: 1 }, { screen: 'simulator' }] as const) {
      const out = renderToString(<App env={env} start={startAt} progress={createMemoryProgress()} size={{ columns: 80, rows: 24 }} />, { columns: 80 });
      const { width, height } = measure(out);
      expect(width).toBeLessThanOrEqual(80);
      expect(height).toBeLessThanOrEqual(24);
      expect(out).toContain('kube-packet-tour');
    }
  });

  it('uses one column below 110 columns and two from 110', () => {
    const at = (columns: number) => frameLines(run(scenarioState('cross-node-clusterip', { columns, rows: 40 }), env, ...Array<Action>(4).fill({ type: 'next' })));
    const narrow = at(80);
    const wide = at(120);
    // In one column the rewrite comes below the headers; in two it sits beside the "Where" line.
    expect(narrow.findIndex((l) => l.includes('Rewrite'))).toBeGreaterThan(narrow.findIndex((l) => l.includes('Ethernet')));
    expect(wide.some((l) => l.includes('Where') && l.includes('Rewrite'))).toBe(true);
  });
});

function frameLines(state: AppState): string[] {
  return renderFrame(state, env).map((l) => l.map((s) => s.text).join(''));
}

describe('every hop of every scenario fits', () => {
  const sizes: Size[] = [
    { columns: 40, rows: 24 },
    { columns: 80, rows: 24 },
    { columns: 120, rows: 40 },
    { columns: 60, rows: 10 },
  ];
  const displays = [
    { ascii: false, color: true, screenReader: false },
    { ascii: true, color: false, screenReader: false },
    { ascii: false, color: false, screenReader: true },
  ];
  for (const display of displays) {
    const e = makeEnv({ display });
    const label = display.screenReader ? 'screen reader' : display.ascii ? 'ascii' : 'unicode';
    it(`${label}: width <= columns - 1 and height <= rows - 1, request and reply, details and commands`, () => {
      for (const size of display.ascii || display.screenReader ? sizes.slice(0, 2) : sizes) {
        for (const name of SCENARIO_NAMES) {
          let s = scenarioState(name, size, e);
          const screen = current(s);
          const count = screen.kind === 'stepper' ? Math.max(1, stepperHops(screen.stepper).length) : 1;
          for (let i = 0; i < count; i++) {
            for (const observe of [false, true]) {
              const probe = observe ? run(s, e, { type: 'observe' }) : s;
              const layout = layoutFrame(probe, e);
              const where = `${name} hop ${i + 1} at ${size.columns}x${size.rows}${observe ? ' (command)' : ''}`;
              expect(Math.max(...layout.lines.map(lineWidth)), where).toBeLessThanOrEqual(size.columns - 1);
              expect(layout.lines.length, where).toBeLessThanOrEqual(size.rows - 1);
            }
            s = run(s, e, { type: 'next' });
          }
        }
      }
    });
  }
});

describe('the 80x24 frame', () => {
  it('shows the stepper essentials on one screen at the DNAT hop: position, diagram, where, the marked change, the hints', () => {
    const s = run(scenarioState('cross-node-clusterip', { columns: 80, rows: 24 }), env, ...Array<Action>(4).fill({ type: 'next' }));
    const text = frameLines(s).join('\n');
    expect(text).toContain('Hop 5 of 33');
    expect(text).toMatch(/▶cni0◀/);
    expect(text).toContain('Where');
    expect(text).toContain('●10.244.2.6:8080');
    expect(text).toContain('? keys');
    expect(text).toContain('q back');
  });
});

describe('every client to every destination the simulator offers', () => {
  it('lays out every hop, details and commands, within 80x24', async () => {
    const { clientItems, destinationItems } = await import('../../src/ui/menus.js');
    const size = { columns: 80, rows: 24 };
    const clients = clientItems(env.cluster);
    clients.forEach((client, c) => {
      const dests = destinationItems(env.cluster, client.action.kind === 'client' ? client.action.ref : null);
      dests.forEach((_, d) => {
        // Simulator -> custom -> client c -> destination d
        // (first + select rather than digits: "1" waits for a second digit once a menu has 10 items)
        let s = run(start(env, { screen: 'simulator' }, size), env, { type: 'first' }, { type: 'select' }, { type: 'first' }, ...Array<Action>(c).fill({ type: 'down' }), { type: 'select' }, { type: 'first' }, ...Array<Action>(d).fill({ type: 'down' }), { type: 'select' });
        const screen = current(s);
        expect(screen.kind).toBe('stepper');
        if (screen.kind !== 'stepper') return;
        const count = Math.max(1, stepperHops(screen.stepper).length);
        for (let i = 0; i < count; i++) {
          for (const observe of [false, true]) {
            const layout = layoutFrame(observe ? run(s, env, { type: 'observe' }) : s, env);
            const where = `${client.label} -> ${dests[d]!.label} hop ${i + 1}`;
            expect(Math.max(...layout.lines.map(lineWidth)), where).toBeLessThanOrEqual(79);
            expect(layout.lines.length, where).toBeLessThanOrEqual(23);
          }
          s = run(s, env, { type: 'next' });
        }
      });
    });
  });
});
