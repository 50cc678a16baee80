import { describe, expect, it } from 'vitest';
import { lessonStateText, typeDigit } from '../../src/ui/menus.js';
import { initialState } from '../../src/ui/reducer.js';
import type { AppState, Screen, StepperState } from '../../src/ui/state.js';
import { current } from '../../src/ui/state.js';
import { stepperHops } from '../../src/ui/stepper-model.js';
import { makeEnv, run, start } from './helpers.js';

const env = makeEnv();

function top(state: AppState): Screen {
  return current(state);
}

function stepper(state: AppState): StepperState {
  const s = top(state);
  if (s.kind !== 'stepper') throw new Error(`expected the stepper, got ${s.kind}`);
  return s.stepper;
}

function hop(state: AppState) {
  const st = stepper(state);
  return stepperHops(st)[st.hop]!;
}

/** Home -> Simulator -> scenario n (1-based in the start list; 1 is the custom picker). */
function openScenario(n: number): AppState {
  return run(start(env), env, { type: 'digit', digit: 3 }, { type: 'digit', digit: n });
}

describe('menus', () => {
  it('moves the cursor with up/down, wrapping around, and first/last', () => {
    let s = start(env);
    expect(top(s)).toMatchObject({ kind: 'home', menu: { cursor: 0 } });
    s = run(s, env, { type: 'down' }, { type: 'down' });
    expect(top(s)).toMatchObject({ menu: { cursor: 2 } });
    s = run(s, env, { type: 'up' }, { type: 'up' }, { type: 'up' });
    expect(top(s)).toMatchObject({ menu: { cursor: 5 } });
    s = run(s, env, { type: 'first' });
    expect(top(s)).toMatchObject({ menu: { cursor: 0 } });
    s = run(s, env, { type: 'last' });
    expect(top(s)).toMatchObject({ menu: { cursor: 5 } });
  });

  it('chooses with Enter and with a number key', () => {
    const byEnter = run(start(env), env, { type: 'down' }, { type: 'select' });
    expect(top(byEnter).kind).toBe('lessons');
    const byNumber = run(start(env), env, { type: 'digit', digit: 3 });
    expect(top(byNumber)).toMatchObject({ kind: 'simulator', stage: 'start' });
  });

  it('waits for a second digit when a longer number could follow', () => {
    expect(typeDigit({ cursor: 0, digits: '' }, 11, 1)).toEqual({ menu: { cursor: 0, digits: '1' }, choose: false });
    expect(typeDigit({ cursor: 0, digits: '1' }, 11, 1)).toEqual({ menu: { cursor: 10, digits: '' }, choose: true });
    expect(typeDigit({ cursor: 0, digits: '1' }, 11, 5)).toEqual({ menu: { cursor: 4, digits: '' }, choose: true });
    expect(typeDigit({ cursor: 0, digits: '' }, 11, 2)).toEqual({ menu: { cursor: 1, digits: '' }, choose: true });
    expect(typeDigit({ cursor: 3, digits: '' }, 5, 0)).toEqual({ menu: { cursor: 3, digits: '' }, choose: false });
    expect(typeDigit({ cursor: 3, digits: '' }, 5, 9)).toEqual({ menu: { cursor: 3, digits: '' }, choose: false });
  });

  it('goes back with q/Esc and quits from home', () => {
    let s = run(start(env), env, { type: 'digit', digit: 2 });
    expect(top(s).kind).toBe('lessons');
    s = run(s, env, { type: 'back' });
    expect(top(s).kind).toBe('home');
    expect(s.exit).toBe(false);
    s = run(s, env, { type: 'back' });
    expect(s.exit).toBe(true);
  });

  it('quits from the Quit item', () => {
    expect(run(start(env), env, { type: 'last' }, { type: 'select' }).exit).toBe(true);
  });

  it('opens and closes help from anywhere with ?', () => {
    let s = run(start(env), env, { type: 'digit', digit: 2 }, { type: 'help' });
    expect(top(s).kind).toBe('help');
    s = run(s, env, { type: 'help' });
    expect(top(s).kind).toBe('lessons');
  });
});

