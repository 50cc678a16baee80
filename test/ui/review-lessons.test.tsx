// The review's findings on the bundled lessons, through the running App: lesson 1's DNS lookup
// simulation shows the search walk with d, and lesson 10's two simulations on page 3 keep
// their own positions.

import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLessons } from '../../src/content/index.js';
import { App } from '../../src/ui/App.js';
import { createMemoryProgress } from '../../src/ui/progress.js';
import type { StartScreen } from '../../src/ui/state.js';
import { KEYS, makeEnv, press, waitFor, waitForText } from './helpers.js';

const env = makeEnv({ lessons: loadLessons() });
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function mount(start: StartScreen, columns = 120, rows = 40) {
  const app = render(<App env={env} start={start} progress={createMemoryProgress({}, null, { predictions: false })} size={{ columns, rows }} />);
  cleanups.push(() => app.unmount());
  return { ...app, frame: () => app.lastFrame() ?? '' };
}

/** Pages forward until the page's text contains `text`. */
async function pageTo(app: ReturnType<typeof mount>, text: string): Promise<void> {
  for (let i = 0; i < 20 && !app.frame().includes(text); i++) await press(app.stdin, KEYS.right);
  await waitForText(app.frame, text);
}

describe('the bundled lessons', () => {
  it('lesson 1: d in the DNS lookup simulation lists the search walk in order, and resolv.conf', async () => {
    const app = mount({ screen: 'lesson', lesson: 1 });
    await pageTo(app, 'The DNS query itself');
    await press(app.stdin, KEYS.enter);
    await waitForText(app.frame, 'Hop ');
    await press(app.stdin, 'd');
    const frame = await waitForText(app.frame, 'Queries to');
    expect(frame).not.toContain('No name was resolved');
    expect(frame).toMatch(/1 A myapp\.default\.svc\.cluster\.local\.default\.svc\.cluster\.local\. NXDOMAIN/);
    expect(frame).toMatch(/7 A myapp\.default\.svc\.cluster\.local\. NOERROR 10\.96\.1\.20/);
    expect(frame).toContain('options ndots:5');
    expect(frame.indexOf(' 1 A ')).toBeLessThan(frame.indexOf(' 7 A '));
    await press(app.stdin, 'd');
    await waitFor(app.frame, (f) => !f.includes('Queries to'), 'the panel closed');
  });

  it('lesson 10 page 3: the first simulation opens at its own first stop after the second was used, and Tab moves on', async () => {
    const app = mount({ screen: 'lesson', lesson: 10 });
    await pageTo(app, 'One last run');
    await press(app.stdin, '2');
    await waitForText(app.frame, 'un-dnat');
    await press(app.stdin, 'q');
    await waitForText(app.frame, 'One last run');
    await press(app.stdin, KEYS.enter);
    const frame = await waitForText(app.frame, 'focus stop 1 of');
    expect(frame).toMatch(/request · dnat/);
    expect(frame).not.toContain('Hop 31 of 33');
    await press(app.stdin, KEYS.tab);
    await waitForText(app.frame, 'focus stop 2 of');
  });

  it('lesson stepper footer at 80 columns shows Tab', async () => {
    const app = mount({ screen: 'lesson', lesson: 10 }, 80, 24);
    await pageTo(app, 'One last run');
    await press(app.stdin, KEYS.enter);
    const frame = await waitForText(app.frame, 'focus stop 1 of');
    expect(frame.split('\n').at(-1)).toContain('Tab next stop');
  });
});

describe('the stored position', () => {
  it('keeps a hop of the second simulation on a page out of the store (it would reopen in the first)', async () => {
    const progress = createMemoryProgress({}, null, { predictions: false });
    const app = render(<App env={env} start={{ screen: 'lesson', lesson: 10 }} progress={progress} size={{ columns: 120, rows: 40 }} />);
    cleanups.push(() => app.unmount());
    const frame = () => app.lastFrame() ?? '';
    for (let i = 0; i < 20 && !frame().includes('One last run'); i++) await press(app.stdin, KEYS.right);
    await press(app.stdin, '2');
    await waitForText(frame, 'un-dnat');
    await press(app.stdin, KEYS.right);
    await waitFor(frame, () => progress.lessonPosition(10)?.page === 2, 'the page saved');
    expect(progress.lessonPosition(10)?.hop).toBeNull();
    await press(app.stdin, 'q');
    await press(app.stdin, KEYS.enter);
    await waitForText(frame, 'focus stop 1 of');
    await press(app.stdin, KEYS.right);
    await waitFor(frame, () => typeof progress.lessonPosition(10)?.hop === 'number', 'the first simulation hop saved');
  });
});
