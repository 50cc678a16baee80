// The running App under ink-testing-library: keys go through the real useInput, keymap and
// reducer. press() writes a key and waits two event-loop turns; waitForText polls.

import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App.js';
import { createMemoryProgress, type ProgressPort } from '../../src/ui/progress.js';
import type { Env, StartScreen } from '../../src/ui/state.js';
import { KEYS, makeEnv, press, waitFor, waitForText } from './helpers.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function mount(options: { env?: Env; start?: StartScreen; progress?: ProgressPort; columns?: number; rows?: number } = {}) {
  const env = options.env ?? makeEnv();
  const progress = options.progress ?? createMemoryProgress();
  const app = render(
    <App env={env} start={options.start ?? { screen: 'home' }} progress={progress} size={{ columns: options.columns ?? 80, rows: options.rows ?? 24 }} />,
  );
  cleanups.push(() => app.unmount());
  const frame = () => app.lastFrame() ?? '';
  return { ...app, frame, progress };
}

async function openCrossNode(app: ReturnType<typeof mount>): Promise<void> {
  await press(app.stdin, '3'); // Simulator
  await waitForText(app.frame, 'prepared scenario');
  await press(app.stdin, '2'); // the first scenario: cross-node-clusterip
  await waitForText(app.frame, 'Hop 1 of 33');
}

describe('navigation', () => {
  it('starts on the home menu with numbered choices, the Quiz among them', async () => {
    const app = mount();
    const frame = await waitForText(app.frame, 'Simulator');
    expect(frame).toMatch(/1\. Start: lesson 1/);
    expect(frame).toMatch(/2\. Lessons/);
    expect(frame).toMatch(/4\. Quiz/);
    expect(frame).toMatch(/6\. Quit/);
  });

  it('moves with arrows, opens with Enter, and goes back with q and Esc', async () => {
    const app = mount();
    await waitForText(app.frame, 'Lessons');
    await press(app.stdin, KEYS.down);
    await waitFor(app.frame, (f) => /› 2\. Lessons/.test(f), 'the cursor on Lessons');
    await press(app.stdin, KEYS.enter);
    let frame = await waitForText(app.frame, 'Second lesson');
    expect(frame).toContain('not started');
    await press(app.stdin, '1');
    await waitForText(app.frame, 'Page 1 of 3');
    await press(app.stdin, KEYS.right);
    await waitForText(app.frame, 'Page 2 of 3');
    await press(app.stdin, 'p');
    await waitForText(app.frame, 'Page 1 of 3');
    await press(app.stdin, 'q');
    frame = await waitForText(app.frame, 'Second lesson');
    expect(frame).toContain('page 1 of 3');
    await press(app.stdin, KEYS.escape);
    await waitForText(app.frame, 'Continue: lesson 1');
  });

  it('writes lesson positions through to the progress port', async () => {
    const progress = createMemoryProgress();
    const app = mount({ progress, start: { screen: 'lesson', lesson: 1 } });
    await waitForText(app.frame, 'Page 1 of 3');
    await press(app.stdin, 'n');
    await waitForText(app.frame, 'Page 2 of 3');
    await waitFor(app.frame, () => progress.lessonPosition(1)?.page === 1, 'the saved position');
    expect(progress.lastLesson()).toBe(1);
  });

  it('resumes from the progress port', async () => {
    const progress = createMemoryProgress({ 1: { page: 1, hop: null } }, 1);
    const app = mount({ progress });
    await waitForText(app.frame, 'Continue: lesson 1');
    await press(app.stdin, KEYS.enter);
    await waitForText(app.frame, 'Page 2 of 3');
  });

  it('opens a lesson\'s simulation at its first focus stop', async () => {
    const app = mount({ start: { screen: 'lesson', lesson: 1 } });
    await waitForText(app.frame, 'Page 1 of 3');
    await press(app.stdin, 'n');
    await waitForText(app.frame, 'follow the packet');
    await press(app.stdin, KEYS.enter);
    const frame = await waitForText(app.frame, 'focus stop 1 of 3');
    expect(frame).toContain('dnat');
    await press(app.stdin, KEYS.tab);
    await waitForText(app.frame, 'focus stop 2 of 3');
  });
});