describe('lessons', () => {
  it('pages forward and back, stops at the ends, and records the position', () => {
    let s = run(start(env), env, { type: 'digit', digit: 1 });
    expect(top(s)).toMatchObject({ kind: 'lesson', lessonId: 1, page: 0 });
    s = run(s, env, { type: 'next' }, { type: 'next' }, { type: 'next' });
    expect(top(s)).toMatchObject({ page: 2 });
    expect(s.status).toMatch(/last page/);
    expect(s.positions[1]).toEqual({ page: 2, hop: null });
    s = run(s, env, { type: 'first' });
    expect(top(s)).toMatchObject({ page: 0 });
    s = run(s, env, { type: 'prev' });
    expect(top(s)).toMatchObject({ page: 0 });
    s = run(s, env, { type: 'last' });
    expect(top(s)).toMatchObject({ page: 2 });
  });

  it('Space reads on: a screenful down while the page has more, then the next page', () => {
    // A short screen: page 1 is taller than it, so Space scrolls first.
    let s = run(start(env), env, { type: 'resize', size: { columns: 40, rows: 8 } }, { type: 'digit', digit: 1 });
    expect(top(s)).toMatchObject({ kind: 'lesson', page: 0, scroll: 0 });
    s = run(s, env, { type: 'play' });
    expect(top(s)).toMatchObject({ page: 0 });
    expect((top(s) as { scroll: number }).scroll).toBeGreaterThan(0);
    let presses = 1;
    while ((top(s) as { page: number }).page === 0 && presses < 50) {
      s = run(s, env, { type: 'play' });
      presses++;
    }
    expect(top(s)).toMatchObject({ page: 1, scroll: 0 });
    expect(s.positions[1]).toEqual({ page: 1, hop: null });
    // A tall screen: the whole page shows, so Space turns the page at once.
    s = run(start(env), env, { type: 'resize', size: { columns: 100, rows: 200 } }, { type: 'digit', digit: 1 }, { type: 'play' });
    expect(top(s)).toMatchObject({ page: 1, scroll: 0 });
  });

  it('continues where the learner left off', () => {
    let s = run(start(env), env, { type: 'digit', digit: 1 }, { type: 'next' }, { type: 'back' });
    expect(s.lastLesson).toBe(1);
    s = run(s, env, { type: 'first' }, { type: 'select' });
    expect(top(s)).toMatchObject({ kind: 'lesson', lessonId: 1, page: 1 });
  });

  it('starts at lesson N when asked, with home underneath', () => {
    const s = start(env, { screen: 'lesson', lesson: 2 });
    expect(top(s)).toMatchObject({ kind: 'lesson', lessonId: 2 });
    expect(top(run(s, env, { type: 'back' })).kind).toBe('home');
    expect(start(env, { screen: 'lesson', lesson: 9 }).status).toMatch(/no lesson 9/);
  });

  it('opens the page\'s sim block in the stepper at the first focus stop, and saves the hop on the way back', () => {
    let s = run(start(env), env, { type: 'digit', digit: 1 }, { type: 'next' }, { type: 'select' });
    const st = stepper(s);
    expect(st.scenario).toBe('cross-node-clusterip');
    expect(st.origin).toEqual({ lessonId: 1, page: 1, sim: 0 });
    expect(hop(s).step).toBe('dnat');
    s = run(s, env, { type: 'nextStop' });
    expect(hop(s).step).toBe('encap');
    s = run(s, env, { type: 'nextStop' });
    expect(hop(s).step).toBe('deliver');
    s = run(s, env, { type: 'nextStop' });
    expect(s.status).toMatch(/No later focus stop/);
    s = run(s, env, { type: 'prevStop' });
    expect(hop(s).step).toBe('encap');
    const at = stepper(s).hop;
    s = run(s, env, { type: 'back' });
    expect(top(s)).toMatchObject({ kind: 'lesson', page: 1 });
    expect(s.positions[1]).toEqual({ page: 1, hop: at });
    s = run(s, env, { type: 'select' });
    expect(stepper(s).hop).toBe(at);
  });

  it('says so when Enter is pressed on a page without a simulation', () => {
    const s = run(start(env), env, { type: 'digit', digit: 1 }, { type: 'select' });
    expect(top(s).kind).toBe('lesson');
    expect(s.status).toMatch(/no simulation/);
  });
});

