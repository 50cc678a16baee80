// `kube-packet-tour quiz` options, validated into a typed command (called from cli/options.ts).

import type { Shared } from '../cli/options.js';
import { UsageError } from '../cli/usage-error.js';
import { EXPORT_FORMATS, type ExportFormat } from '../core/quiz/export/index.js';
import { DEFAULT_COUNT, MAX_COUNT, quizLessons } from '../core/quiz/quiz.js';
import { parseSeed, seedToCode } from '../core/quiz/seed.js';
import { QUIZ_FORMATS, type QuizFormat } from '../core/quiz/types.js';

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface QuizCommand {
  readonly kind: 'quiz';
  readonly shared: Shared;
  readonly lesson: number | null;
  readonly count: number;
  /** null: draw a fresh seed. `format`: the quiz format the code names (an old code keeps its questions). */
  readonly seed: { readonly seed: number; readonly code: string; readonly format: QuizFormat } | null;
  readonly exam: boolean;
  readonly timeLimitMs: number | null;
  readonly exportFormat: ExportFormat | null;
  readonly out: string | null;
  readonly results: string | null;
  /** 1-based question numbers of the quiz given by --seed/--count/--lesson to retry on a fresh variant. */
  readonly retryMissed: readonly number[] | null;
}

export const QUIZ_OPTIONS = ['lesson', 'count', 'seed', 'quiz-format', 'exam', 'time', 'export', 'out', 'results', 'retry-missed'] as const;

const str = (v: OptionValues, k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);

/** "20m", "90s", "1h30m", or a number of minutes. */
export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t) * 60_000;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(t);
  if (m === null || t === '') return null;
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
}

export function parseQuizOptions(v: OptionValues, shared: Shared): QuizCommand {
  const lessons = quizLessons();
  let lesson: number | null = null;
  const lessonText = str(v, 'lesson');
  if (lessonText !== undefined) {
    if (!/^\d+$/.test(lessonText) || !lessons.includes(Number(lessonText))) throw new UsageError(`--lesson ${JSON.stringify(lessonText)}: expected a lesson number from ${lessons[0]} to ${lessons.at(-1)}`);
    lesson = Number(lessonText);
  }
  let count = DEFAULT_COUNT;
  const countText = str(v, 'count');
  if (countText !== undefined) {
    if (!/^\d+$/.test(countText) || Number(countText) < 1 || Number(countText) > MAX_COUNT) throw new UsageError(`--count ${JSON.stringify(countText)}: expected a number of questions from 1 to ${MAX_COUNT}`);
    count = Number(countText);
  }
  let seed: QuizCommand['seed'] = null;
  const seedText = str(v, 'seed');
  if (seedText !== undefined) {
    const parsed = parseSeed(seedText);
    if (!parsed.ok) throw new UsageError(`--seed ${JSON.stringify(seedText)}: ${parsed.reason}`);
    seed = { seed: parsed.seed, code: parsed.code, format: parsed.format };
  }
  // A code names its own format; a plain number has none, so --quiz-format picks an older one
  // (a number handed out before 0.2.0 is format 1) and the quiz gets that format's code.
  const formatText = str(v, 'quiz-format');
  if (formatText !== undefined) {
    const format = Number(formatText) as QuizFormat;
    if (!/^\d+$/.test(formatText) || !QUIZ_FORMATS.includes(format)) throw new UsageError(`--quiz-format ${JSON.stringify(formatText)}: expected one of ${QUIZ_FORMATS.join(', ')}`);
    if (seed === null) throw new UsageError('--quiz-format goes with a numeric --seed (a fresh quiz is always the current format)');
    if (seedText !== undefined && !/^\s*\d+\s*$/.test(seedText)) {
      if (seed.format !== format) throw new UsageError(`--quiz-format ${format}: the code ${seed.code} is a format-${seed.format} quiz; leave out --quiz-format`);
    } else seed = { ...seed, code: seedToCode(seed.seed, format), format };
  }
  const exam = v.exam === true;
  let timeLimitMs: number | null = null;
  const timeText = str(v, 'time');
  if (timeText !== undefined) {
    if (!exam) throw new UsageError('--time sets an exam\'s time limit; add --exam');
    timeLimitMs = parseDuration(timeText);
    if (timeLimitMs === null || timeLimitMs <= 0 || timeLimitMs > 24 * 3600_000) throw new UsageError(`--time ${JSON.stringify(timeText)}: expected a duration such as 20m, 90s or 1h30m (up to 24h)`);
  }
  let exportFormat: ExportFormat | null = null;
  const exportText = str(v, 'export') ?? (shared.json ? 'json' : undefined);
  if (exportText !== undefined) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(exportText)) throw new UsageError(`--export ${JSON.stringify(exportText)} is not one of: ${EXPORT_FORMATS.join(', ')}`);
    exportFormat = exportText as ExportFormat;
  }
  const out = str(v, 'out') ?? null;
  if (out !== null && exportFormat === null) throw new UsageError('--out names the file for --export; add --export json|gift|moodle-xml|markdown');
  const results = str(v, 'results') ?? null;
  if (results !== null && exportFormat !== null) throw new UsageError('--results records a student\'s answers; it does not go with --export');
  if (exportFormat !== null && exam) throw new UsageError('--exam runs a quiz; it does not go with --export');
  let retryMissed: number[] | null = null;
  const retryText = str(v, 'retry-missed');
  if (retryText !== undefined) {
    if (seed === null) throw new UsageError('--retry-missed needs the --seed of the quiz whose questions you missed');
    if (!/^\d+(,\d+)*$/.test(retryText.replace(/\s/g, ''))) throw new UsageError(`--retry-missed ${JSON.stringify(retryText)}: expected question numbers such as 2,5,7`);
    retryMissed = [...new Set(retryText.replace(/\s/g, '').split(',').map(Number))].sort((a, b) => a - b);
    const bad = retryMissed.find((n) => n < 1 || n > count);
    if (bad !== undefined) throw new UsageError(`--retry-missed: the quiz has questions 1 to ${count}, not ${bad} (give the same --count and --lesson as the quiz)`);
  }
  return { kind: 'quiz', shared, lesson, count, seed, exam, timeLimitMs, exportFormat, out, results, retryMissed };
}
