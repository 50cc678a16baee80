// The progress store on a real file system: recovery from corrupt and invalid files, migration,
// a newer file left alone, two (here four) processes writing at once, a stale lock, a read-only
// directory. Every test uses its own temporary directory, never the real config directory.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyProgress, lessonSummary, PROGRESS_VERSION, recordPrediction, savePosition } from '../../src/core/progress.js';
import { openProgressStore } from '../../src/storage/progress-store.js';
import { storedProgress } from '../../src/storage/port.js';
import { defaultConfigDir, progressDir } from '../../src/storage/paths.js';
import type { ProgressPort } from '../../src/ui/progress.js';

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kpt-store-'));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of temps) {
    try {
      chmodSync(d, 0o755);
    } catch {}
    rmSync(d, { recursive: true, force: true });
  }
});

const fixed = (iso: string) => () => new Date(iso);
const fileIn = (dir: string) => path.join(dir, 'progress.json');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

let worker = '';
beforeAll(async () => {
  const out = temp();
  chmodSync(out, 0o755);
  worker = path.join(out, 'worker.mjs');
  await build({
    entryPoints: [new URL('../support/quiz-store-worker.ts', import.meta.url).pathname],
    outfile: worker,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);" },
  });
  chmodSync(worker, 0o644);
}, 60_000);

