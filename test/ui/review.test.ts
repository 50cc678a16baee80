// The new-user review's findings, one test each: the DNS lookup panel, the stepper's footer in
// lessons, per-simulation positions, navigation messages, and wording.

import { describe, expect, it } from 'vitest';
import type { Lesson } from '../../src/content/types.js';
import { SCENARIO_NAMES } from '../../src/core/scenarios.js';
import type { AppState, StepperState } from '../../src/ui/state.js';
import { current } from '../../src/ui/state.js';
import { stepperHops } from '../../src/ui/stepper-model.js';
import { keymap } from '../../src/ui/keymap.js';
import { blockLines } from '../../src/ui/screens/lesson.js';
import { lineText } from '../../src/ui/text.js';
import { makeTheme } from '../../src/ui/theme.js';
import { LESSONS, frameText, makeEnv, run, start } from './helpers.js';

const span = (text: string) => ({ text, style: 'plain' as const });

/** Lesson 3: one page with two simulations (request, then reply), and a page after it. */
const TWO_SIMS: Lesson = {
  id: 3,
  slug: 'two',
  file: '03-two.md',
  title: 'Two runs',
  objectives: ['compare'],
  seedSection: '1. Step-by-Step Packet Journey',
  minutes: 3,
  bonus: false,
  pages: [
    {
      index: 0,
      line: 1,
      blocks: [
        { kind: 'sim', scenario: 'cross-node-clusterip', focus: ['dnat', 'encap', 'deliver'], direction: null, index: 0, line: 2 },
        { kind: 'sim', scenario: 'cross-node-clusterip', focus: ['un-dnat'], direction: 'reply', index: 1, line: 6 },
      ],
    },
    { index: 1, line: 10, blocks: [{ kind: 'paragraph', text: 'The end.', spans: [span('The end.')], line: 10 }] },
  ],
};

const DNS_LESSON: Lesson = {
  ...TWO_SIMS,
  id: 4,
  slug: 'dns',
  file: '04-dns.md',
  title: 'DNS',
  pages: [{ index: 0, line: 1, blocks: [{ kind: 'sim', scenario: 'dns-lookup', focus: ['send', 'dnat'], direction: null, index: 0, line: 2 }] }],
};

const env = makeEnv({ lessons: [...LESSONS, TWO_SIMS, DNS_LESSON] });

function stepper(state: AppState): StepperState {
  const s = current(state);
  if (s.kind !== 'stepper') throw new Error(`expected the stepper, got ${s.kind}`);
  return s.stepper;
}

function scenario(name: string, size = { columns: 120, rows: 40 }): AppState {
  return run(start(env, { screen: 'home' }, size), env, { type: 'digit', digit: 3 }, { type: 'digit', digit: SCENARIO_NAMES.indexOf(name as never) + 2 });
}

describe('the DNS lookup panel (d)', () => {
  it('lists every query in order and resolv.conf when the lookup succeeds (dns-lookup scenario)', () => {
    const s = run(scenario('dns-lookup'), env, { type: 'dns' });
    const text = frameText(s, env).join('\n');
    expect(text).toContain('DNS lookup');
    expect(text).toMatch(/ 1 A myapp\.default\.svc\.cluster\.local\.default\.svc\.cluster\.local\. NXDOMAIN/);
    expect(text).toMatch(/ 7 A myapp\.default\.svc\.cluster\.local\. NOERROR 10\.96\.1\.20/);
    expect(text).toMatch(/search default\.svc\.cluster\.local/);
    expect(text).not.toMatch(/No name was resolved/);
    // The numbers come in order.
    const nums = [...text.matchAll(/^ +(\d+) (?:A|AAAA) /gm)].map((m) => Number(m[1]));
    expect(nums).toEqual([...nums].sort((a, b) => a - b));
  });

  it('is there in a lesson whose simulation is the DNS lookup', () => {
    const s = run(start(env, { screen: 'lesson', lesson: 4 }, { columns: 120, rows: 40 }), env, { type: 'select' }, { type: 'dns' });
    expect(stepper(s).panel).toBe(true);
    expect(frameText(s, env).join('\n')).toMatch(/7 A myapp\.default\.svc\.cluster\.local\. NOERROR 10\.96\.1\.20/);
  });

  it('offers the journey of the answering query where the trace has one, and fits 40 columns', () => {
    let s = run(scenario('cross-node-clusterip'), env, { type: 'dns' });
    expect(frameText(s, env).join('\n')).toMatch(/Enter follows the journey of query \d+/);
    s = run(s, env, { type: 'select' });
    expect(stepper(s).track).toBe('dns');
    const narrow = run(scenario('dns-lookup', { columns: 40, rows: 20 }), env, { type: 'dns' });
    for (const line of frameText(narrow, env)) expect(line.length).toBeLessThanOrEqual(39);
  });
});

