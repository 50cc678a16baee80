// Finding and removing what a lab left behind: its namespaces (and every process inside them),
// its /etc/netns directories, its capture directory and its marker file. Works from the names
// alone (prefix kpt-<6 hex>-), so it also cleans up after a run that was killed with SIGKILL.

import { existsSync, readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './exec.js';
import { LAB_NAME_RE } from './plan.js';

export const MARKER_DIR = '/run/kpt-lab';

export interface Marker {
  readonly runId: string;
  readonly pid: number;
  readonly mode: 'verify' | 'up';
  readonly started: string;
  readonly namespaces: readonly string[];
}

export function writeMarker(m: Marker): void {
  mkdirSync(MARKER_DIR, { recursive: true });
  writeFileSync(join(MARKER_DIR, `${m.runId}.json`), `${JSON.stringify(m)}\n`);
}

function readMarker(runId: string): Marker | null {
  try {
    return JSON.parse(readFileSync(join(MARKER_DIR, `${runId}.json`), 'utf8')) as Marker;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('lab');
  } catch {
    return false;
  }
}

export async function labNamespaces(): Promise<string[]> {
  const r = await run(['ip', 'netns', 'list'], { allowFail: true });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => LAB_NAME_RE.test(n));
}

export function labTmpDir(runId: string): string {
  return join(tmpdir(), `kpt-lab-${runId}`);
}

export interface Leftovers {
  readonly runIds: readonly string[];
  readonly namespaces: readonly string[];
}

export async function findLeftovers(): Promise<Leftovers> {
  const namespaces = await labNamespaces();
  const ids = new Set(namespaces.map((n) => LAB_NAME_RE.exec(n)![1]!));
  for (const dir of ['/etc/netns']) {
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir)) {
      const m = LAB_NAME_RE.exec(e);
      if (m) ids.add(m[1]!);
    }
  }
  if (existsSync(MARKER_DIR)) for (const e of readdirSync(MARKER_DIR)) { const m = /^([0-9a-f]{6})\.json$/.exec(e); if (m) ids.add(m[1]!); }
  for (const e of safeReaddir(tmpdir())) { const m = /^kpt-lab-([0-9a-f]{6})$/.exec(e); if (m) ids.add(m[1]!); }
  return { runIds: [...ids].sort(), namespaces };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function killNamespaceProcesses(ns: string): Promise<void> {
  for (const signal of ['TERM', 'KILL'] as const) {
    const r = await run(['ip', 'netns', 'pids', ns], { allowFail: true });
    const pids = r.stdout.split(/\s+/).map(Number).filter((p) => Number.isInteger(p) && p > 1 && p !== process.pid);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, signal === 'TERM' ? 'SIGTERM' : 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    // Give them a moment to go.
    for (let i = 0; i < 20; i++) {
      const again = await run(['ip', 'netns', 'pids', ns], { allowFail: true });
      if (again.stdout.trim() === '') return;
      await new Promise((r2) => setTimeout(r2, 50));
    }
  }
}

/** Removes one run's namespaces, processes, files. Safe to call twice. */
export async function removeRun(runId: string, knownNamespaces?: readonly string[]): Promise<string[]> {
  const prefix = `kpt-${runId}-`;
  const all = knownNamespaces ?? (await labNamespaces());
  const mine = all.filter((n) => n.startsWith(prefix));
  const removed: string[] = [];
  // Processes first: a namespace with a process in it outlives `ip netns del`.
  await Promise.all(mine.map((ns) => killNamespaceProcesses(ns)));
  for (const ns of mine) {
    const r = await run(['ip', 'netns', 'del', ns], { allowFail: true });
    if (r.code === 0) removed.push(ns);
  }
  if (existsSync('/etc/netns')) {
    for (const e of readdirSync('/etc/netns')) if (e.startsWith(prefix)) rmSync(join('/etc/netns', e), { recursive: true, force: true });
  }
  rmSync(labTmpDir(runId), { recursive: true, force: true });
  rmSync(join(MARKER_DIR, `${runId}.json`), { force: true });
  return removed;
}

export interface DownResult {
  readonly removed: readonly string[];
  /** Runs left alone because their verify process is still running. */
  readonly busy: readonly { readonly runId: string; readonly pid: number }[];
}

/** `lab down`: remove every lab on this machine, except a verify run still in progress (unless force). */
export async function labDown(options: { readonly force?: boolean; readonly exceptRunId?: string } = {}): Promise<DownResult> {
  const left = await findLeftovers();
  const removed: string[] = [];
  const busy: { runId: string; pid: number }[] = [];
  for (const id of left.runIds) {
    if (id === options.exceptRunId) continue;
    const marker = readMarker(id);
    if (!options.force && marker && marker.mode === 'verify' && marker.pid !== process.pid && pidAlive(marker.pid)) {
      busy.push({ runId: id, pid: marker.pid });
      continue;
    }
    removed.push(...(await removeRun(id, left.namespaces)));
  }
  return { removed, busy };
}
