import { describe, expect, it } from 'vitest';
import { generateQuiz, retrySpec } from '../../../src/core/quiz/quiz.js';
import { quizResult } from '../../../src/core/quiz/results.js';
import { deriveSeed, parseSeed, seedToCode, SEED_ALPHABET } from '../../../src/core/quiz/seed.js';
import { QUIZ_FORMAT } from '../../../src/core/quiz/types.js';
import { exportQuiz } from '../../../src/core/quiz/export/index.js';
import { currentQuestion, missedIndexes, sessionConfig, sessionReducer, sessionScore, startSession, type SessionAction, type SessionState } from '../../../src/core/quiz/session.js';
import { makeVariant } from '../../../src/core/quiz/variant.js';

describe('seed codes', () => {
  it('round-trips every kind of seed, case- and hyphen-insensitively', () => {
    for (const seed of [0, 1, 42, 0x5eed2025, 0x7fffffff, 0x80000000, 0xffffffff, 123456789]) {
      const code = seedToCode(seed);
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(parseSeed(code)).toEqual({ ok: true, seed, code, format: QUIZ_FORMAT });
      expect(parseSeed(code.toLowerCase().replace('-', ' '))).toEqual({ ok: true, seed, code, format: QUIZ_FORMAT });
      expect(parseSeed(String(seed))).toEqual({ ok: true, seed, code, format: QUIZ_FORMAT });
      const old = seedToCode(seed, 1);
      expect(old).not.toBe(code);
      expect(parseSeed(old)).toEqual({ ok: true, seed, code: old, format: 1 });
    }
    expect(SEED_ALPHABET).toHaveLength(32);
  });

  it('a code made before format 2 still reads as format 1 (its check is the plain hash)', () => {
    expect(parseSeed('BVPJ-09D0')).toMatchObject({ ok: true, format: 1, code: 'BVPJ-09D0' });
    expect(parseSeed('bvpj 09d0')).toMatchObject({ ok: true, format: 1, code: 'BVPJ-09D0' });
    const seed = (parseSeed('BVPJ-09D0') as { seed: number }).seed;
    expect(seedToCode(seed, 2)).toBe('BVPJ-0987');
    expect(parseSeed('BVPJ-0987')).toMatchObject({ ok: true, seed, format: 2 });
  });

  it('reads O as 0 and I, L as 1 (Crockford)', () => {
    const code = seedToCode(0x10101010);
    const fuzzy = code.replace(/0/g, 'o').replace(/1/g, 'l');
    expect(parseSeed(fuzzy)).toMatchObject({ ok: true, seed: 0x10101010 });
  });

  it('catches a mistyped symbol with the check bits', () => {
    const code = seedToCode(0x5eed2025);
    let caught = 0;
    for (let i = 0; i < code.length; i++) {
      if (code[i] === '-') continue;
      const other = SEED_ALPHABET[(SEED_ALPHABET.indexOf(code[i]!) + 1) % 32]!;
      const typo = code.slice(0, i) + other + code.slice(i + 1);
      if (!parseSeed(typo).ok) caught++;
    }
    expect(caught).toBeGreaterThanOrEqual(7);
  });

  it.each([['K7Q2-9XM'], ['U7Q2-9XMD'], ['4294967296'], ['hello']])('refuses %s with a reason', (text) => {
    const r = parseSeed(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(10);
  });

  it('derives child seeds deterministically', () => {
    expect(deriveSeed(7, 'retry:1,2')).toBe(deriveSeed(7, 'retry:1,2'));
    expect(deriveSeed(7, 'retry:1,2')).not.toBe(deriveSeed(7, 'retry:1,3'));
    expect(deriveSeed(7, 'x')).toBeGreaterThanOrEqual(0);
  });

  it('a variant is the same cluster on every call', () => {
    expect(JSON.stringify(makeVariant(99))).toBe(JSON.stringify(makeVariant(99)));
    expect(JSON.stringify(makeVariant(99))).not.toBe(JSON.stringify(makeVariant(100)));
  });
});

describe('session reducer', () => {
  const quiz = generateQuiz({ seed: 4242, count: 4, lesson: null, topics: null });
  const wrong = (s: SessionState) => (currentQuestion(s)!.key + 1) % currentQuestion(s)!.choices.length;
  const right = (s: SessionState) => currentQuestion(s)!.key;
  const run = (s: SessionState, actions: Array<(s: SessionState) => SessionAction>) => actions.reduce((acc, a) => sessionReducer(acc, a(acc)), s);

  it('practice: a wrong try, then another; feedback after the question; right only on the first try', () => {
    let s = startSession(quiz, sessionConfig('practice'), 1000);
    s = sessionReducer(s, { type: 'answer', choice: wrong(s), at: 2000 });
    expect(s.phase).toBe('question');
    expect(s.feedback).toMatchObject({ kind: 'retry' });
    s = sessionReducer(s, { type: 'hint', at: 2100 });
    expect(s.hintShown).toBe(true);
    s = sessionReducer(s, { type: 'answer', choice: right(s), at: 3000 });
    expect(s.phase).toBe('feedback');
    expect(s.feedback).toMatchObject({ kind: 'right' });
    expect(s.answers[0]).toMatchObject({ correct: false, solved: true, hintUsed: true, ms: 2000 });
    s = sessionReducer(s, { type: 'next', at: 3500 });
    s = sessionReducer(s, { type: 'answer', choice: right(s), at: 4000 });
    expect(s.answers[1]).toMatchObject({ correct: true, ms: 500 });
    s = run(s, [(x) => ({ type: 'next', at: 4100 }), (x) => ({ type: 'answer', choice: wrong(x), at: 4200 }), (x) => ({ type: 'answer', choice: (wrong(x) + 1) % currentQuestion(x)!.choices.length === right(x) ? (wrong(x) + 2) % currentQuestion(x)!.choices.length : (wrong(x) + 1) % currentQuestion(x)!.choices.length, at: 4300 })]);
    expect(s.feedback).toMatchObject({ kind: 'wrong' });
    s = run(s, [() => ({ type: 'next', at: 4400 }), () => ({ type: 'skip', at: 4500 }), () => ({ type: 'next', at: 4600 })]);
    expect(s.phase).toBe('finished');
    expect(s.endReason).toBe('completed');
    expect(sessionScore(s)).toEqual({ right: 1, solvedLater: 1, answered: 4, total: 4, percent: 25 });
    expect(missedIndexes(s)).toEqual([0, 2, 3]);
  });

  it('exam: one try, no hints, no feedback; time up ends it and later answers are refused', () => {
    let s = startSession(quiz, sessionConfig('exam', 60_000), 0);
    s = sessionReducer(s, { type: 'hint', at: 10 });
    expect(s.hintShown).toBe(false);
    s = sessionReducer(s, { type: 'answer', choice: wrong(s), at: 1000 });
    expect(s.phase).toBe('question');
    expect(s.current).toBe(1);
    expect(s.answers[0]).toMatchObject({ correct: false, tries: [expect.any(Number)] });
    s = sessionReducer(s, { type: 'answer', choice: right(s), at: 2000 });
    const before = s;
    s = sessionReducer(s, { type: 'answer', choice: right(s), at: 60_000 });
    expect(s).toMatchObject({ phase: 'finished', endReason: 'time-up', finishedAt: 60_000 });
    expect(s.answers).toEqual(before.answers);
    expect(sessionReducer(s, { type: 'answer', choice: 0, at: 60_001 })).toBe(s);
    const result = quizResult(s);
    expect(result).toMatchObject({ schema: 'kube-packet-tour/quiz-result', seed: 4242, code: quiz.code, mode: 'exam', endReason: 'time-up', score: { right: 1, total: 4, percent: 25 }, missed: [1, 3, 4] });
    expect(result.answers[2]).toMatchObject({ answer: null, right: false, ms: null });
    expect(result.durationMs).toBe(60_000);
  });

  it('an answer outside the choices is reported, not recorded; quit keeps what was answered', () => {
    let s = startSession(quiz, sessionConfig('practice'), 0);
    s = sessionReducer(s, { type: 'answer', choice: 9, at: 1 });
    expect(s.feedback).toEqual({ kind: 'invalid', input: 9 });
    expect(s.answers).toEqual([]);
    s = sessionReducer(s, { type: 'answer', choice: right(s), at: 2 });
    s = sessionReducer(s, { type: 'quit', at: 3 });
    expect(s).toMatchObject({ phase: 'finished', endReason: 'quit' });
    expect(s.answers).toHaveLength(1);
  });

  it('a retry is a fresh variant of the missed topics, the same for the same misses', () => {
    const spec = retrySpec(quiz, [0, 2]);
    expect(spec.topics).toEqual([...new Set([quiz.questions[0]!.topic, quiz.questions[2]!.topic])]);
    expect(spec.seed).not.toBe(quiz.seed);
    const a = generateQuiz(spec);
    expect(a.questions.map((q) => q.topic).every((t) => spec.topics!.includes(t))).toBe(true);
    expect(a.questions).toHaveLength(2);
    expect(JSON.stringify(generateQuiz(retrySpec(quiz, [2, 0])))).toBe(JSON.stringify(a));
  });

  it('a format-2 code gives the same quiz every time; a format-1 code gives its format-1 quiz', () => {
    for (const seed of [7, 0x5eed2025, 4000000000]) {
      const a = generateQuiz({ seed, count: 12, lesson: null, topics: null });
      expect(a.format).toBe(2);
      expect(a.code).toBe(seedToCode(seed, 2));
      expect(exportQuiz(generateQuiz({ seed, format: 2, count: 12, lesson: null, topics: null }), 'json')).toBe(exportQuiz(a, 'json'));
      const old = generateQuiz({ seed, format: 1, count: 12, lesson: null, topics: null });
      expect(old.format).toBe(1);
      expect(old.code).toBe(seedToCode(seed, 1));
      expect(JSON.parse(exportQuiz(old, 'json')).format).toBe(1);
      expect(exportQuiz(generateQuiz({ seed, format: 1, count: 12, lesson: null, topics: null }), 'json')).toBe(exportQuiz(old, 'json'));
    }
  });

  it('a retry keeps the format of the quiz it retries', () => {
    const old = generateQuiz({ seed: 99, format: 1, count: 6, lesson: null, topics: null });
    const spec = retrySpec(old, [0, 1]);
    expect(spec.format).toBe(1);
    expect(generateQuiz(spec).code).toBe(seedToCode(spec.seed, 1));
    expect(retrySpec(generateQuiz({ seed: 99, count: 6, lesson: null, topics: null }), [0]).format).toBe(2);
  });

  it('a lesson quiz asks that lesson\'s topics only', () => {
    for (let lesson = 1; lesson <= 11; lesson++) {
      const q = generateQuiz({ seed: lesson * 1000, count: 5, lesson, topics: null });
      expect(q.questions.length).toBeGreaterThan(0);
      for (const x of q.questions) expect(x.lessons).toContain(lesson);
    }
  });
});

describe('purity', () => {
  it('the quiz core and the progress document use no node:*, clock, process or Math.random', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const root = new URL('../../../src/core/', import.meta.url);
    const files = [
      ...readdirSync(new URL('quiz/', root), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => new URL(`quiz/${f}`, root)),
      new URL('progress.ts', root),
    ];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, f.pathname).not.toMatch(/from 'node:|Math\.random|Date\.now\(|new Date\(\)|\bprocess\.|from 'conf'|from 'ink'/);
    }
  });
});
