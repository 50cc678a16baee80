// Every scenario the Simulator offers (the source text's, the traffic beyond it, what goes wrong)
// opens in the stepper from its menu, and every hop of it fits the terminal.

import { describe, expect, it } from 'vitest';
import { layoutFrame } from '../../src/ui/frame.js';
import { groupItems, simulatorStartItems } from '../../src/ui/menus.js';
import { current, type AppState, type Size } from '../../src/ui/state.js';
import { stepperHops } from '../../src/ui/stepper-model.js';
import { lineWidth } from '../../src/ui/text.js';
import { makeEnv, run, start } from './helpers.js';

const env = makeEnv();
const downs = (n: number) => Array.from({ length: n }, () => ({ type: 'down' as const }));

/** [scenario name, the state with it open] for every scenario item, top level and in the submenus. */
function openEach(size: Size): [string, AppState][] {
  const out: [string, AppState][] = [];
  const top = simulatorStartItems(env);
  top.forEach((item, k) => {
    if (item.action.kind === 'scenario') out.push([item.action.name, run(start(env, { screen: 'simulator' }, size), env, ...downs(k), { type: 'select' })]);
    if (item.action.kind !== 'group') return;
    groupItems(item.action.group, env).forEach((sub, j) => {
      if (sub.action.kind !== 'scenario') return;
      out.push([sub.action.name, run(start(env, { screen: 'simulator' }, size), env, ...downs(k), { type: 'select' }, ...downs(j), { type: 'select' })]);
    });
  });
  return out;
}

describe('every scenario of the Simulator', () => {
  for (const size of [{ columns: 80, rows: 24 }, { columns: 40, rows: 24 }]) {
    it(`opens in the stepper, every hop within ${size.columns}x${size.rows}`, () => {
      for (const [name, opened] of openEach(size)) {
        let s = opened;
        const screen = current(s);
        expect(screen.kind, name).toBe('stepper');
        if (screen.kind !== 'stepper') continue;
        expect(screen.stepper.scenario, name).toBe(name);
        expect(screen.stepper.result.ok, name).toBe(true);
        // A name that does not resolve sends no packet: one frame, the DNS answer.
        const hops = Math.max(1, stepperHops(screen.stepper).length);
        for (let i = 0; i < hops; i++) {
          const layout = layoutFrame(s, env);
          expect(Math.max(...layout.lines.map(lineWidth)), `${name} hop ${i + 1}`).toBeLessThanOrEqual(size.columns - 1);
          expect(layout.lines.length, `${name} hop ${i + 1}`).toBeLessThanOrEqual(size.rows - 1);
          s = run(s, env, { type: 'next' });
        }
      }
    });
  }
});

describe('the What goes wrong submenu', () => {
  it('does not repeat its own title in every item', () => {
    const labels = groupItems('failures', env).map((i) => i.label);
    expect(labels.length).toBe(7);
    for (const l of labels) expect(l).not.toMatch(/^What goes wrong/);
    expect(labels[0]).toMatch(/^br_netfilter off/);
  });
});