describe('the stepper', () => {
  it('steps forward and back with arrows and n/p', async () => {
    const app = mount();
    await openCrossNode(app);
    expect(app.frame()).toContain('▶pod-a◀');
    await press(app.stdin, KEYS.right);
    await waitForText(app.frame, 'Hop 2 of 33');
    await press(app.stdin, 'n');
    await waitForText(app.frame, 'Hop 3 of 33');
    // bridge-in is seen at the bridge port, the pod's veth (tcpdump -i cni0 never shows it).
    expect(app.frame()).toMatch(/▶veth\w+◀/);
    await press(app.stdin, KEYS.left);
    await waitForText(app.frame, 'Hop 2 of 33');
    await press(app.stdin, 'p');
    await waitForText(app.frame, 'Hop 1 of 33');
    await press(app.stdin, KEYS.end);
    await waitForText(app.frame, 'Hop 33 of 33');
    expect(app.frame()).toContain('delivered');
    await press(app.stdin, KEYS.home);
    await waitForText(app.frame, 'Hop 1 of 33');
  });

  it('marks the fields a hop changed with a symbol', async () => {
    const app = mount();
    await openCrossNode(app);
    for (let i = 0; i < 4; i++) await press(app.stdin, 'n');
    const frame = await waitForText(app.frame, 'Hop 5 of 33');
    expect(frame).toContain('dnat');
    expect(frame).toContain('10.244.1.10:43512 → ●10.244.2.6:8080');
    expect(frame).toContain('● changed by this hop');
    expect(frame).toContain('DNAT 10.96.1.20:80 → 10.244.2.6:8080');
    await press(app.stdin, 'n');
    const route = await waitForText(app.frame, 'Hop 6 of 33');
    expect(route).toContain('●TTL 63');
    expect(route).not.toContain('●10.244.2.6:8080');
  });

  it('marks changes with * in ASCII mode, with no box drawing', async () => {
    const app = mount({ env: makeEnv({ display: { ascii: true, color: false, screenReader: false } }) });
    await openCrossNode(app);
    for (let i = 0; i < 4; i++) await press(app.stdin, 'n');
    const frame = await waitForText(app.frame, 'Hop 5 of 33');
    expect(frame).toContain('10.244.1.10:43512 -> *10.244.2.6:8080');
    expect(frame).toContain('>cni0<');
    expect(frame).not.toMatch(/[^\x00-\x7f]/);
  });

  it('switches between request and reply with r', async () => {
    const app = mount();
    await openCrossNode(app);
    expect(app.frame()).toMatch(/Hop 1 of 33 · request/);
    await press(app.stdin, 'r');
    let frame = await waitForText(app.frame, 'Hop 19 of 33');
    expect(frame).toMatch(/reply/);
    expect(frame).toContain('Now following the reply');
    await press(app.stdin, 'r');
    frame = await waitForText(app.frame, 'Hop 1 of 33');
    expect(frame).toMatch(/request/);
  });

  it('shows the command for the hop with c', async () => {
    const app = mount();
    await openCrossNode(app);
    for (let i = 0; i < 3; i++) await press(app.stdin, 'n');
    await waitForText(app.frame, 'Hop 4 of 33');
    await press(app.stdin, 'c');
    let frame = await waitForText(app.frame, '$ conntrack -L -d 10.96.1.20');
    expect(frame).toContain('On node-1, as root:');
    // A new entry is not listed before it is confirmed at the end of POSTROUTING.
    expect(frame).toContain('0 flow entries have been shown.');
    await press(app.stdin, 'n');
    frame = await waitForText(app.frame, 'Hop 5 of 33');
    expect(frame).toContain("$ iptables-save -t nat | grep -E");
    expect(frame).toContain('-j DNAT --to-destination 10.244.2.6:8080');
    await press(app.stdin, 'c');
    frame = await waitForText(app.frame, 'Rewrite');
    expect(frame).not.toContain('$ iptables-save');
  });

  it('plays with space and pauses again', async () => {
    const app = mount();
    await openCrossNode(app);
    await press(app.stdin, '+');
    await press(app.stdin, '+');
    await press(app.stdin, ' ');
    await waitForText(app.frame, 'playing');
    await waitFor(app.frame, (f) => !f.includes('Hop 1 of 33'), 'the first tick');
    await press(app.stdin, ' ');
    await waitForText(app.frame, 'paused');
  });

  it('goes back to the scenario list with q', async () => {
    const app = mount();
    await openCrossNode(app);
    await press(app.stdin, 'q');
    await waitForText(app.frame, 'prepared scenario');
  });
});

describe('help', () => {
  it('lists every key and closes with ? or q', async () => {
    const app = mount();
    await waitForText(app.frame, 'Simulator');
    await press(app.stdin, '?');
    let frame = await waitForText(app.frame, 'Everywhere');
    expect(frame).toContain('go back; on the home screen, quit');
    expect(frame).toContain('Menus and pickers');
    // Scroll to the stepper's keys.
    for (let i = 0; i < 40 && !(app.frame().includes('play, pause') && app.frame().includes('switch between the request and the reply')); i++) await press(app.stdin, KEYS.down);
    frame = await waitForText(app.frame, 'switch between the request and the reply');
    expect(frame).toContain('play, pause');
    await press(app.stdin, '?');
    await waitForText(app.frame, 'Start: lesson 1');
    await press(app.stdin, '5');
    await waitForText(app.frame, 'Everywhere');
    await press(app.stdin, 'q');
    await waitForText(app.frame, 'Start: lesson 1');
  });
});

describe('screen-reader mode', () => {
  it('numbers the choices, marks the selection in words and draws no boxes', async () => {
    const app = mount({ env: makeEnv({ display: { ascii: false, color: false, screenReader: true } }) });
    const frame = await waitForText(app.frame, '(selected)');
    expect(frame).toMatch(/1\. Start: lesson 1.*\(selected\)/);
    expect(frame).not.toMatch(/[─│┌┐└┘═▶◀●›]/);
  });

  it('reads the trace as numbered lines, one per hop, the current one first in detail', async () => {
    const app = mount({ env: makeEnv({ display: { ascii: false, color: false, screenReader: true } }) });
    await waitForText(app.frame, '(selected)');
    await press(app.stdin, '3');
    await waitForText(app.frame, 'prepared scenario');
    await press(app.stdin, '2');
    await waitForText(app.frame, 'Current hop. 1.');
    await press(app.stdin, 'n');
    const frame = await waitForText(app.frame, 'Current hop. 2.');
    expect(frame).toMatch(/\n3\. request, node-1, veth\w+, bridge/);
  });
});
