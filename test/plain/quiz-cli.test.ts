// The quiz and progress commands end to end, on a CLI bundle built from src/ (test/support/quiz-cli.ts),
// with piped answers and an isolated config directory.

import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportQuiz } from '../../src/core/quiz/export/index.js';
import { generateQuiz, retrySpec } from '../../src/core/quiz/quiz.js';
import { parseSeed, seedToCode } from '../../src/core/quiz/seed.js';
import { buildCli, runQuizCli, startQuizCli } from '../support/quiz-cli.js';

let bin = '';
beforeAll(async () => {
  bin = await buildCli();
}, 120_000);

const configDir = (): string => mkdtempSync(path.join(tmpdir(), 'kpt-cli-config-'));
// A format-1 code (made before "what goes wrong" joined the draw): it must keep its questions.
const CODE = 'BVPJ-09D0';
const SEED = (parseSeed(CODE) as { seed: number }).seed;
const quizOf = (count: number, lesson: number | null = null) => generateQuiz({ seed: SEED, format: 1, count, lesson, topics: null });
const progressFile = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'progress.json'), 'utf8'));

describe('quiz, plain flow', () => {
  it('reads piped answers (numbers and letters), explains each, scores, saves, and offers a retry of the missed', () => {
    const quiz = quizOf(4);
    const keys = quiz.questions.map((q) => q.key);
    const wrong = (i: number) => (keys[i]! + 1) % quiz.questions[i]!.choices.length;
    // 1: right (number); 2: right (letter); 3: wrong twice; 4: wrong, then right.
    const secondWrong = (wrong(2) + 1) % quiz.questions[2]!.choices.length === keys[2] ? (wrong(2) + 2) % quiz.questions[2]!.choices.length : (wrong(2) + 1) % quiz.questions[2]!.choices.length;
    const input = [keys[0]! + 1, 'abcde'[keys[1]!], wrong(2) + 1, secondWrong + 1, 'h', wrong(3) + 1, keys[3]! + 1].join('\n') + '\n';
    const dir = configDir();
    const r = runQuizCli(bin, ['quiz', '--seed', CODE, '--count', '4'], { input, configDir: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`kube-packet-tour quiz ${CODE}: 4 questions, all lessons (practice).`);
    for (const [n, q] of quiz.questions.entries()) {
      expect(r.stdout).toContain(`Question ${n + 1} of 4`);
      expect(r.stdout).toContain(`  1) ${q.choices[0]!.text.slice(0, 30)}`);
    }
    expect(r.stdout).toContain(`Right. ${quiz.questions[0]!.explanation.slice(0, 40)}`);
    expect(r.stdout).toContain(`Not quite: ${quiz.questions[2]!.choices[wrong(2)]!.explanation.slice(0, 30)}`);
    expect(r.stdout).toContain(`Hint: ${quiz.questions[3]!.hint.slice(0, 30)}`);
    expect(r.stdout).toMatch(/Score: 2 of 4 right \(50%\), 1 more on the second try\./);
    expect(r.stdout).toContain('Missed:');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(`the answer is ${keys[2]! + 1}) ${quiz.questions[2]!.choices[keys[2]!]!.text}`);
    expect(r.stdout).toContain(`kube-packet-tour quiz --seed ${CODE} --count 4 --retry-missed 3,4`);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const saved = progressFile(dir).quizzes;
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ code: CODE, seed: SEED, mode: 'practice', endReason: 'completed', count: 4 });
    expect(saved[0].answers.map((a: { correct: boolean }) => a.correct)).toEqual([true, true, false, false]);
  });

  it('--quiz-format 1 gives a numeric seed its questions from before format 2; a code keeps its own format', () => {
    const old = runQuizCli(bin, ['quiz', '--seed', CODE, '--export', 'json'], { configDir: configDir() });
    const numeric = runQuizCli(bin, ['quiz', '--seed', String(SEED), '--quiz-format', '1', '--export', 'json'], { configDir: configDir() });
    expect(old.status).toBe(0);
    expect(numeric.status).toBe(0);
    expect(JSON.parse(numeric.stdout)).toEqual(JSON.parse(old.stdout));
    expect(JSON.parse(old.stdout).format).toBe(1);
    const current = runQuizCli(bin, ['quiz', '--seed', String(SEED), '--export', 'json'], { configDir: configDir() });
    expect(JSON.parse(current.stdout).format).toBe(2);
    expect(JSON.parse(current.stdout).code).not.toBe(CODE);
    for (const [args, reason] of [
      [['--seed', CODE, '--quiz-format', '2'], `the code ${CODE} is a format-1 quiz`],
      [['--seed', '7', '--quiz-format', '9'], 'expected one of 1, 2'],
      [['--quiz-format', '1'], 'goes with a numeric --seed'],
    ] as const) {
      const r = runQuizCli(bin, ['quiz', ...args, '--export', 'json'], { configDir: configDir() });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(reason);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('--retry-missed gives a fresh variant of the missed topics, the same every time', () => {
    const dir = configDir();
    const a = runQuizCli(bin, ['quiz', '--seed', CODE, '--count', '4', '--retry-missed', '3,4', '--export', 'json'], { configDir: dir });
    expect(a.status).toBe(0);
    const expected = generateQuiz(retrySpec(quizOf(4), [2, 3]));
    const doc = JSON.parse(a.stdout);
    expect(doc.code).toBe(expected.code);
    expect(doc.questions.map((q: { topic: string }) => q.topic)).toEqual(expected.questions.map((q) => q.topic));
    expect(runQuizCli(bin, ['quiz', '--seed', CODE, '--count', '4', '--retry-missed', '3,4', '--export', 'json'], { configDir: dir }).stdout).toBe(a.stdout);
  });

  it('--exam: one try, no hints, nothing until the score; --results writes the student\'s result', () => {
    const quiz = quizOf(3);
    const dir = configDir();
    const results = path.join(dir, 'result.json');
    const wrong0 = (quiz.questions[0]!.key + 1) % quiz.questions[0]!.choices.length;
    const input = `${wrong0 + 1}\nh\n${quiz.questions[1]!.key + 1}\ns\n`;
    const r = runQuizCli(bin, ['quiz', '--seed', CODE, '--count', '3', '--exam', '--time', '20m', '--results', results], { input, configDir: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('(exam, 20m00s)');
    expect(r.stdout).toContain('No hints in an exam.');
    expect(r.stdout).not.toContain('Not quite');
    expect(r.stdout).not.toContain('Right.');
    expect(r.stdout).toMatch(/Score: 1 of 3 right \(33%\)\./);
    const result = JSON.parse(readFileSync(results, 'utf8'));
    expect(result).toMatchObject({ schema: 'kube-packet-tour/quiz-result', seed: SEED, code: CODE, mode: 'exam', timeLimitMs: 1_200_000, endReason: 'completed', score: { right: 1, total: 3, percent: 33 }, missed: [1, 3] });
    expect(result.answers.map((a: { right: boolean }) => a.right)).toEqual([false, true, false]);
    expect(result.answers[2].answer).toBeNull();
    expect(typeof result.answers[0].ms).toBe('number');
    expect(Date.parse(result.startedAt)).not.toBeNaN();
  });

  it('an exam time limit ends the quiz while it waits for an answer', async () => {
    const dir = configDir();
    const child = startQuizCli(bin, ['quiz', '--seed', CODE, '--count', '3', '--exam', '--time', '2s'], dir);
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.end();
    expect(code).toBe(0);
    expect(stdout).toContain('Time is up.');
    expect(stdout).toMatch(/Score: 0 of 3 right/);
    expect(progressFile(dir).quizzes[0]).toMatchObject({ endReason: 'time-up' });
  }, 20_000);

  it('Ctrl+C in the middle keeps the answers already given', async () => {
    const quiz = quizOf(5);
    const dir = configDir();
    const child = startQuizCli(bin, ['quiz', '--seed', CODE, '--count', '5'], dir);
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const waitFor = async (text: string) => {
      for (let i = 0; i < 200 && !stdout.includes(text); i++) await new Promise((r) => setTimeout(r, 25));
      expect(stdout).toContain(text);
    };
    await waitFor('Question 1 of 5');
    child.stdin.write(`${quiz.questions[0]!.key + 1}\n`);
    await waitFor('Question 2 of 5');
    child.stdin.write(`${quiz.questions[1]!.key + 1}\n`);
    await waitFor('Question 3 of 5');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stdout).toContain('Stopped. Your 2 answers are saved.');
    const saved = progressFile(dir).quizzes[0];
    expect(saved).toMatchObject({ endReason: 'quit' });
    expect(saved.answers).toHaveLength(2);
  }, 20_000);

  it('the end of the input stops the quiz and says so', () => {
    const quiz = quizOf(3);
    const r = runQuizCli(bin, ['quiz', '--seed', CODE, '--count', '3'], { input: `${quiz.questions[0]!.key + 1}\n`, configDir: configDir() });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('The input ended after 1 answer.');
    expect(r.stdout).toContain('Score: 1 of 3 right (33%)');
    // Stopping early never gives away the questions not answered: a class shares this code.
    expect(r.stdout).toContain('Not answered: 2, 3. Their answers stay hidden');
    expect(r.stdout).not.toContain('Missed:');
    for (const q of quiz.questions.slice(1)) expect(r.stdout.replace(/\s+/g, ' ')).not.toContain(q.explanation.replace(/\s+/g, ' ').slice(0, 60));
    expect(r.stdout).toContain(`--retry-missed 2,3`);
  });

  it('a corrupt progress file is moved aside, with one line on stderr, and the quiz goes on', () => {
    const dir = configDir();
    writeFileSync(path.join(dir, 'progress.json'), '{oops');
    const r = runQuizCli(bin, ['quiz', '--seed', CODE, '--count', '1'], { input: 's\n', configDir: dir });
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/moved to .*progress\.corrupt-.*\.json/);
    expect(readdirSync(dir).some((f) => f.startsWith('progress.corrupt-'))).toBe(true);
  });
});

describe('quiz formats', () => {
  it('an old (format 1) code gives its old questions; the same seed\'s format-2 code draws "what goes wrong" too', () => {
    const dir = configDir();
    const old = runQuizCli(bin, ['quiz', '--seed', CODE, '--count', '10', '--export', 'json'], { configDir: dir });
    expect(old.status).toBe(0);
    expect(old.stdout).toBe(exportQuiz(quizOf(10), 'json'));
    expect(JSON.parse(old.stdout)).toMatchObject({ format: 1, code: CODE, reproduce: `kube-packet-tour quiz --seed ${CODE} --count 10` });
    const code2 = seedToCode(SEED, 2);
    const now = runQuizCli(bin, ['quiz', '--seed', code2, '--count', '10', '--export', 'json'], { configDir: dir });
    expect(now.status).toBe(0);
    const doc = JSON.parse(now.stdout);
    expect(doc).toMatchObject({ format: 2, code: code2 });
    expect(doc.questions.map((q: { topic: string }) => q.topic)).toContain('what-goes-wrong');
    // A plain number means the current format.
    const byNumber = runQuizCli(bin, ['quiz', '--seed', String(SEED), '--count', '10', '--export', 'json'], { configDir: dir });
    expect(byNumber.stdout).toBe(now.stdout);
  });

  it('a "what goes wrong" question in the piped flow: a wrong try explains itself, then the key', () => {
    const code2 = seedToCode(SEED, 2);
    const full = generateQuiz({ seed: SEED, count: 12, lesson: null, topics: null });
    const n = full.questions.findIndex((x) => x.topic === 'what-goes-wrong');
    expect(n).toBeGreaterThanOrEqual(0);
    const wg = full.questions[n]!;
    const wrong = (wg.key + 1) % wg.choices.length;
    const input = full.questions.flatMap((q, i) => (i === n ? [wrong + 1, q.key + 1] : [q.key + 1])).join('\n') + '\n';
    const r = runQuizCli(bin, ['quiz', '--seed', code2, '--count', '12'], { input, configDir: configDir() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const flat = r.stdout.replace(/\s+/g, ' ');
    expect(r.stdout).toContain(`Question ${n + 1} of 12`);
    expect(flat).toContain(wg.prompt.split('\n')[1]!);
    expect(flat).toContain(`Not quite: ${wg.choices[wrong]!.explanation.slice(0, 30)}`);
    expect(r.stdout).toMatch(/Score: 11 of 12 right \(91%\), 1 more on the second try\./);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('quiz --export', () => {
  it.each([
    ['json', (s: string) => JSON.parse(s).questions.length],
    ['gift', (s: string) => (s.match(/^::Q\d+ /gm) ?? []).length],
    ['moodle-xml', (s: string) => (s.match(/<question type="multichoice">/g) ?? []).length],
    ['markdown', (s: string) => (s.match(/^## \d+\. /gm) ?? []).length],
  ])('%s to stdout: the same bytes on every run, nothing saved', (format, count) => {
    const dir = configDir();
    const a = runQuizCli(bin, ['quiz', '--seed', CODE, '--count', '6', '--export', format], { configDir: dir });
    const b = runQuizCli(bin, ['quiz', '--seed', CODE.toLowerCase(), '--count', '6', '--export', format], { configDir: dir });
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(count(a.stdout)).toBe(6);
    expect(existsSync(path.join(dir, 'progress.json'))).toBe(false);
  });

  it('--out writes the file and says so on stderr', () => {
    const dir = configDir();
    const file = path.join(dir, 'class.gift');
    const r = runQuizCli(bin, ['quiz', '--seed', CODE, '--export', 'gift', '--out', file, '--lesson', '6'], { configDir: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`to ${file} (gift, seed ${CODE})`);
    expect(readFileSync(file, 'utf8')).toContain(`$CATEGORY: $course$/kube-packet-tour/${CODE}`);
  });

  it.each([
    [['quiz', '--seed', 'K7Q2-9XMD'], /--seed "K7Q2-9XMD": the code does not check out/],
    [['quiz', '--count', '0'], /--count "0": expected a number of questions from 1 to 50/],
    [['quiz', '--lesson', '42'], /--lesson "42": expected a lesson number from 1 to 11/],
    [['quiz', '--export', 'pdf'], /--export "pdf" is not one of: json, gift, moodle-xml, markdown/],
    [['quiz', '--time', '20m'], /--time sets an exam's time limit; add --exam/],
    [['quiz', '--exam', '--time', 'soon'], /--time "soon": expected a duration/],
    [['quiz', '--out', 'x.txt'], /--out names the file for --export/],
    [['quiz', '--retry-missed', '2'], /--retry-missed needs the --seed/],
    [['quiz', '--seed', '7', '--retry-missed', '11'], /the quiz has questions 1 to 10, not 11/],
    [['progress', '--reset'], /--reset clears all progress .*; add --yes to confirm/],
    [['progress', '--reset', 'x'], /--reset "x": expected a lesson number/],
    [['progress', '--reset', '42', '--yes'], /there is no lesson 42/],
    [['progress', '--yes'], /--yes confirms --reset/],
    [['progress', 'extra'], /unexpected argument "extra"/],
  ])('%j exits 2 with one line', (args, message) => {
    const r = runQuizCli(bin, args, { configDir: configDir() });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('progress', () => {
  it('--where prints the path without creating anything', () => {
    const dir = configDir();
    const r = runQuizCli(bin, ['progress', '--where'], { configDir: dir });
    expect(r).toEqual({ status: 0, stdout: `${path.join(dir, 'progress.json')}\n`, stderr: '' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('shows the quizzes taken, as text and as --json; --reset clears with --yes', () => {
    const dir = configDir();
    const quiz = quizOf(2);
    runQuizCli(bin, ['quiz', '--seed', CODE, '--count', '2'], { input: `${quiz.questions[0]!.key + 1}\ns\n`, configDir: dir });
    const text = runQuizCli(bin, ['progress'], { configDir: dir });
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(` 1. The packet's journey, step by step: not started`);
    expect(text.stdout).toMatch(new RegExp(`${CODE}  practice: 1/2 right \\(done\\)`));
    const json = JSON.parse(runQuizCli(bin, ['progress', '--json'], { configDir: dir }).stdout);
    expect(json).toMatchObject({ file: path.join(dir, 'progress.json'), saved: true, lastLesson: null, preferences: { predictions: true, speed: 'normal', color: 'auto' } });
    expect(json.lessons).toHaveLength(11);
    expect(json.quizzes[0]).toMatchObject({ code: CODE, score: { right: 1, answered: 2, total: 2 } });
    const reset = runQuizCli(bin, ['progress', '--reset', '--yes'], { configDir: dir });
    expect(reset).toMatchObject({ status: 0, stdout: 'All progress was cleared.\n' });
    expect(JSON.parse(runQuizCli(bin, ['progress', '--json'], { configDir: dir }).stdout).quizzes).toEqual([]);
    expect(runQuizCli(bin, ['progress', '--reset', '3', '--yes'], { configDir: dir }).stdout).toBe("Lesson 3's progress was cleared.\n");
  });
});
