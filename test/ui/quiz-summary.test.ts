// The score screen after a quiz is stopped early: what was answered is reviewed, what was not keeps
// its answer hidden (a class shares the seed code, so a quick "q" must not reveal the rest).

import { describe, expect, it } from 'vitest';
import { generateQuiz } from '../../src/core/quiz/quiz.js';
import { parseSeed } from '../../src/core/quiz/seed.js';
import { questionNumbers, sessionConfig, sessionReducer, startSession, summaryIndexes, unansweredIndexes } from '../../src/core/quiz/session.js';
import type { ViewContext } from '../../src/ui/frame.js';
import { quizView } from '../../src/ui/screens/quiz.js';
import { makeTheme } from '../../src/ui/theme.js';
import { current } from '../../src/ui/state.js';
import { makeEnv, start } from './helpers.js';

const SEED = (parseSeed('BVPJ-09D0') as { seed: number }).seed;

function summaryAfter(answers: readonly ('right' | 'wrong' | 'skip')[], count: number): { text: string; lines: string[]; quiz: ReturnType<typeof generateQuiz> } {
  const quiz = generateQuiz({ seed: SEED, count, lesson: null, topics: null });
  let s = startSession(quiz, sessionConfig('practice', null), 0);
  answers.forEach((a, i) => {
    const q = quiz.questions[i]!;
    const wrong = q.choices.findIndex((_, k) => k !== q.key);
    const other = q.choices.findIndex((_, k) => k !== q.key && k !== wrong);
    if (a === 'skip') s = sessionReducer(s, { type: 'skip', at: i });
    else if (a === 'right') s = sessionReducer(s, { type: 'answer', choice: q.key, at: i });
    else s = sessionReducer(sessionReducer(s, { type: 'answer', choice: wrong, at: i }), { type: 'answer', choice: other, at: i });
    if (s.phase === 'feedback') s = sessionReducer(s, { type: 'next', at: i });
  });
  s = sessionReducer(s, { type: 'quit', at: 99 });
  const ctx = { theme: makeTheme({ ascii: false, color: false, screenReader: false }), width: 79, rows: 22 } as unknown as ViewContext;
  const view = quizView({ session: s, cursor: 0, id: 'x', lesson: null, scroll: 0 }, ctx);
  const lines = view.body.map((l) => l.map((x) => x.text).join(''));
  return { text: lines.join('\n').replace(/\s+/g, ' '), lines, quiz };
}

const flat = (t: string) => t.replace(/\s+/g, ' ');

describe('quiz summary after stopping early', () => {
  it('reviews the answered questions and hides the answers of the rest', () => {
    const { text, lines, quiz } = summaryAfter(['wrong', 'right', 'skip'], 6);
    // Each missed question: its number at the margin, its answer and explanation indented under it.
    const at = lines.findIndex((l) => l.startsWith(' 1. '));
    expect(at).toBeGreaterThan(0);
    const block = lines.slice(at + 1, lines.findIndex((l, i) => i > at && l.startsWith(' 3. ')));
    expect(block.length).toBeGreaterThan(1);
    for (const l of block) expect(l).toMatch(/^ {3}\S|^ {4}\S/);
    expect(block.some((l) => l.startsWith('    answer: '))).toBe(true);
    expect(text).toContain('Stopped after 3 of 6');
    expect(text).toContain('Missed:');
    expect(text).toContain(flat(quiz.questions[0]!.explanation));
    expect(text).toContain(flat(quiz.questions[2]!.explanation));
    expect(text).toContain('Not answered: 4-6. Their answers stay hidden');
    for (const q of quiz.questions.slice(3)) {
      expect(text).not.toContain(flat(q.explanation));
      expect(text).not.toContain(flat(q.prompt.split('\n')[0]!));
    }
  });

  it('stopping at the first question reveals nothing', () => {
    const { text, quiz } = summaryAfter([], 3);
    expect(text).not.toContain('Missed:');
    expect(text).toContain('Not answered: 1-3.');
    for (const q of quiz.questions) expect(text).not.toContain(flat(q.explanation));
  });

  it('names question runs compactly', () => {
    expect(questionNumbers([0])).toBe('1');
    expect(questionNumbers([0, 1])).toBe('1, 2');
    expect(questionNumbers([0, 1, 2, 4, 6, 7, 8, 9])).toBe('1-3, 5, 7-10');
    expect(questionNumbers([])).toBe('');
  });

  it('counts as unanswered only the questions with no answer recorded', () => {
    const quiz = generateQuiz({ seed: SEED, count: 3, lesson: null, topics: null });
    let s = startSession(quiz, sessionConfig('practice', null), 0);
    s = sessionReducer(s, { type: 'skip', at: 1 });
    if (s.phase === 'feedback') s = sessionReducer(s, { type: 'next', at: 1 });
    expect(unansweredIndexes(s)).toEqual([1, 2]);
  });

  it('summaryIndexes splits the missed questions into explained (answered or skipped) and unanswered', () => {
    const quiz = generateQuiz({ seed: SEED, count: 4, lesson: null, topics: null });
    let s = startSession(quiz, sessionConfig('practice', null), 0);
    s = sessionReducer(s, { type: 'answer', choice: quiz.questions[0]!.key, at: 1 });
    s = sessionReducer(s, { type: 'next', at: 1 });
    s = sessionReducer(s, { type: 'skip', at: 2 });
    s = sessionReducer(s, { type: 'next', at: 2 });
    s = sessionReducer(s, { type: 'quit', at: 3 });
    expect(summaryIndexes(s)).toEqual({ missed: [1, 2, 3], explained: [1], unanswered: [2, 3] });
  });
});

describe("the tour's quiz from a seed code", () => {
  it("keeps the format the code names: a format-1 code gives its own quiz, not the current format's", () => {
    const env = makeEnv();
    for (const format of [1, 2] as const) {
      const s = start(env, { screen: 'quiz', count: 3, lesson: null, seed: SEED, format });
      const screen = current(s);
      if (screen.kind !== 'quiz') throw new Error(`expected the quiz, got ${screen.kind}`);
      const want = generateQuiz({ seed: SEED, format, count: 3, lesson: null, topics: null });
      expect(screen.quiz.session.quiz.code).toBe(want.code);
      expect(screen.quiz.session.quiz.questions.map((q) => q.id)).toEqual(want.questions.map((q) => q.id));
    }
    expect(generateQuiz({ seed: SEED, format: 1, count: 3, lesson: null, topics: null }).code).toBe('BVPJ-09D0');
  });
});
