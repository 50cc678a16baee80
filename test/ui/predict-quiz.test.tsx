// Predictions in a lesson's stepper and the practice quiz, in the running App: keys through the
// real useInput, keymap and reducer; what is recorded lands in a memory progress port.

import { questionHop } from '../../src/core/quiz/question-hop.js';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lesson, PredictBlock } from '../../src/content/types.js';
import { BUILTIN_CLUSTER } from '../../src/core/cluster/builtin.js';
import { generateQuiz, retrySpec } from '../../src/core/quiz/quiz.js';
import { predictionFor } from '../../src/core/quiz/predict.js';
import { traceOfBasis } from '../../src/core/quiz/facts.js';
import { makeVariant } from '../../src/core/quiz/variant.js';
import { seededRng } from '../../src/core/random.js';
import { SCENARIOS } from '../../src/core/scenarios.js';
import { simulate } from '../../src/core/trace.js';
import { App } from '../../src/ui/App.js';
import { createMemoryProgress, type MemoryProgress } from '../../src/ui/progress.js';
import { layoutFrame } from '../../src/ui/frame.js';
import { initialState, reduce } from '../../src/ui/reducer.js';
import type { Env, StartScreen } from '../../src/ui/state.js';
import { lineWidth } from '../../src/ui/text.js';
import { KEYS, LESSONS, makeEnv, press, waitFor, waitForText } from './helpers.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

const PREDICT: PredictBlock = { kind: 'predict', at: 'dnat', ask: ['rewrite'], direction: null, sim: 0, line: 20 };
const withPredict: Lesson[] = LESSONS.map((l) =>
  l.id !== 1 ? l : { ...l, pages: l.pages.map((p, i) => (i !== 1 ? p : { ...p, blocks: [...p.blocks, PREDICT] })) },
);

function mount(options: { env?: Env; start?: StartScreen; progress?: MemoryProgress; columns?: number; rows?: number } = {}) {
  const env = options.env ?? makeEnv({ lessons: withPredict });
  const progress = options.progress ?? createMemoryProgress();
  const app = render(<App env={env} start={options.start ?? { screen: 'home' }} progress={progress} size={{ columns: options.columns ?? 80, rows: options.rows ?? 24 }} />);
  cleanups.push(() => app.unmount());
  return { ...app, frame: () => app.lastFrame() ?? '', progress, env };
}

function expectedPrediction() {
  const sc = SCENARIOS['cross-node-clusterip'];
  const r = simulate(BUILTIN_CLUSTER, sc.request, sc.options);
  if (!r.ok) throw new Error('no trace');
  const q = predictionFor(r.trace, 'dnat', 'rewrite', seededRng(PREDICT.line), { direction: null, cluster: BUILTIN_CLUSTER, lesson: 1 });
  if (q === null) throw new Error('no question');
  const hop = r.trace.hops.findIndex((h) => h.step === 'dnat');
  return { q, hop };
}

