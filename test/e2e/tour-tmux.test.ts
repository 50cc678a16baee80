// The packed package in a real 80x24 terminal: open lesson 1, step to the DNAT hop, read the
// rewritten destination, go back, quit, and check the exit code.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAndInstall, type Installed } from '../support/packed.js';
import { hasTmux, TourSessions, type TmuxSession } from '../support/tmux.js';

let installed: Installed;
const sessions = new TourSessions('kpt-e2e');

beforeAll(() => {
  installed = packAndInstall();
}, 120_000);

afterAll(() => sessions.killAll());

function start(args: string, env: Record<string, string> = {}, size = { cols: 80, rows: 24 }): TmuxSession {
  const config = mkdtempSync(join(tmpdir(), 'kpt-config-'));
  return sessions.start(installed.bin, args, { KUBE_PACKET_TOUR_CONFIG_DIR: config, ...env }, size);
}

const fits = (screen: string, cols: number) => screen.split('\n').every((l) => l.length <= cols);

// In CI a missing tmux must fail the run, not skip it (.ci/run installs tmux).
describe.skipIf(!hasTmux && !process.env.CI)('the tour in tmux at 80x24', () => {
  it('lesson 1: steps to the DNAT hop, reads the new destination, goes back and quits with 0', async () => {
    const t = start('lesson 1');
    await t.waitFor((s) => s.includes('Lesson 1') && s.includes('Page 1 of'), 'lesson 1, page 1');
    let screen = '';
    for (let page = 0; page < 12; page++) {
      screen = t.screen();
      if (screen.includes('Pod to Service, endpoint on another node')) break;
      t.send('n');
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(screen).toContain('Pod to Service, endpoint on another node');
    // Predictions off (a), so the simulation opens straight at its first focus stop: the DNAT hop.
    // (test/e2e/progress-tmux.test.ts answers the prediction instead.)
    t.send('a');
    await new Promise((r) => setTimeout(r, 250));
    t.send('Enter');
    screen = await t.waitFor((s) => s.includes('· dnat ·'), 'the DNAT hop');
    expect(screen).toMatch(/10\.244\.1\.10:43512 → ●10\.244\.2\.6:8080/);
    expect(screen).toContain('DNAT 10.96.1.20:80 → 10.244.2.6:8080');
    expect(fits(screen, 80)).toBe(true);
    // The frame never scrolls off: its title is still on the terminal's first row.
    expect(screen.split('\n')[0]).toContain('kube-packet-tour › Lesson 1');
    const hop = Number(/Hop (\d+) of/.exec(screen)?.[1]);
    t.send('Left');
    await t.waitFor((s) => s.includes(`Hop ${hop - 1} of`), 'one hop back');
    for (let i = 0; i < 6; i++) {
      t.send('q');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await t.exitCode()).toBe(0);
  }, 60_000);

  it('NO_COLOR and --ascii: no escape colours, no box drawing', async () => {
    const t = start('lesson 3 --ascii', { NO_COLOR: '1' });
    const screen = await t.waitFor((s) => s.includes('Lesson 3'), 'lesson 3');
    expect(screen).not.toMatch(/[─│┌┐└┘├┤═▶◀●→←]/);
    t.send('C-c');
    expect(await t.exitCode()).toBe(0);
  }, 30_000);

  it('a narrow 40-column terminal gets a single column that fits', async () => {
    const t = start('', {}, { cols: 40, rows: 20 });
    const screen = await t.waitFor((s) => s.includes('Lessons'), 'the home menu');
    expect(fits(screen, 40)).toBe(true);
    t.send('q');
    expect(await t.exitCode()).toBe(0);
  }, 30_000);
});