describe('the stepper', () => {
  it('steps forward and back, and to the first and last hop', () => {
    let s = openScenario(2); // cross-node-clusterip
    expect(stepper(s).hop).toBe(0);
    expect(hop(s).step).toBe('send');
    s = run(s, env, { type: 'next' }, { type: 'next' });
    expect(hop(s).step).toBe('bridge-in');
    s = run(s, env, { type: 'prev' });
    expect(hop(s).step).toBe('veth');
    s = run(s, env, { type: 'last' });
    expect(hop(s)).toMatchObject({ step: 'deliver', direction: 'reply' });
    s = run(s, env, { type: 'next' });
    expect(s.status).toMatch(/last hop/);
    s = run(s, env, { type: 'first' }, { type: 'prev' });
    expect(stepper(s).hop).toBe(0);
    expect(s.status).toMatch(/first hop/);
  });

  it('switches between request and reply with r, remembering where it was in each', () => {
    let s = run(openScenario(2), env, { type: 'next' }, { type: 'next' }, { type: 'next' }, { type: 'next' });
    expect(hop(s)).toMatchObject({ step: 'dnat', direction: 'request' });
    s = run(s, env, { type: 'direction' });
    expect(hop(s)).toMatchObject({ step: 'send', direction: 'reply' });
    s = run(s, env, { type: 'next' });
    const replyAt = stepper(s).hop;
    s = run(s, env, { type: 'direction' });
    expect(hop(s)).toMatchObject({ step: 'dnat', direction: 'request' });
    s = run(s, env, { type: 'direction' });
    expect(stepper(s).hop).toBe(replyAt);
  });

  it('explains that there is no reply when the request was rejected before it', () => {
    // no-endpoints: the only reply-direction hop is the ICMP error, so r reaches it.
    let s = openScenario(8);
    expect(stepper(s).scenario).toBe('no-endpoints');
    s = run(s, env, { type: 'direction' });
    expect(hop(s).step).toBe('icmp-error');
  });

  it('plays with space, advances on ticks, pauses, and stops at the end', () => {
    let s = openScenario(2);
    s = run(s, env, { type: 'tick' });
    expect(stepper(s).hop).toBe(0);
    s = run(s, env, { type: 'play' });
    expect(stepper(s).playing).toBe(true);
    s = run(s, env, { type: 'tick' }, { type: 'tick' });
    expect(stepper(s).hop).toBe(2);
    s = run(s, env, { type: 'play' });
    expect(stepper(s).playing).toBe(false);
    s = run(s, env, { type: 'last' }, { type: 'play' });
    expect(stepper(s)).toMatchObject({ playing: true, hop: 0 });
    s = run(s, env, { type: 'last' });
    expect(stepper(s).playing).toBe(false);
  });

  it('pauses at a lesson\'s focus stops while playing', () => {
    let s = run(start(env), env, { type: 'digit', digit: 1 }, { type: 'next' }, { type: 'select' }, { type: 'first' }, { type: 'play' });
    for (let i = 0; i < 10 && stepper(s).playing; i++) s = run(s, env, { type: 'tick' });
    expect(stepper(s).playing).toBe(false);
    expect(hop(s).step).toBe('dnat');
    expect(s.status).toMatch(/focus stop/);
  });

  it('changes the speed within bounds', () => {
    let s = openScenario(2);
    const before = stepper(s).speed;
    s = run(s, env, { type: 'faster' });
    expect(stepper(s).speed).toBe(before + 1);
    for (let i = 0; i < 10; i++) s = run(s, env, { type: 'slower' });
    expect(stepper(s).speed).toBe(0);
    expect(s.status).toMatch(/slowest/);
  });

  it('toggles the observe panel with c', () => {
    let s = openScenario(2);
    s = run(s, env, { type: 'observe' });
    expect(stepper(s).observe).toBe(true);
    s = run(s, env, { type: 'observe' });
    expect(stepper(s).observe).toBe(false);
  });

  it('opens the DNS lookup panel with d, follows the answering query with Enter, and goes back with d', () => {
    let s = openScenario(2);
    s = run(s, env, { type: 'dns' });
    expect(stepper(s).panel).toBe(true);
    expect(stepper(s).track).toBe('main');
    s = run(s, env, { type: 'select' });
    expect(stepper(s).panel).toBe(false);
    expect(stepper(s).track).toBe('dns');
    expect(hop(s).packet.dst).toBe('10.96.0.10:53');
    s = run(s, env, { type: 'dns' });
    expect(stepper(s).track).toBe('main');
    // d toggles the panel; q closes it before leaving the stepper.
    s = run(s, env, { type: 'dns' }, { type: 'dns' });
    expect(stepper(s).panel).toBe(false);
    s = run(s, env, { type: 'dns' }, { type: 'back' });
    expect(stepper(s).panel).toBe(false);
    const podIp = run(openScenario(4), env, { type: 'dns' });
    expect(stepper(podIp).panel).toBe(false);
    expect(podIp.status).toMatch(/no DNS lookup/);
  });

  it('moves between hops that change the packet with Tab outside lessons', () => {
    let s = openScenario(2);
    s = run(s, env, { type: 'nextStop' });
    expect(hop(s).step).toBe('dnat');
    s = run(s, env, { type: 'nextStop' });
    expect(hop(s).step).toBe('route');
  });

  it('shows a trace without hops (NXDOMAIN) without crashing on any key', () => {
    let s = openScenario(9);
    expect(stepper(s).scenario).toBe('nxdomain');
    for (const type of ['next', 'prev', 'first', 'last', 'play', 'direction', 'observe', 'nextStop', 'down'] as const) s = run(s, env, { type });
    expect(stepperHops(stepper(s))).toHaveLength(0);
  });

  it('simulates a custom client and destination', () => {
    // Simulator -> custom -> pod-a -> the second destination (myapp by name)
    const s = run(start(env), env, { type: 'digit', digit: 3 }, { type: 'first' }, { type: 'select' }, { type: 'first' }, { type: 'select' }, { type: 'down' }, { type: 'select' });
    const st = stepper(s);
    expect(st.scenario).toBeNull();
    expect(st.result.ok).toBe(true);
    expect(st.result.ok && st.result.trace.request).toMatchObject({ from: 'default/pod-a', to: 'myapp.default.svc.cluster.local' });
  });

  it('scrolls the details with up/down, clamped to the content', () => {
    let s = run(openScenario(2), env, { type: 'next' }, { type: 'next' }, { type: 'next' }, { type: 'next' });
    s = run(s, env, { type: 'down' }, { type: 'down' });
    expect(stepper(s).scroll).toBe(2);
    for (let i = 0; i < 50; i++) s = run(s, env, { type: 'pageDown' });
    const bottom = stepper(s).scroll;
    expect(bottom).toBeGreaterThan(2);
    expect(bottom).toBeLessThan(100);
    expect(run(s, env, { type: 'down' })).toBe(s);
    s = run(s, env, { type: 'up' });
    expect(stepper(s).scroll).toBe(bottom - 1);
  });

  it('scrolls the screen-reader transcript from the current hop, clamped both ways', () => {
    const sr = makeEnv({ display: { ascii: false, color: false, screenReader: true } });
    let s = run(start(sr), sr, { type: 'digit', digit: 3 }, { type: 'digit', digit: 2 }, { type: 'next' }, { type: 'next' }, { type: 'next' }, { type: 'next' });
    s = run(s, sr, { type: 'down' });
    expect(stepper(s).scroll).toBe(1);
    for (let i = 0; i < 60; i++) s = run(s, sr, { type: 'pageDown' });
    const bottom = stepper(s).scroll;
    s = run(s, sr, { type: 'up' });
    expect(stepper(s).scroll).toBe(bottom - 1);
    for (let i = 0; i < 60; i++) s = run(s, sr, { type: 'pageUp' });
    expect(stepper(s).scroll).toBe(0);
  });

  it('clears the status line on the next key', () => {
    let s = run(openScenario(2), env, { type: 'prev' });
    expect(s.status).not.toBeNull();
    s = run(s, env, { type: 'next' });
    expect(s.status).toBeNull();
  });
});

