// The side-by-side screen: opened from the simulator's menu and from a lesson's ```compare block,
// one aligned row at a time, Tab to the next difference (or the lesson's stops), r to the reply.

import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { loadLessons } from '../../src/content/index.js';
import { COMPARISON_NAMES, COMPARISONS, runComparison } from '../../src/core/comparisons.js';
import { BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { simulate } from '../../src/core/trace.js';
import { App } from '../../src/ui/App.js';
import { compareRows, comparisonOf, rowHop, rowMark } from '../../src/ui/compare-model.js';
import { keymapAll } from '../../src/ui/keymap.js';
import { groupItems, simulatorStartItems, type MenuItem } from '../../src/ui/menus.js';
import { ALL_SCENARIO_NAMES } from '../../src/core/scenarios.js';
import { createMemoryProgress } from '../../src/ui/progress.js';
import { current, type AppState, type CompareState, type ScenarioGroup } from '../../src/ui/state.js';
import { KEYS, frameText, makeEnv, press, run, start, waitFor, widest } from './helpers.js';

const env = makeEnv();

const downs = (n: number) => Array.from({ length: n }, () => ({ type: 'down' as const }));

/** Simulator → a submenu → one of its items, with the cursor keys and Enter. */
function openInGroup(group: ScenarioGroup, pick: (item: MenuItem) => boolean, size = { columns: 80, rows: 24 }): AppState {
  const g = simulatorStartItems(env).findIndex((i) => i.action.kind === 'group' && i.action.group === group);
  expect(g).toBeGreaterThan(0);
  const k = groupItems(group, env).findIndex(pick);
  expect(k).toBeGreaterThanOrEqual(0);
  return run(start(env, { screen: 'simulator' }, size), env, ...downs(g), { type: 'select' }, ...downs(k), { type: 'select' });
}

function openFromMenu(name: (typeof COMPARISON_NAMES)[number], size = { columns: 80, rows: 24 }): AppState {
  return openInGroup('compare', (i) => i.action.kind === 'compare' && i.action.name === name, size);
}

function cs(state: AppState): CompareState {
  const top = current(state);
  if (top.kind !== 'compare') throw new Error(`expected the compare screen, got ${top.kind}`);
  return top.compare;
}

describe('the simulator menu', () => {
  it('offers every scenario there is once, and every comparison, the source text\'s scenarios first', () => {
    const all = [...simulatorStartItems(env), ...(['beyond', 'failures', 'compare'] as const).flatMap((g) => groupItems(g, env))];
    const scenarios = all.flatMap((i) => (i.action.kind === 'scenario' ? [i.action.name] : []));
    expect([...scenarios].sort()).toEqual([...ALL_SCENARIO_NAMES].sort());
    expect(all.flatMap((i) => (i.action.kind === 'compare' ? [i.label] : []))).toEqual(COMPARISON_NAMES.map((n) => COMPARISONS[n].title));
    // Under 20 items, so 2-9 open a scenario at once.
    expect(simulatorStartItems(env).length).toBeLessThan(20);
    expect(simulatorStartItems(env)[1]!.action).toEqual({ kind: 'scenario', name: 'cross-node-clusterip' });
  });

  it('opens a failure scenario on its own cluster variant (the reply is not un-DNATed without br_netfilter)', () => {
    const s = openInGroup('failures', (i) => i.action.kind === 'scenario' && i.action.name === 'no-br-netfilter');
    const top = current(s);
    expect(top.kind).toBe('stepper');
    if (top.kind !== 'stepper' || !top.stepper.result.ok) throw new Error('no trace');
    expect(top.stepper.result.trace.hops.some((h) => h.step === 'un-dnat')).toBe(false);
    expect(top.stepper.result.trace.outcome).toBe('reset');
  });
});

describe('the compare screen', () => {
  it('steps row by row, Tab goes to the next row that differs, r to the reply, q back', () => {
    let s = openFromMenu('vxlan-vs-host-gw');
    expect(cs(s).row).toBe(0);
    s = run(s, env, { type: 'next' });
    expect(cs(s).row).toBe(1);
    s = run(s, env, { type: 'nextStop' });
    const rows = compareRows(cs(s));
    const c = comparisonOf(cs(s));
    const firstDiff = rows.findIndex((r, i) => i > 1 && rowMark(r) !== '=');
    expect(cs(s).row).toBe(firstDiff);
    expect(rowHop(c!, rows[firstDiff]!).step).toBe('route');
    expect(frameText(s, env).join('\n')).toMatch(/~ differs: place/);
    s = run(s, env, { type: 'direction' });
    expect(rowHop(c!, rows[cs(s).row]!).direction).toBe('reply');
    s = run(s, env, { type: 'direction' });
    expect(cs(s).row).toBe(0);
    s = run(s, env, { type: 'last' }, { type: 'next' });
    expect(s.status).toMatch(/last row/);
    s = run(s, env, { type: 'back' });
    expect(current(s)).toMatchObject({ kind: 'simulator', stage: 'group', group: 'compare' });
  });

  it('marks what differs on each side, and says when a side has no such hop', () => {
    let s = openFromMenu('service-vs-pod-ip');
    const rows = compareRows(cs(s));
    const dnat = rows.findIndex((r) => rowMark(r) === 'A');
    s = run(s, env, ...Array.from({ length: dnat }, () => ({ type: 'next' as const })));
    const text = frameText(s, env).join('\n');
    expect(text).toContain('DNAT 10.96.1.20:80 → 10.244.2.6:8080');
    expect(text).toMatch(/No such hop on this side: only the other has a DNAT hop here/);
    s = run(s, env, { type: 'prev' });
    // pod-a's first packets differ in their destination: the ClusterIP on A, pod-b's IP on B.
    expect(frameText(s, env).join('\n')).toMatch(/●10\.96\.1\.20:80/);
  });

  for (const columns of [40, 80, 120]) {
    it(`fits ${columns} columns on every row of every comparison`, () => {
      for (const name of COMPARISON_NAMES) {
        let s = openFromMenu(name, { columns, rows: 24 });
        const n = compareRows(cs(s)).length;
        for (let i = 0; i < n; i++) {
          expect(widest(s, env), `${name} row ${i}`).toBeLessThanOrEqual(columns - 1);
          expect(frameText(s, env).length).toBeLessThanOrEqual(23);
          s = run(s, env, { type: 'next' });
        }
      }
    });
  }

  it('reads linearly for a screen reader: no glyph marks, "(differs)" in words', () => {
    const sr = makeEnv({ display: { ascii: false, color: false, screenReader: true } });
    const s = run(openFromMenu('vxlan-vs-host-gw'), sr, { type: 'nextStop' });
    const text = frameText(s, sr).join('\n');
    expect(text).toContain('(differs)');
    expect(text).not.toContain('●');
  });
});

describe('a lesson ```compare block', () => {
  const lessons = loadLessons();
  const lessonEnv = makeEnv({ lessons });
  for (const id of [5, 8]) {
    it(`lesson ${id}: Enter on the page opens the comparison at its first stop`, () => {
      const lesson = lessons.find((l) => l.id === id)!;
      const page = lesson.pages.findIndex((p) => p.blocks.some((b) => b.kind === 'compare'));
      expect(page).toBeGreaterThanOrEqual(0);
      const block = lesson.pages[page]!.blocks.find((b) => b.kind === 'compare')!;
      if (block.kind !== 'compare') throw new Error('not a compare block');
      let s = start(lessonEnv, { screen: 'lesson', lesson: id });
      s = run(s, lessonEnv, ...Array.from({ length: page }, () => ({ type: 'next' as const })), { type: 'select' });
      const state = cs(s);
      expect(state.origin).toEqual({ lessonId: id, page });
      const result = runComparison(state.name, BUILTIN_CLUSTER, simulate);
      if (!result.ok) throw new Error(result.message);
      const hop = rowHop(result.comparison, result.comparison.alignment[state.row]!);
      expect(block.focus).toContain(hop.step);
      expect(frameText(s, lessonEnv)[0]).toContain(`Lesson ${id}`);
    });
  }
});

describe('keys typed faster than a frame', () => {
  it('become one command each, in order ("12" chooses item 12)', () => {
    expect(keymapAll('12', {})).toEqual([{ type: 'digit', digit: 1 }, { type: 'digit', digit: 2 }]);
    expect(keymapAll('nnp', {})).toEqual([{ type: 'next' }, { type: 'next' }, { type: 'prev' }]);
    expect(keymapAll('', { rightArrow: true })).toEqual([{ type: 'next' }]);
    expect(keymapAll('x', {})).toEqual([]);
  });

  it('in the App: typing a two-digit item number at once opens that item', async () => {
    const k = simulatorStartItems(env).findIndex((i) => i.action.kind === 'group' && i.action.group === 'compare');
    expect(k + 1).toBeGreaterThanOrEqual(10);
    const { stdin, lastFrame, unmount } = render(<App env={env} start={{ screen: 'simulator' }} progress={createMemoryProgress()} />);
    await waitFor(lastFrame, (f) => f.includes('Choose the client pod'));
    await press(stdin, String(k + 1));
    await waitFor(lastFrame, (f) => f.includes('Two traces of one request'), 'the Side by side submenu');
    await press(stdin, '1');
    const frame = await waitFor(lastFrame, (f) => f.includes('Row 1 of'), 'the compare screen');
    expect(frame).toContain('Side by side');
    await press(stdin, KEYS.tab);
    await waitFor(lastFrame, (f) => /Row \d+ of/.test(f) && !f.includes('Row 1 of'), 'a later row');
    unmount();
  });
});