describe('progress store', () => {
  it('creates nothing until something is recorded, then reads it back', () => {
    const dir = path.join(temp(), 'nested', 'config');
    const store = openProgressStore({ dir, now: fixed('2026-03-01T10:00:00.000Z') });
    expect(store.persistent).toBe(true);
    expect(existsSync(fileIn(dir))).toBe(false);
    const port = storedProgress(store);
    const asUiPort: ProgressPort = port; // the UI's port, structurally
    asUiPort.savePosition(4, 2, 7);
    port.finishLesson(3);
    port.setPreference('speed', 'fast');
    expect(readJson(fileIn(dir))).toMatchObject({ schema: 'kube-packet-tour/progress', version: PROGRESS_VERSION, lessons: { '4': { page: 2, hop: 7 } } });
    const again = storedProgress(openProgressStore({ dir }));
    expect(again.lessonPosition(4)).toEqual({ page: 2, hop: 7 });
    expect(again.lesson(3).status).toBe('finished');
    expect(again.lastLesson()).toBe(3);
    expect(again.preferences()).toEqual({ predictions: true, speed: 'fast', color: 'auto' });
    expect(again.takeNotices()).toEqual([]);
  });

  it.each([
    ['corrupt JSON', '{"schema": "kube-packet-tour/progress", "version": 2, "lessons": {', /not valid JSON/],
    ['an empty file', '', /not valid JSON/],
    ['a schema violation', JSON.stringify({ ...emptyProgress(), lessons: { '2': { page: 'two' } } }), /not a progress document: lessons\.2\.startedAt/],
  ])('%s: moved aside to a dated backup, one notice, fresh progress', (_, content, reason) => {
    const dir = temp();
    writeFileSync(fileIn(dir), content);
    const store = openProgressStore({ dir, now: fixed('2026-03-01T10:20:30.000Z') });
    const backup = path.join(dir, 'progress.corrupt-2026-03-01T10-20-30Z.json');
    expect(readFileSync(backup, 'utf8')).toBe(content);
    const notices = store.takeNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(reason);
    expect(notices[0]).toContain(backup);
    expect(notices[0]).not.toContain('\n');
    expect(store.takeNotices()).toEqual([]);
    expect(store.doc()).toEqual(emptyProgress());
    store.update((d, now) => savePosition(d, 1, 1, null, now));
    expect(readJson(fileIn(dir)).lessons['1'].page).toBe(1);
    // A second corrupt file the same second gets its own name.
    writeFileSync(fileIn(dir), '{{');
    openProgressStore({ dir, now: fixed('2026-03-01T10:20:30.000Z') });
    expect(existsSync(path.join(dir, 'progress.corrupt-2026-03-01T10-20-30Z-2.json'))).toBe(true);
  });

  it('migrates a version 1 file, keeping the old file', () => {
    const dir = temp();
    const v1 = { version: 1, lessons: { '6': { page: 4, hop: 2, done: false, updated: '2025-12-01T08:00:00.000Z' } }, lastLesson: 6, quizzes: [{ seed: 42, score: 3, total: 5, date: '2025-12-02T08:00:00.000Z' }] };
    writeFileSync(fileIn(dir), JSON.stringify(v1));
    const store = openProgressStore({ dir, now: fixed('2026-03-01T00:00:00.000Z') });
    expect(store.takeNotices()).toEqual([]);
    const port = storedProgress(store);
    expect(port.lessonPosition(6)).toEqual({ page: 4, hop: 2 });
    expect(port.lastLesson()).toBe(6);
    expect(readJson(fileIn(dir))).toMatchObject({ version: PROGRESS_VERSION, lessons: { '6': { page: 4 } } });
    expect(readJson(path.join(dir, 'progress.v1-2026-03-01T00-00-00Z.json'))).toEqual(v1);
  });

  it('leaves a file from a newer version alone and keeps progress in memory', () => {
    const dir = temp();
    const newer = JSON.stringify({ version: PROGRESS_VERSION + 1, future: true });
    writeFileSync(fileIn(dir), newer);
    const store = openProgressStore({ dir });
    expect(store.persistent).toBe(false);
    expect(store.takeNotices()[0]).toMatch(/newer kube-packet-tour .*memory only/);
    store.update((d, now) => savePosition(d, 2, 3, null, now));
    expect(store.doc().lessons['2']?.page).toBe(3);
    expect(readFileSync(fileIn(dir), 'utf8')).toBe(newer);
  });

  it('merges with what another process wrote in between', () => {
    const dir = temp();
    const a = openProgressStore({ dir });
    const b = openProgressStore({ dir });
    a.update((d, now) => savePosition(d, 1, 5, null, now));
    b.update((d, now) => savePosition(d, 2, 6, null, now));
    a.update((d, now) => recordPrediction(d, { id: 'x', lesson: 1, page: 5, at: 'dnat', ask: 'rewrite', correct: true, answeredAt: now }));
    const doc = readJson(fileIn(dir));
    expect(Object.keys(doc.lessons).sort()).toEqual(['1', '2']);
    expect(doc.predictions).toHaveLength(1);
    expect(lessonSummary(b.refresh(), 1).page).toBe(5);
  });

  it('four processes writing at once lose nothing', async () => {
    const dir = temp();
    const N = 40;
    const runs = [1, 2, 3, 4].map(
      (id) =>
        new Promise<number | null>((resolve) => {
          const p = spawn(process.execPath, [worker, dir, 'write', String(id), String(N)], { stdio: ['ignore', 'ignore', 'inherit'] });
          p.on('exit', (code) => resolve(code));
        }),
    );
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
    const doc = readJson(fileIn(dir));
    expect(doc.predictions).toHaveLength(4 * N);
    for (const id of [1, 2, 3, 4]) expect(doc.lessons[String(id)].page).toBe(N - 1);
    expect(readdirSync(dir).filter((f) => f.includes('.lock') || f.includes('.tmp'))).toEqual([]);
  }, 60_000);

  it('breaks a stale lock left by a process that died', () => {
    const dir = temp();
    writeFileSync(path.join(dir, 'progress.json.lock'), `999999 ${Date.now()} ${'some-other-host'} 1\n`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path.join(dir, 'progress.json.lock'), old, old);
    const started = Date.now();
    const store = openProgressStore({ dir });
    store.update((d, now) => savePosition(d, 1, 1, null, now));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(existsSync(path.join(dir, 'progress.json.lock'))).toBe(false);
    expect(readJson(fileIn(dir)).lessons['1'].page).toBe(1);
  });

  it('a read-only directory: one clear notice, progress kept in memory, no crash', () => {
    const dir = temp();
    chmodSync(dir, 0o555);
    const asRoot = process.getuid?.() === 0;
    // root ignores directory permissions, so the check runs as "nobody" in a child process.
    const r = asRoot
      ? spawnSync(process.execPath, [worker, dir, 'probe'], { encoding: 'utf8', uid: 65534, gid: 65534 })
      : spawnSync(process.execPath, [worker, dir, 'probe'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const probe = JSON.parse(r.stdout);
    expect(probe.persistent).toBe(false);
    expect(probe.page).toBe(2);
    expect(probe.notices).toHaveLength(1);
    expect(probe.notices[0]).toMatch(/Progress cannot be saved in .* \(the directory is read-only: (EACCES|EPERM|EROFS)\); this session keeps it in memory only\./);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a path that cannot be a directory: the same, in process', () => {
    const parent = temp();
    writeFileSync(path.join(parent, 'file'), 'x');
    const store = openProgressStore({ dir: path.join(parent, 'file', 'config') });
    expect(store.persistent).toBe(false);
    expect(store.takeNotices()[0]).toMatch(/Progress cannot be saved .*ENOTDIR/);
    store.update((d, now) => savePosition(d, 1, 4, null, now));
    expect(store.doc().lessons['1']?.page).toBe(4);
  });

  it('finds its directory: KUBE_PACKET_TOUR_CONFIG_DIR, else the platform config directory', () => {
    expect(progressDir({ KUBE_PACKET_TOUR_CONFIG_DIR: '/tmp/kpt-x' })).toBe('/tmp/kpt-x');
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/a')).toBe('/xdg/kube-packet-tour-nodejs');
    expect(defaultConfigDir({}, 'linux', '/home/a')).toBe('/home/a/.config/kube-packet-tour-nodejs');
    expect(defaultConfigDir({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Preferences/kube-packet-tour-nodejs');
  });
});

describe('finished lessons', () => {
  it('stay finished after the learner pages back, and across a reopen', () => {
    const dir = temp();
    const port = storedProgress(openProgressStore({ dir }));
    port.startLesson(4);
    port.finishLesson(4);
    port.savePosition(4, 0, null);
    port.startLesson(2);
    expect(port.finishedLessons()).toEqual([4]);
    expect(storedProgress(openProgressStore({ dir })).finishedLessons()).toEqual([4]);
  });
});