describe('resize', () => {
  it('records the new size', () => {
    const s = run(start(env), env, { type: 'resize', size: { columns: 40, rows: 12 } });
    expect(s.size).toEqual({ columns: 40, rows: 12 });
  });
});

describe('a lesson read to the end', () => {
  it('keeps saying so in the lessons list after paging back, in this session and the next', () => {
    const env = makeEnv();
    const last = env.lessons[0]!.pages.length - 1;
    let s = run(start(env, { screen: 'lesson', lesson: 1 }), env, ...Array.from({ length: last }, () => ({ type: 'next' as const })));
    expect(s.finished).toEqual([1]);
    s = run(s, env, { type: 'first' });
    expect(lessonStateText(s, env, 1)).toBe(`read to the end; now on page 1 of ${last + 1}`);
    const next = initialState({ start: { screen: 'home' }, size: { columns: 80, rows: 24 }, env, positions: { 1: { page: 0, hop: null } }, finished: [1] });
    expect(lessonStateText(next, env, 1)).toBe(`read to the end; now on page 1 of ${last + 1}`);
    expect(lessonStateText(next, env, 2)).toBe('not started');
  });
});

describe('a number that could go on', () => {
  it('says it waits for a second digit in a menu of ten or more, then opens item 12', () => {
    const env = makeEnv();
    let s = run(start(env, { screen: 'simulator' }), env, { type: 'digit', digit: 1 });
    expect(s.status).toBe('1: type the next digit, or Enter for item 1.');
    expect(current(s)).toMatchObject({ kind: 'simulator', stage: 'start' });
    s = run(s, env, { type: 'digit', digit: 2 });
    expect(current(s)).toMatchObject({ kind: 'simulator', stage: 'group', group: 'compare' });
  });
});
