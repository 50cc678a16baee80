// The packed package in a real 80x24 terminal, with its progress in a temporary config directory:
// answer a prediction in lesson 1, quit, start again, Continue returns to the same hop, and
// `kube-packet-tour progress --json` shows the prediction.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAndInstall, type Installed } from '../support/packed.js';
import { hasTmux, TourSessions, type TmuxSession } from '../support/tmux.js';

let installed: Installed;
const sessions = new TourSessions('kpt-e2e-progress');

beforeAll(() => {
  installed = packAndInstall();
}, 120_000);

afterAll(() => sessions.killAll());

function start(args: string, configDir: string, size = { cols: 80, rows: 24 }): TmuxSession {
  return sessions.start(installed.bin, args, { KUBE_PACKET_TOUR_CONFIG_DIR: configDir }, size);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fits = (screen: string, cols: number) => screen.split('\n').every((l) => l.length <= cols);

describe.skipIf(!hasTmux && !process.env.CI)('progress in tmux', () => {
  it('a prediction in lesson 1 is recorded, and Continue returns to the same hop after a restart', async () => {
    const config = mkdtempSync(join(tmpdir(), 'kpt-config-'));
    const t = start('lesson 1', config);
    await t.waitFor((s) => s.includes('Lesson 1') && s.includes('Page 1 of'), 'lesson 1, page 1');
    // The first page with a prediction: the lesson text says "Think first".
    let screen = '';
    for (let page = 0; page < 12; page++) {
      screen = t.screen();
      if (screen.includes('Think first')) break;
      t.send('n');
      await sleep(250);
    }
    expect(screen).toContain('Think first');
    t.send('Enter');
    // The stepper opens at its first focus stop; Tab moves on until the prediction opens.
    for (let i = 0; i < 6 && !t.screen().includes('Before hop'); i++) {
      await t.waitFor((s) => s.includes('Hop ') || s.includes('Before hop'), 'the stepper');
      if (t.screen().includes('Before hop')) break;
      t.send('Tab');
      await sleep(300);
    }
    screen = await t.waitFor((s) => s.includes('Before hop'), 'the prediction');
    expect(fits(screen, 80)).toBe(true);
    expect(screen.split('\n')[0]).toContain('kube-packet-tour › Lesson 1');
    const hop = Number(/Before hop (\d+) of/.exec(screen)?.[1]);
    t.send('1');
    screen = await t.waitFor((s) => s.includes('Why:'), 'the hop with the explanation');
    expect(screen).toContain(`Hop ${hop} of`);
    expect(fits(screen, 80)).toBe(true);
    for (let i = 0; i < 6; i++) {
      t.send('q');
      await sleep(200);
    }
    expect(await t.exitCode()).toBe(0);

    const again = start('', config);
    await again.waitFor((s) => s.includes('Continue: lesson 1'), 'Continue on the home screen');
    again.send('Enter');
    screen = await again.waitFor((s) => s.includes(`Hop ${hop} of`), `hop ${hop} again`);
    expect(screen).not.toContain('Before hop');
    again.send('C-c');
    expect(await again.exitCode()).toBe(0);

    const json = execFileSync('node', [installed.bin, 'progress', '--json'], { env: { ...process.env, KUBE_PACKET_TOUR_CONFIG_DIR: config }, encoding: 'utf8' });
    const doc = JSON.parse(json) as { lastLesson: number; lessons: { lesson: number; hop: number | null; predictions: number; predictionsRight: number }[] };
    expect(doc.lastLesson).toBe(1);
    const one = doc.lessons.find((l) => l.lesson === 1)!;
    expect(one.predictions).toBe(1);
    expect(one.hop).toBe(hop - 1);
  }, 90_000);
});
