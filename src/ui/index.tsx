// The interactive tour's entry point, imported lazily by cli.ts (the plain path never loads Ink).

import { render } from 'ink';
import { loadLessons } from '../content/index.js';
import type { Lesson } from '../content/types.js';
import { BUILTIN_CLUSTER } from '../core/cluster/builtin.js';
import type { ClusterModel } from '../core/cluster/model.js';
import { simulate } from '../core/trace.js';
import { openProgressStore, progressDir, storedProgress } from '../storage/index.js';
import { App } from './App.js';
import { createMemoryProgress, type ProgressPort } from './progress.js';
import type { Env, StartScreen } from './state.js';

export type { ProgressPort, LessonPosition } from './progress.js';
export { createMemoryProgress } from './progress.js';

export interface TourOptions {
  readonly start: StartScreen;
  readonly ascii: boolean;
  readonly color: boolean;
  readonly screenReader: boolean;
  readonly cluster: ClusterModel;
  /** Where progress is kept; by default the store in progressDir(process.env). */
  readonly progress?: ProgressPort;
  /** The lessons to offer; the bundled ones by default. */
  readonly lessons?: readonly Lesson[];
}

export function tourEnv(opts: Pick<TourOptions, 'ascii' | 'color' | 'screenReader' | 'cluster' | 'lessons'>): Env {
  return {
    lessons: opts.lessons ?? loadLessons(),
    cluster: opts.cluster,
    builtin: BUILTIN_CLUSTER,
    simulate,
    display: { ascii: opts.ascii, color: opts.color, screenReader: opts.screenReader },
  };
}

/**
 * The real progress store (KUBE_PACKET_TOUR_CONFIG_DIR or the platform's config directory). The
 * store itself copes with corrupt files and read-only directories (one notice each); should it
 * still fail to open, the tour runs on an in-memory port and says so once.
 */
export function openProgress(env: NodeJS.ProcessEnv): ProgressPort {
  try {
    return storedProgress(openProgressStore({ dir: progressDir(env) }));
  } catch (e) {
    const memory = createMemoryProgress();
    memory.notice(`Progress is not saved this time (${e instanceof Error ? e.message : String(e)}).`);
    return memory;
  }
}

/** Runs the tour until the learner quits (q on the home screen, or Ctrl+C). Returns the exit code. */
export async function runTour(opts: TourOptions): Promise<number> {
  const env = tourEnv(opts);
  const progress = opts.progress ?? openProgress(process.env);
  const instance = render(<App env={env} start={opts.start} progress={progress} />, {
    exitOnCtrlC: true,
    isScreenReaderEnabled: opts.screenReader,
    patchConsole: true,
  });
  await instance.waitUntilExit();
  return 0;
}