describe('the stepper footer in a lesson', () => {
  it('shows Tab for the focus stops at 80 columns, before the speed keys', () => {
    const s = run(start(env, { screen: 'lesson', lesson: 1 }), env, { type: 'next' }, { type: 'select' });
    const footer = frameText(s, env).at(-1)!;
    expect(footer).toContain('Tab next stop');
    if (footer.includes('+-')) expect(footer.indexOf('Tab')).toBeLessThan(footer.indexOf('+-'));
  });
});

describe('two simulations on one page', () => {
  it('keep their own positions: the first opens at its own first focus stop after the second was used', () => {
    let s = run(start(env, { screen: 'lesson', lesson: 3 }), env, { type: 'digit', digit: 2 });
    const second = stepper(s);
    expect(stepperHops(second)[second.hop]!.step).toBe('un-dnat');
    s = run(s, env, { type: 'back' }, { type: 'select' });
    let first = stepper(s);
    expect(stepperHops(first)[first.hop]!.step).toBe('dnat');
    s = run(s, env, { type: 'nextStop' });
    first = stepper(s);
    expect(stepperHops(first)[first.hop]!.step).toBe('encap');
    // And back to the second: where it was left.
    s = run(s, env, { type: 'back' }, { type: 'digit', digit: 2 });
    expect(stepper(s).hop).toBe(second.hop);
    s = run(s, env, { type: 'back' }, { type: 'select' });
    expect(stepperHops(stepper(s))[stepper(s).hop]!.step).toBe('encap');
  });
});

describe('navigation and messages', () => {
  it('on the last page, says where q really goes, and Enter (no simulation) or N opens the next lesson', () => {
    // Lesson 1 opened from Home: q goes Home, and the message says so.
    let s = run(start(env), env, { type: 'select' }, { type: 'last' }, { type: 'next' });
    expect(s.status).toMatch(/q goes back to the home screen/);
    expect(s.status).toMatch(/Enter \(or N\) opens lesson 2/);
    const tall = run(start(env, { screen: 'home' }, { columns: 80, rows: 60 }), env, { type: 'select' }, { type: 'last' });
    expect(frameText(tall, env).join(' ').replace(/\s+/g, ' ')).toMatch(/End of lesson 1\. Enter opens lesson 2, Second lesson; q goes back to the home screen\./);
    const back = run(s, env, { type: 'back' });
    expect(current(back).kind).toBe('home');
    // From the lesson list: q goes back to the lessons.
    const fromList = run(start(env), env, { type: 'digit', digit: 2 }, { type: 'digit', digit: 1 }, { type: 'last' }, { type: 'next' });
    expect(fromList.status).toMatch(/q goes back to the lessons/);
    // Enter opens the next lesson in its place; q still goes where it went.
    s = run(s, env, { type: 'select' });
    expect(current(s)).toMatchObject({ kind: 'lesson', lessonId: 2 });
    expect(current(run(s, env, { type: 'back' })).kind).toBe('home');
    // N on a last page with a simulation (lesson 3's first page is not its last: N says so).
    const three = run(start(env, { screen: 'lesson', lesson: 3 }), env, { type: 'nextLesson' });
    expect(three.status).toMatch(/last page/);
    expect(current(run(three, env, { type: 'last' }, { type: 'nextLesson' }))).toMatchObject({ kind: 'lesson', lessonId: 4 });
  });

  it('Home continues with the next unfinished lesson once the last one was read to the end', () => {
    const s = run(start(env), env, { type: 'select' }, { type: 'last' }, { type: 'back' });
    const home = frameText(s, env).join('\n');
    expect(home).toMatch(/1\. Next: lesson 2, Second lesson/);
    expect(home).not.toMatch(/Continue: lesson 1/);
    expect(current(run(s, env, { type: 'select' }))).toMatchObject({ kind: 'lesson', lessonId: 2 });
  });

  it('indents status lines like the rest of the frame', () => {
    const s = run(scenario('cross-node-clusterip', { columns: 80, rows: 24 }), env, { type: 'direction' });
    const line = frameText(s, env).find((l) => l.includes('Now following the reply.'));
    expect(line).toMatch(/^ Now following/);
  });

  it('wraps the Simulator scenario descriptions at 80 columns instead of cutting them', () => {
    const s = run(start(env, { screen: 'home' }, { columns: 80, rows: 60 }), env, { type: 'digit', digit: 3 });
    const text = frameText(s, env);
    expect(text.join('\n')).not.toContain('…');
    expect(text.join(' ').replace(/\s+/g, ' ')).toContain('the DNAT picks pod-b on node-2, so the packet crosses');
  });

  it('n and → do not open a menu item (only Enter or its number does)', () => {
    const s = run(start(env), env, { type: 'next' });
    expect(current(s).kind).toBe('home');
  });
});

