// The interactive tour's entry point, imported lazily by cli.ts (the plain path never loads Ink).

import { render } from 'ink';
import { loadLessons } from '../content/index.js';
import type { Lesson } from '../content/types.js';
import { BUILTIN_CLUSTER } from '../core/cluster/builtin.js';
import type { ClusterModel } from '../core/cluster/model.js';
import { simulate } from '../core/trace.js';
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
  /** Where lesson positions are kept; in memory (forgotten on exit) until the progress store lands. */
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

/** Runs the tour until the learner quits (q on the home screen, or Ctrl+C). Returns the exit code. */
export async function runTour(opts: TourOptions): Promise<number> {
  const env = tourEnv(opts);
  const progress = opts.progress ?? createMemoryProgress();
  const instance = render(<App env={env} start={opts.start} progress={progress} />, {
    exitOnCtrlC: true,
    isScreenReaderEnabled: opts.screenReader,
    patchConsole: true,
  });
  await instance.waitUntilExit();
  return 0;
}
