// A lock file next to the progress file, so that read-merge-write is one step across processes.
// Created with O_EXCL; it holds "pid timestamp host". It is held for milliseconds, so one older
// than `staleMs`, or one whose process is gone (same host), is stale and is broken: renamed away
// (atomic, so two breakers cannot both take it) and checked to be the one judged stale.

import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockOptions {
  /** Give up waiting and break the lock after this long. */
  readonly timeoutMs: number;
  /** A lock file older than this is stale. */
  readonly staleMs: number;
}

export const DEFAULT_LOCK: LockOptions = { timeoutMs: 3000, staleMs: 10_000 };

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function processGone(content: string): boolean {
  const [pid, , host] = content.trim().split(' ');
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function breakLock(file: string, judged: string): void {
  const aside = `${file}.stale-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else broke or released it
  }
  const taken = readOrNull(aside);
  if (taken !== judged) {
    // We took a fresh lock that replaced the stale one: put it back unless another lock exists now.
    try {
      linkSync(aside, file);
    } catch {
      // a new lock is already there; the fresh owner will find its lock gone and merge anyway
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

/** Runs fn holding the lock. Errors creating the lock other than "it exists" are thrown (read-only directory). */
export function withLock<T>(file: string, options: LockOptions, fn: () => T): T {
  const token = `${process.pid} ${Date.now()} ${hostname()} ${Math.floor(Math.random() * 1e9)}\n`;
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, token);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const content = readOrNull(file);
    if (content !== null) {
      let age = 0;
      try {
        age = Date.now() - statSync(file).mtimeMs;
      } catch {
        continue; // released between our attempts
      }
      if (age > options.staleMs || processGone(content) || Date.now() - started > options.timeoutMs) {
        breakLock(file, content);
        continue;
      }
    }
    sleep(3 + Math.floor(Math.random() * 12));
  }
  try {
    return fn();
  } finally {
    if (readOrNull(file) === token) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  }
}
