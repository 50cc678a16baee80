// `kube-packet-tour quiz`, the plain flow: questions with numbered choices on stdout, answers read
// line by line from stdin (a number or a letter; h for a hint, s to skip, q to stop). The quiz
// logic is the shared session reducer (core/quiz/session.ts); this file only prints, reads and
// saves. Each answer is saved to the progress store at once, so Ctrl+C loses nothing.
//
// --export prints the class's quiz with its answer key instead (json, gift, moodle-xml, markdown).

import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { UsageError } from '../cli/usage-error.js';
import { saveQuiz, type QuizRecord } from '../core/progress.js';
import { exportQuiz } from '../core/quiz/export/index.js';
import { LETTERS } from '../core/quiz/export/common.js';
import { generateQuiz, retrySpec } from '../core/quiz/quiz.js';
import { quizResult, isoOf } from '../core/quiz/results.js';
import { currentQuestion, questionNumbers, sessionConfig, sessionReducer, sessionScore, startSession, summaryIndexes, type SessionAction, type SessionState } from '../core/quiz/session.js';
import type { Quiz } from '../core/quiz/types.js';
import { openProgressStore, type ProgressStore } from '../storage/progress-store.js';
import { progressDir } from '../storage/paths.js';
import type { QuizCommand } from './quiz-options.js';

export interface QuizIo {
  readonly write: (s: string) => void;
  readonly writeErr: (s: string) => void;
  readonly width: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly input: NodeJS.ReadableStream;
  readonly now?: () => number;
}

/** Lines from stdin as a queue: next() waits for one, for the end of input, or for a deadline. */
class LineReader {
  private readonly queue: string[] = [];
  private ended = false;
  private waiting: ((v: string | null) => void) | null = null;
  readonly rl: Interface;

  constructor(input: NodeJS.ReadableStream) {
    this.rl = createInterface({ input, terminal: false });
    this.rl.on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(line);
      } else this.queue.push(line);
    });
    this.rl.on('close', () => {
      this.ended = true;
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(null);
      }
    });
  }

  /** A line, null at the end of input, or 'timeout'. */
  next(timeoutMs: number | null): Promise<string | null | 'timeout'> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift()!);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      this.waiting = (v) => {
        if (timer) clearTimeout(timer);
        resolve(v);
      };
      if (timeoutMs !== null) {
        timer = setTimeout(() => {
          this.waiting = null;
          resolve('timeout');
        }, Math.max(0, timeoutMs));
      }
    });
  }

  close(): void {
    this.rl.close();
  }
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** The command line that reruns the quiz just taken, with only the missed questions, on a fresh variant. */
function retryLine(command: QuizCommand, base: Quiz, missed: readonly number[]): string {
  const parts = ['kube-packet-tour quiz', `--seed ${base.code}`];
  if (command.count !== 10) parts.push(`--count ${command.count}`);
  if (command.lesson !== null) parts.push(`--lesson ${command.lesson}`);
  parts.push(`--retry-missed ${missed.join(',')}`);
  return parts.join(' ');
}

