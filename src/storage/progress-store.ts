// The progress store: the only user of conf. It reads the progress document, recovers from a bad
// file, and writes every update merged with what is on disk right before the write.
//
//   corrupt JSON or a schema violation  the file is moved aside to progress.corrupt-<time>.json,
//                                       one notice says where, and progress starts afresh
//   an older version                    migrated; the old file is kept as progress.v<N>-<time>.json
//   a newer version                     left alone; progress is kept in memory, one notice
//   two writers                         each update runs under a lock file: re-read, merge, apply,
//                                       write (conf writes a temp file and renames it over)
//   a read-only or unusable directory   one notice; progress is kept in memory, the tour goes on
//
// Everything is synchronous: the document is a few kilobytes, and a write must be done before the
// process can be interrupted (a quiz saves after each answer).

import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { emptyProgress, mergeProgress, parseProgress, type ProgressDoc } from '../core/progress.js';
import { DEFAULT_LOCK, withLock, type LockOptions } from './lock.js';
import { PROGRESS_FILE } from './paths.js';

export interface ProgressStoreOptions {
  /** The directory of progress.json (conf's `cwd`). */
  readonly dir: string;
  /** The clock; tests pass a fixed one. */
  readonly now?: () => Date;
  readonly lock?: Partial<LockOptions>;
}

export interface ProgressStore {
  readonly dir: string;
  readonly file: string;
  /** False once progress can only be kept in memory (read-only directory, newer file). */
  readonly persistent: boolean;
  /** One-line messages for the learner, oldest first (a moved-aside file, a read-only directory). */
  readonly notices: readonly string[];
  /** Notices not yet taken; each is returned once. */
  takeNotices(): string[];
  /** The document as this process knows it. */
  doc(): ProgressDoc;
  /** Re-reads the file and merges it into what this process knows. */
  refresh(): ProgressDoc;
  /** Applies an update: under the lock, re-read, merge, apply, write. Returns the new document. */
  update(fn: (doc: ProgressDoc, now: string) => ProgressDoc): ProgressDoc;
}

type DiskRead =
  | { readonly kind: 'ok'; readonly doc: ProgressDoc; readonly migratedFrom: number | null }
  | { readonly kind: 'bad'; readonly reason: string }
  | { readonly kind: 'newer'; readonly reason: string };

const FS_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENOENT', 'EIO', 'ELOOP', 'ENAMETOOLONG', 'EBUSY']);

function fsCode(e: unknown): string | null {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && (FS_ERRORS.has(code) || code.startsWith('E')) ? code : null;
}

/** A file-name-safe stamp: 2025-01-31T12-00-00Z. */
function stamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

function freeName(dir: string, base: string, ext: string): string {
  let candidate = path.join(dir, `${base}${ext}`);
  for (let i = 2; existsSync(candidate); i++) candidate = path.join(dir, `${base}-${i}${ext}`);
  return candidate;
}