describe('predictions in the stepper', () => {
  it('asks before the DNAT hop, then shows the hop with why the chosen answer is (not) right, and records it', async () => {
    const { q, hop } = expectedPrediction();
    const wrong = q.choices.findIndex((_, i) => i !== q.key);
    const app = mount({ start: { screen: 'lesson', lesson: 1 } });
    await waitForText(app.frame, 'Page 1 of 3');
    await press(app.stdin, 'n');
    await waitForText(app.frame, 'Page 2 of 3');
    await press(app.stdin, KEYS.enter);
    // The first focus stop is the DNAT hop: the question comes first, the hop is not shown yet.
    let frame = await waitForText(app.frame, `Before hop ${hop + 1} of`);
    expect(frame).toContain('Think first');
    expect(frame).toContain(`1. ${q.choices[0]!.text.slice(0, 30)}`);
    expect(frame).not.toContain('Where');
    // Other keys do not move past the question.
    await press(app.stdin, KEYS.right);
    await waitForText(app.frame, 'Think first: choose an answer');
    // Down to the wrong choice, Enter.
    for (let i = 0; i < wrong; i++) await press(app.stdin, KEYS.down);
    await press(app.stdin, KEYS.enter);
    frame = await waitForText(app.frame, `Hop ${hop + 1} of`);
    expect(frame).toMatch(/\(not this\s+time\)/);
    expect(frame).toContain('Why:');
    expect(frame).toContain('The answer:');
    await waitFor(app.frame, () => app.progress.predictions.length === 1, 'the recorded prediction');
    expect(app.progress.predictions[0]).toEqual({ lesson: 1, page: 1, at: 'dnat', ask: 'rewrite', correct: false });
    // The exact place is saved: page 2, the DNAT hop.
    await waitFor(app.frame, () => app.progress.lessonPosition(1)?.hop === hop, 'the saved hop');
    expect(app.progress.lessonPosition(1)).toEqual({ page: 1, hop });
    // Moving on clears the explanation; coming back does not ask again.
    await press(app.stdin, KEYS.right);
    await waitForText(app.frame, `Hop ${hop + 2} of`);
    await press(app.stdin, KEYS.left);
    frame = await waitForText(app.frame, `Hop ${hop + 1} of`);
    expect(frame).not.toContain('Think first');
    expect(app.progress.predictions).toHaveLength(1);
  });

  it('answers by number; a right answer is recorded as right', async () => {
    const { q } = expectedPrediction();
    const app = mount({ start: { screen: 'lesson', lesson: 1 } });
    await waitForText(app.frame, 'Page 1 of 3');
    await press(app.stdin, 'n');
    await press(app.stdin, KEYS.enter);
    await waitForText(app.frame, 'Think first');
    await press(app.stdin, String(q.key + 1));
    const frame = await waitForText(app.frame, '(right)');
    expect(frame).toContain(`Why:`);
    await waitFor(app.frame, () => app.progress.predictions.length === 1, 'the recorded prediction');
    expect(app.progress.predictions[0]?.correct).toBe(true);
  });

  it('a turns predictions off (saved), and the stepper then shows the hop at once', async () => {
    const app = mount({ start: { screen: 'lesson', lesson: 1 } });
    await waitForText(app.frame, 'Page 1 of 3');
    await press(app.stdin, 'a');
    await waitForText(app.frame, 'Predictions off');
    expect(app.progress.preferences().predictions).toBe(false);
    await press(app.stdin, 'n');
    await press(app.stdin, KEYS.enter);
    const frame = await waitForText(app.frame, '· dnat ·');
    expect(frame).not.toContain('Think first');
    expect(app.progress.predictions).toHaveLength(0);
  });

  it('Continue after a restart returns to the same page and hop', async () => {
    const { hop } = expectedPrediction();
    const progress = createMemoryProgress({ 1: { page: 1, hop: hop + 2 } }, 1);
    const app = mount({ progress });
    await waitForText(app.frame, 'Continue: lesson 1');
    await press(app.stdin, KEYS.enter);
    const frame = await waitForText(app.frame, `Hop ${hop + 3} of`);
    expect(frame).not.toContain('Think first');
    await press(app.stdin, 'q');
    await waitForText(app.frame, 'Page 2 of 3');
  });

  it('shows a store notice once, and the tour goes on', async () => {
    const progress = createMemoryProgress();
    progress.notice('progress.json was not valid JSON; it was moved to progress.corrupt-x.json.');
    const app = mount({ progress });
    await waitForText(app.frame, 'was moved to');
    await press(app.stdin, KEYS.down);
    await waitFor(app.frame, (f) => !f.includes('was moved to'), 'the notice gone');
  });

  it('the question fits 80x24 and 40x20', () => {
    for (const size of [{ columns: 80, rows: 24 }, { columns: 40, rows: 20 }, { columns: 40, rows: 12 }]) {
      const env = makeEnv({ lessons: withPredict });
      let s = initialState({ start: { screen: 'lesson', lesson: 1 }, size, env });
      s = reduce(s, { type: 'next' }, env);
      s = reduce(s, { type: 'select' }, env);
      const lines = layoutFrame(s, env).lines;
      expect(lines.some((l) => l.some((g) => g.text.includes('Before hop')))).toBe(true);
      expect(lines.length).toBeLessThanOrEqual(size.rows - 1);
      expect(Math.max(...lines.map(lineWidth))).toBeLessThanOrEqual(size.columns - 1);
    }
  });
});