export async function runQuiz(command: QuizCommand, io: QuizIo): Promise<number> {
  const now = io.now ?? (() => Date.now());
  const seed = command.seed?.seed ?? randomInt(0, 2 ** 32);
  const base = generateQuiz({ seed, ...(command.seed === null ? {} : { format: command.seed.format }), count: command.count, lesson: command.lesson, topics: null });
  const quiz = command.retryMissed === null ? base : generateQuiz(retrySpec(base, command.retryMissed.map((n) => n - 1)));
  if (quiz.questions.length === 0) throw new UsageError('no questions could be generated for this choice of lesson');

  if (command.exportFormat !== null) {
    const text = exportQuiz(quiz, command.exportFormat);
    if (command.out === null) io.write(text);
    else {
      try {
        writeFileSync(command.out, text);
      } catch (e) {
        throw new UsageError(`cannot write --out ${command.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      io.writeErr(`Wrote ${quiz.questions.length} questions with the answer key to ${command.out} (${command.exportFormat}, seed ${quiz.code}).\n`);
    }
    return 0;
  }
  return runSession(command, io, base, quiz, now);
}

async function runSession(command: QuizCommand, io: QuizIo, base: Quiz, quiz: Quiz, now: () => number): Promise<number> {
  const width = Math.max(40, io.width);
  const out = (line = ''): void => io.write(`${line}\n`);
  /** Word-wrapped text: `first` before the first line of each paragraph, `rest` before the others. */
  const para = (text: string, first = '', rest = first): void => {
    for (const paragraph of text.split('\n')) {
      let line = first;
      let empty = true;
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        if (!empty && line.length + 1 + word.length > width) {
          out(line);
          line = rest;
          empty = true;
        }
        line = empty ? `${line}${word}` : `${line} ${word}`;
        empty = false;
      }
      if (!empty) out(line);
    }
  };

  let store: ProgressStore | null = null;
  try {
    store = openProgressStore({ dir: progressDir(io.env) });
  } catch (e) {
    io.writeErr(`kube-packet-tour: progress is not saved this time (${(e as Error).message})\n`);
  }
  const notices = (): void => {
    for (const n of store?.takeNotices() ?? []) io.writeErr(`kube-packet-tour: ${n}\n`);
  };
  notices();

  const mode = command.exam ? 'exam' : 'practice';
  let state: SessionState = startSession(quiz, sessionConfig(mode, command.timeLimitMs), now());
  const quizId = `${isoOf(state.startedAt)}-${quiz.code}-${randomInt(0, 36 ** 4).toString(36).padStart(4, '0')}`;

  const record = (): QuizRecord => ({
    id: quizId,
    seed: quiz.seed,
    code: quiz.code,
    lesson: command.lesson,
    count: quiz.questions.length,
    mode,
    startedAt: isoOf(state.startedAt),
    finishedAt: state.finishedAt === null ? null : isoOf(state.finishedAt),
    endReason: state.endReason,
    answers: state.answers.map((a) => ({ n: a.index + 1, question: a.question, topic: a.topic, choice: a.choice, correct: a.correct, ms: a.ms })),
  });
  const save = (): void => {
    if (store === null) return;
    store.update((d) => saveQuiz(d, record()));
    notices();
  };
  const writeResults = (): void => {
    if (command.results === null) return;
    const result = { ...quizResult(state, now()), retryOf: command.retryMissed === null ? null : { code: base.code, questions: command.retryMissed } };
    try {
      writeFileSync(command.results, `${JSON.stringify(result, null, 2)}\n`);
    } catch (e) {
      io.writeErr(`kube-packet-tour: cannot write --results ${command.results}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    }
  };

  // ---- header ----
  const what = command.retryMissed !== null ? `a fresh variant of questions ${command.retryMissed.join(', ')} of quiz ${base.code}` : command.lesson === null ? 'all lessons' : `lesson ${command.lesson}`;
  out(`kube-packet-tour quiz ${quiz.code}: ${quiz.questions.length} question${quiz.questions.length === 1 ? '' : 's'}, ${what} (${mode}${command.timeLimitMs !== null ? `, ${duration(command.timeLimitMs)}` : ''}).`);
  para(`Cluster: ${quiz.cluster}.`);
  out(mode === 'exam' ? 'One try per question, no hints; the score comes at the end. Answer with a number or a letter; s to skip, q to stop.' : 'Answer with a number or a letter; h for a hint, s to skip, q to stop.');
  save();

  const reader = new LineReader(io.input);
  let interrupted = false;
  const interrupt = (): void => {
    if (interrupted) return;
    interrupted = true;
    state = sessionReducer(state, { type: 'quit', at: now() });
    save();
    writeResults();
    out();
    out(`Stopped. Your ${state.answers.length} answer${state.answers.length === 1 ? ' is' : 's are'} saved.`);
    reader.close();
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  reader.rl.once('SIGINT', interrupt);

  const dispatch = (action: SessionAction): void => {
    const answered = state.answers.length;
    state = sessionReducer(state, action);
    if (state.answers.length !== answered || state.phase === 'finished') save();
  };

  let shown = -1;
  let inputEnded = false;
  while (state.phase !== 'finished') {
    const q = currentQuestion(state)!;
    if (state.phase === 'feedback') {
      const fb = state.feedback;
      const ans = state.answers.at(-1)!;
      const key = `${q.key + 1}) ${q.choices[q.key]!.text}`;
      if (fb?.kind === 'right') para(`Right. ${q.explanation}`);
      else {
        if (fb?.kind === 'wrong' && ans.choice !== null) para(`Not right: ${q.choices[ans.choice]!.explanation}`);
        para(`${fb?.kind === 'skipped' ? 'Skipped. ' : ''}The answer is ${key}.`);
        para(q.explanation);
      }
      dispatch({ type: 'next', at: now() });
      continue;
    }
    if (shown !== state.current) {
      shown = state.current;
      out();
      out(`Question ${state.current + 1} of ${quiz.questions.length} (lesson ${q.lessons[0] ?? '-'})`);
      para(q.prompt);
      q.choices.forEach((c, i) => para(c.text, `  ${i + 1}) `, '     '));
    }
    io.write('> ');
    const timeout = state.deadline === null ? null : state.deadline - now();
    const line = await reader.next(timeout);
    if (line === 'timeout') {
      out();
      dispatch({ type: 'tick', at: now() });
      continue;
    }
    if (line === null) {
      out();
      inputEnded = true;
      dispatch({ type: 'quit', at: now() });
      break;
    }
    if (!(io.input as NodeJS.ReadStream).isTTY) out(line);
    const input = line.trim().toLowerCase();
    if (input === '') continue;
    if (input === 'q' || input === 'quit') {
      dispatch({ type: 'quit', at: now() });
      break;
    }
    if (input === 's' || input === 'skip') {
      dispatch({ type: 'skip', at: now() });
      if (mode === 'exam') out('Skipped.');
      continue;
    }
    if (input === 'h' || input === 'hint' || input === '?') {
      if (!state.config.hints) out('No hints in an exam.');
      else para(`Hint: ${q.hint}`);
      dispatch({ type: 'hint', at: now() });
      continue;
    }
    const choice = /^\d+$/.test(input) ? Number(input) - 1 : input.length === 1 && LETTERS.toLowerCase().includes(input) ? LETTERS.toLowerCase().indexOf(input) : -1;
    dispatch({ type: 'answer', choice, at: now() });
    const after: SessionState = (() => state)();
    const fb = after.feedback;
    if (after.phase === 'question' && after.current === shown) {
      if (fb?.kind === 'invalid') out(`Answer with a number from 1 to ${q.choices.length} (or a letter), h for a hint, s to skip, q to stop.`);
      else if (fb?.kind === 'repeat') out(`You already tried ${fb.choice + 1}; pick another.`);
      else if (fb?.kind === 'retry') {
        para(`Not quite: ${q.choices[fb.choice]!.explanation}`);
        out('Try again (h for a hint).');
      }
    } else if (mode === 'exam' && after.phase !== 'finished') out('Recorded.');
  }

  // ---- the end ----
  process.removeListener('SIGINT', interrupt);
  reader.close();
  const score = sessionScore(state);
  const { missed, explained, unanswered } = summaryIndexes(state);
  out();
  if (state.endReason === 'time-up') out('Time is up.');
  if (inputEnded && state.answers.length < quiz.questions.length) out(`The input ended after ${state.answers.length} answer${state.answers.length === 1 ? '' : 's'}.`);
  out(`Score: ${score.right} of ${score.total} right (${score.percent}%)${score.solvedLater > 0 ? `, ${score.solvedLater} more on the second try` : ''}. Time: ${duration((state.finishedAt ?? now()) - state.startedAt)}.`);
  if (missed.length > 0) {
    out();
    // Unanswered questions keep their answers hidden: stopping early must not give away a class's quiz.
    if (explained.length > 0) out('Missed:');
    for (const i of explained) {
      const q = quiz.questions[i]!;
      const a = state.answers.find((x) => x.index === i)!;
      const yours = a.choice === null ? 'skipped' : `you answered ${a.tries[0]! + 1}) ${q.choices[a.tries[0]!]!.text}`;
      para(q.prompt.split('\n').at(-1)!, `${String(i + 1).padStart(3)}. `, '     ');
      // A DNS name answer ends with its own root dot; the sentence adds none after it.
      const answer = q.choices[q.key]!.text;
      para(`${yours}; the answer is ${q.key + 1}) ${answer}${answer.endsWith('.') ? '' : '.'}`, '     ');
      para(q.explanation, '     ');
    }
    if (unanswered.length > 0) {
      if (explained.length > 0) out();
      para(`Not answered: ${questionNumbers(unanswered)}. Their answers stay hidden; the retry below asks them on a fresh variant.`, '');
    }
    out();
    if (command.retryMissed === null) {
      out('Retry the questions you missed on a fresh variant:');
      out(`  ${retryLine(command, base, missed.map((i) => i + 1))}`);
    } else {
      const topics = new Set(missed.map((i) => quiz.questions[i]!.topic));
      const again = command.retryMissed.filter((n) => topics.has(base.questions[n - 1]!.topic));
      out('Practise the topics you missed again:');
      out(`  ${retryLine(command, base, again)}`);
    }
  }
  writeResults();
  if (command.results !== null) out(`Result written to ${command.results}.`);
  return 0;
}

