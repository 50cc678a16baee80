// `kube-packet-tour progress`: what the learner has done, as text or --json; --where prints the
// file's path; --reset [LESSON] clears one lesson or everything (plain mode needs --yes).

import { createInterface } from 'node:readline';
import path from 'node:path';
import { UsageError } from '../cli/usage-error.js';
import { loadLessons } from '../content/index.js';
import { lastLesson, lessonSummary, quizScore, resetProgress } from '../core/progress.js';
import { openProgressStore } from '../storage/progress-store.js';
import { PROGRESS_FILE, progressDir } from '../storage/paths.js';
import type { ProgressCommand } from './progress-options.js';

export interface ProgressIo {
  readonly write: (s: string) => void;
  readonly writeErr: (s: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** stdin and stdout are a terminal (the mode cli.ts decided). */
  readonly interactive: boolean;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export async function runProgress(command: ProgressCommand, io: ProgressIo): Promise<number> {
  const dir = progressDir(io.env);
  if (command.where) {
    io.write(`${path.join(dir, PROGRESS_FILE)}\n`);
    return 0;
  }
  const lessons = loadLessons();
  if (typeof command.reset === 'number' && !lessons.some((l) => l.id === command.reset)) {
    throw new UsageError(`--reset ${command.reset}: there is no lesson ${command.reset}; lessons are ${lessons[0]?.id}-${lessons.at(-1)?.id}`);
  }
  if (command.reset !== null && !command.yes) {
    const what = command.reset === 'all' ? 'all progress (every lesson, prediction and quiz)' : `lesson ${command.reset}'s progress`;
    if (!io.interactive) throw new UsageError(`--reset clears ${what}; add --yes to confirm`);
    if (!(await confirm(`Clear ${what}? [y/N] `))) {
      io.write('Nothing was cleared.\n');
      return 0;
    }
  }
  const store = openProgressStore({ dir });
  const notices = (): void => {
    for (const n of store.takeNotices()) io.writeErr(`kube-packet-tour: ${n}\n`);
  };
  notices();

  if (command.reset !== null) {
    const lesson = command.reset === 'all' ? null : command.reset;
    store.update((d, now) => resetProgress(d, lesson, now));
    notices();
    io.write(lesson === null ? 'All progress was cleared.\n' : `Lesson ${lesson}'s progress was cleared.\n`);
    return 0;
  }

  const doc = store.refresh();
  const summaries = lessons.map((l) => ({ ...lessonSummary(doc, l.id), title: l.title, pages: l.pages.length }));
  const quizzes = doc.quizzes.map((q) => ({ id: q.id, code: q.code, seed: q.seed, lesson: q.lesson, mode: q.mode, startedAt: q.startedAt, finishedAt: q.finishedAt, endReason: q.endReason, score: quizScore(q) }));
  const preferences = { predictions: doc.preferences.predictions.value, speed: doc.preferences.speed.value, color: doc.preferences.color.value };
  if (command.shared.json) {
    io.write(`${JSON.stringify({ file: store.file, saved: store.persistent, lastLesson: lastLesson(doc), lessons: summaries, quizzes, preferences }, null, 2)}\n`);
    return 0;
  }
  const out = (s = ''): void => io.write(`${s}\n`);
  out(`Progress (${store.file}${store.persistent ? '' : ', not saved this session'})`);
  out();
  for (const s of summaries) {
    const where = s.status === 'in progress' ? `, page ${(s.page ?? 0) + 1} of ${s.pages}${s.hop !== null ? `, hop ${s.hop + 1}` : ''}` : '';
    const preds = s.predictions > 0 ? `; predictions ${s.predictionsRight}/${s.predictions} right` : '';
    out(`${String(s.lesson).padStart(2)}. ${s.title}: ${s.status}${where}${preds}`);
  }
  const last = lastLesson(doc);
  if (last !== null) out(`\nContinue with lesson ${last}: kube-packet-tour lesson ${last}`);
  out();
  if (quizzes.length === 0) out('Quizzes: none yet (kube-packet-tour quiz).');
  else {
    out(`Quizzes (${quizzes.length}, latest last):`);
    for (const q of quizzes.slice(-10)) {
      const state = q.finishedAt === null ? 'unfinished' : q.endReason === 'completed' ? 'done' : q.endReason ?? 'done';
      out(`  ${q.startedAt.slice(0, 16).replace('T', ' ')}  ${q.code}  ${q.mode}${q.lesson !== null ? `, lesson ${q.lesson}` : ''}: ${q.score.right}/${q.score.total} right (${state})`);
    }
  }
  out();
  out(`Preferences: predictions ${preferences.predictions ? 'on' : 'off'}, speed ${preferences.speed}, colour ${preferences.color}.`);
  return 0;
}