describe('wording', () => {
  const mono = makeTheme({ color: false, ascii: false, screenReader: false });
  const colour = makeTheme({ color: true, ascii: false, screenReader: false });
  const text = (lines: ReturnType<typeof blockLines>) => lines.map(lineText).join(' ').replace(/\s+/g, ' ');

  it('asks a prediction as natural questions, with the hop by its readable name', () => {
    const t = text(blockLines({ kind: 'predict', at: 'dnat', ask: ['rewrite', 'chain'], direction: null, sim: 0, line: 9 } as never, 76, mono));
    expect(t).toBe('? Think first, before the DNAT hop: what is rewritten, and to what? Which chain decides?');
    expect(t).not.toMatch(/what do you expect for/);
  });

  it('names focus stops readably', () => {
    const t = text(blockLines({ kind: 'sim', scenario: 'cross-node-clusterip', focus: ['conntrack-match', 'un-dnat'], direction: 'reply', index: 0, line: 1 }, 76, mono));
    expect(t).toContain('(stops at: conntrack lookup, un-DNAT)');
  });

  it('pads list numbers so 9 and 10 line up', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ text: `item ${i + 1}`, spans: [span(`item ${i + 1}`)] }));
    const lines = blockLines({ kind: 'list', ordered: true, start: 1, items, line: 1 }, 76, mono).map(lineText);
    expect(lines[0]).toBe(' 1. item 1');
    expect(lines[9]).toBe('10. item 10');
  });

  it('marks inline code with backticks when colour is off, and not when it is on', () => {
    const block = { kind: 'paragraph', text: 'pod-a calls myapp.', spans: [span('pod-a calls '), { text: 'myapp', style: 'code' as const }, span('.')], line: 1 } as const;
    expect(text(blockLines(block, 76, mono))).toBe('pod-a calls `myapp`.');
    expect(text(blockLines(block, 76, colour))).toBe('pod-a calls myapp.');
  });

  it('maps N to the next lesson', () => {
    expect(keymap('N', {})).toEqual({ type: 'nextLesson' });
  });
});

describe('a page with two simulations', () => {
  it('labels each with the number that opens it, and the hint says so', async () => {
    const { loadLessons } = await import('../../src/content/index.js');
    const { pageLines } = await import('../../src/ui/screens/lesson.js');
    const lessons = loadLessons();
    const mono = makeTheme({ color: false, ascii: false, screenReader: false });
    const lesson = lessons.find((l) => l.pages.some((p) => p.blocks.filter((b) => b.kind === 'sim' || b.kind === 'compare').length > 1))!;
    const page = lesson.pages.findIndex((p) => p.blocks.filter((b) => b.kind === 'sim' || b.kind === 'compare').length > 1);
    const text = pageLines(lesson, page, 80, mono).map(lineText).join('\n');
    expect(text).toMatch(/▶ 1: follow the packet/);
    expect(text).toMatch(/▶ 2: follow the packet/);
    expect(text).not.toMatch(/▶ Enter:/);
    const env = makeEnv({ lessons });
    const s = run(start(env, { screen: 'lesson', lesson: lesson.id }), env, ...Array.from({ length: page }, () => ({ type: 'next' as const })));
    expect(frameText(s, env).at(-1)).toMatch(/1-2 open one/);
  });
});