export function openProgressStore(options: ProgressStoreOptions): ProgressStore {
  const dir = path.resolve(options.dir);
  const file = path.join(dir, PROGRESS_FILE);
  const lockFile = `${file}.lock`;
  const lock: LockOptions = { ...DEFAULT_LOCK, ...options.lock };
  const now = options.now ?? (() => new Date());
  const notices: string[] = [];
  let fresh = 0;
  let memory = emptyProgress();
  let persistent = true;
  let conf: Conf<Record<string, unknown>> | null = null;

  const notice = (line: string): void => {
    notices.push(line);
  };

  const goMemory = (e: unknown, doing: string): void => {
    if (!persistent) return;
    persistent = false;
    const code = fsCode(e) ?? 'error';
    const why = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'the directory is read-only' : `${doing} failed`;
    notice(`Progress cannot be saved in ${dir} (${why}: ${code}); this session keeps it in memory only.`);
  };

  const getConf = (): Conf<Record<string, unknown>> => {
    // conf reads the file in its constructor, so a corrupt file throws here as well as on a read.
    conf ??= new Conf<Record<string, unknown>>({ cwd: dir, configName: 'progress', projectName: 'kube-packet-tour', accessPropertiesByDotNotation: false, configFileMode: 0o600, clearInvalidConfig: false });
    return conf;
  };

  const readDisk = (): DiskRead => {
    let raw: unknown;
    try {
      raw = getConf().store;
    } catch (e) {
      if (e instanceof SyntaxError) return { kind: 'bad', reason: 'not valid JSON' };
      const code = fsCode(e);
      if (code === 'EACCES' || code === 'EPERM' || code === 'EISDIR' || code === 'EIO') return { kind: 'bad', reason: `unreadable: ${code}` };
      throw e;
    }
    const parsed = parseProgress(raw);
    if (parsed.ok) return { kind: 'ok', doc: parsed.doc, migratedFrom: parsed.migratedFrom };
    if (parsed.newerVersion !== null) return { kind: 'newer', reason: parsed.reason };
    return { kind: 'bad', reason: `not a progress document: ${parsed.reason}` };
  };

  const moveAside = (reason: string): void => {
    const backup = freeName(dir, `progress.corrupt-${stamp(now())}`, '.json');
    try {
      renameSync(file, backup);
    } catch (e) {
      if (fsCode(e) === 'ENOENT') return; // another process moved it first
      throw e;
    }
    notice(`Your progress file was ${reason}; it was moved to ${backup}, and progress starts afresh.`);
  };

  const write = (doc: ProgressDoc): void => {
    getConf().store = doc as unknown as Record<string, unknown>;
  };

  /** Under the lock: what is on disk now, recovered and migrated, or null when the file must be left alone. */
  let mustWrite = false;
  const loadForWrite = (): ProgressDoc | null => {
    const read = readDisk();
    switch (read.kind) {
      case 'ok':
        if (read.migratedFrom !== null && existsSync(file)) {
          copyFileSync(file, freeName(dir, `progress.v${read.migratedFrom}-${stamp(now())}`, '.json'));
          mustWrite = true;
        }
        return read.doc;
      case 'bad':
        moveAside(read.reason);
        return emptyProgress();
      case 'newer':
        persistent = false;
        notice(`Your progress file ${file} is from a newer kube-packet-tour (${read.reason}); it is left as it is, and this session keeps progress in memory only.`);
        return null;
    }
  };

  const sync = (fn: ((doc: ProgressDoc, now: string) => ProgressDoc) | null): ProgressDoc => {
    if (persistent) {
      try {
        mkdirSync(dir, { recursive: true });
        return withLock(lockFile, lock, () => {
          const disk = loadForWrite();
          if (disk === null) return (memory = fn === null ? memory : fn(memory, now().toISOString()));
          const merged = mergeProgress(disk, memory);
          const next = fn === null ? merged : fn(merged, now().toISOString());
          if (fn !== null || mustWrite) write(next);
          mustWrite = false;
          memory = next;
          return memory;
        });
      } catch (e) {
        if (fsCode(e) === null) throw e;
        goMemory(e, 'writing');
      }
    }
    if (fn !== null) memory = fn(memory, now().toISOString());
    return memory;
  };

  // Opening: make sure the directory is usable, recover or migrate the file, know what is in it.
  sync(null);

  return {
    dir,
    file,
    get persistent() {
      return persistent;
    },
    get notices() {
      return [...notices];
    },
    takeNotices() {
      const out = notices.slice(fresh);
      fresh = notices.length;
      return out;
    },
    doc: () => memory,
    refresh: () => {
      if (!persistent) return memory;
      try {
        const read = readDisk();
        if (read.kind === 'ok') memory = mergeProgress(read.doc, memory);
      } catch (e) {
        if (fsCode(e) === null) throw e;
      }
      return memory;
    },
    update: (fn) => sync(fn),
  };
}