describe('the practice quiz', () => {
  const SEED = 12345;
  it('right, wrong, a second try, the explanation, and the score; saved after every answer', async () => {
    const quiz = generateQuiz({ seed: SEED, count: 3, lesson: null, topics: null });
    const [q1, q2, q3] = quiz.questions;
    const app = mount({ start: { screen: 'quiz', count: 3, lesson: null, seed: SEED } });
    let frame = await waitForText(app.frame, 'Question 1 of 3');
    expect(frame).toContain(quiz.code);
    // 1: right on the first try.
    await press(app.stdin, String(q1!.key + 1));
    frame = await waitForText(app.frame, 'Right:');
    await waitFor(app.frame, () => app.progress.quizzes[0]?.answers.length === 1, 'the first answer saved');
    await press(app.stdin, KEYS.enter);
    await waitForText(app.frame, 'Question 2 of 3');
    // 2: a hint, a wrong try (its explanation, one more try), then right.
    await press(app.stdin, 'h');
    await waitForText(app.frame, 'Hint:');
    const wrong = q2!.key === 0 ? 1 : 0;
    await press(app.stdin, String(wrong + 1));
    frame = await waitForText(app.frame, 'One more try');
    expect(frame).toContain('(tried)');
    await press(app.stdin, String(q2!.key + 1));
    frame = await waitForText(app.frame, 'Right:');
    await press(app.stdin, KEYS.enter);
    await waitForText(app.frame, 'Question 3 of 3');
    // 3: wrong twice: the answer and its explanation.
    const others = q3!.choices.map((_, i) => i).filter((i) => i !== q3!.key);
    await press(app.stdin, String(others[0]! + 1));
    await waitForText(app.frame, 'One more try');
    await press(app.stdin, String(others[1]! + 1));
    frame = await waitForText(app.frame, 'The answer:');
    expect(frame).toContain('Not right:');
    await press(app.stdin, KEYS.enter);
    frame = await waitForText(app.frame, 'Score: 1 of 3');
    expect(frame).toContain('1 more on the second');
    expect(frame).toContain('Missed:');
    expect(frame).toContain(`--seed ${quiz.code}`);
    // The App writes the record in an effect after the frame: wait for it rather than race it.
    await waitFor(app.frame, () => app.progress.quizzes[0]?.endReason === 'completed', 'the finished quiz saved');
    const saved = app.progress.quizzes[0]!;
    expect(saved.code).toBe(quiz.code);
    expect(saved.answers.map((a) => a.correct)).toEqual([true, false, false]);
    expect(saved.endReason).toBe('completed');
  });

  it('r on the score retries the missed questions on a fresh variant (as --retry-missed), saved as a quiz of its own', async () => {
    const quiz = generateQuiz({ seed: SEED, count: 3, lesson: null, topics: null });
    const [q1, , q3] = quiz.questions;
    const retry = generateQuiz(retrySpec(quiz, [1]));
    expect(retry.code).not.toBe(quiz.code);
    const app = mount({ start: { screen: 'quiz', count: 3, lesson: null, seed: SEED } });
    await waitForText(app.frame, 'Question 1 of 3');
    await press(app.stdin, String(q1!.key + 1));
    await waitForText(app.frame, 'Right:');
    await press(app.stdin, KEYS.enter);
    await waitForText(app.frame, 'Question 2 of 3');
    await press(app.stdin, 's');
    await waitForText(app.frame, 'Skipped.');
    await press(app.stdin, KEYS.enter);
    await waitForText(app.frame, 'Question 3 of 3');
    await press(app.stdin, String(q3!.key + 1));
    await waitForText(app.frame, 'Right:');
    await press(app.stdin, KEYS.enter);
    let frame = await waitForText(app.frame, 'Score: 2 of 3');
    expect(frame).toContain('r tries the missed question again');
    await waitFor(app.frame, () => app.progress.quizzes[0]?.endReason === 'completed', 'the first quiz saved');
    await press(app.stdin, 'r');
    frame = await waitForText(app.frame, `Question 1 of ${retry.questions.length}`);
    expect(frame).toContain(retry.code);
    expect(frame).toContain('missed question again on a fresh cluster');
    expect(retry.questions.every((q) => q.topic === quiz.questions[1]!.topic)).toBe(true);
    // The retry round is a quiz like any other: answered, scored and saved next to the first.
    for (const [i, q] of retry.questions.entries()) {
      await press(app.stdin, String(q.key + 1));
      await waitForText(app.frame, 'Right:');
      await press(app.stdin, KEYS.enter);
      if (i + 1 < retry.questions.length) await waitForText(app.frame, `Question ${i + 2} of`);
    }
    frame = await waitForText(app.frame, `Score: ${retry.questions.length} of ${retry.questions.length}`);
    expect(frame).toContain('Nothing missed.');
    expect(frame.replace(/\s+/g, ' ')).toContain(`kube-packet-tour quiz --seed ${quiz.code} --count 3 --retry-missed 2`);
    await waitFor(app.frame, () => app.progress.quizzes[1]?.endReason === 'completed', 'the retry saved');
    expect(app.progress.quizzes.map((r) => r.code)).toEqual([quiz.code, retry.code]);
    expect(app.progress.quizzes[0]!.answers).toHaveLength(3);
    expect(app.progress.quizzes[1]!.answers.map((a) => a.correct)).toEqual(retry.questions.map(() => true));
    expect(app.progress.quizzes[1]!.answers.every((a) => a.topic === quiz.questions[1]!.topic)).toBe(true);
    // Nothing missed: r only says so.
    await press(app.stdin, 'r');
    frame = await waitForText(app.frame, 'nothing to try again');
    expect(frame).toContain('Score:');
    expect(app.progress.quizzes).toHaveLength(2);
  });

  it("s after answering opens the stepper on the question's own trace (rebuilt from its basis on the quiz's variant); q returns to the question", async () => {
    const quiz = generateQuiz({ seed: SEED, count: 3, lesson: null, topics: null });
    const q1 = quiz.questions[0]!;
    const trace = traceOfBasis(makeVariant(SEED), q1.basis!);
    expect(trace).not.toBeNull();
    const app = mount({ start: { screen: 'quiz', count: 3, lesson: null, seed: SEED } });
    await waitForText(app.frame, 'Question 1 of 3');
    await press(app.stdin, String(q1.key + 1));
    let frame = await waitForText(app.frame, 'Right:');
    // A question about one hop opens there (questionHop); a whole-trace question at hop 1.
    const about = questionHop(q1);
    const at = about === null ? 0 : Math.max(0, trace!.hops.findIndex((h) => h.step === about.step && h.direction === about.direction));
    expect(frame).toContain(about === null ? 's its trace in the stepper' : 's this hop in the stepper');
    await press(app.stdin, 's');
    frame = await waitForText(app.frame, `Hop ${at + 1} of ${trace!.hops.length}`);
    expect(frame).toContain('The trace this question was computed from');
    expect(frame).toContain(`Quiz ${quiz.code} question 1`);
    // The variant's own addresses: the hop is from the question's cluster, not the built-in one.
    expect(frame).toContain(trace!.hops[at]!.packet.src);
    // Only the answer was saved; the stepper adds nothing to the quiz.
    await waitFor(app.frame, () => app.progress.quizzes[0]?.answers.length === 1, 'the answer saved');
    await press(app.stdin, 'q');
    frame = await waitForText(app.frame, 'Right:');
    expect(frame).toContain('Question 1 of 3');
    await press(app.stdin, KEYS.enter);
    await waitForText(app.frame, 'Question 2 of 3');
    expect(app.progress.quizzes[0]!.answers).toHaveLength(1);
  });

  it('the stepper opens at the hop a question names in its basis, in its direction', () => {
    // A seed whose first question's trace has a DNAT (12345's, since quiz format 2, goes to a pod IP).
    const seed = 12346;
    const env = makeEnv();
    let state = initialState({ start: { screen: 'quiz', count: 3, lesson: null, seed }, size: { columns: 80, rows: 24 }, env });
    const top = state.stack.at(-1)!;
    if (top.kind !== 'quiz') throw new Error('expected the quiz');
    const question = top.quiz.session.quiz.questions[0]!;
    const b = { ...question.basis!, step: 'dnat' as const, direction: 'request' as const };
    const questions = [{ ...question, basis: b }, ...top.quiz.session.quiz.questions.slice(1)];
    const session = { ...top.quiz.session, quiz: { ...top.quiz.session.quiz, questions } };
    state = { ...state, stack: [...state.stack.slice(0, -1), { kind: 'quiz', quiz: { ...top.quiz, session } }] };
    state = reduce(state, { type: 'digit', digit: question.key + 1, at: 1 }, env);
    state = reduce(state, { type: 'skip', at: 2 }, env);
    const shown = state.stack.at(-1)!;
    if (shown.kind !== 'stepper') throw new Error(`expected the stepper, got ${shown.kind}`);
    const trace = traceOfBasis(makeVariant(seed), b)!;
    const want = trace.hops.findIndex((h) => h.step === 'dnat' && h.direction === 'request');
    expect(want).toBeGreaterThan(0);
    expect(shown.stepper.hop).toBe(want);
    expect(state.status).toContain('the hop the question is about');
  });

  it('Home has a Quiz entry with a fresh code; q stops and keeps the answers', async () => {
    const app = mount();
    await waitForText(app.frame, '4. Quiz');
    await press(app.stdin, '4');
    await waitForText(app.frame, 'Question 1 of 10');
    await press(app.stdin, '1');
    await waitFor(app.frame, () => app.progress.quizzes[0]?.answers.length === 1 || /One more try/.test(app.frame()), 'an answer');
    await press(app.stdin, 'q');
    const frame = await waitForText(app.frame, 'Score:');
    expect(frame).toContain('saved');
    await waitFor(app.frame, () => app.progress.quizzes[0]?.endReason === 'quit', 'the stopped quiz saved');
    expect(app.progress.quizzes[0]?.endReason).toBe('quit');
  });
});
