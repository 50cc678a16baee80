// The exports, read back by real parsers: GIFT by gift-pegjs (the grammar Moodle's GIFT format
// follows), Moodle XML by fast-xml-parser. One right answer per question, every text intact.

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportQuiz, giftEscape } from '../../../src/core/quiz/export/index.js';
import { generateQuiz } from '../../../src/core/quiz/quiz.js';
import { parseSeed } from '../../../src/core/quiz/seed.js';
import type { Question, Quiz } from '../../../src/core/quiz/types.js';

const require = createRequire(import.meta.url);
const gift = require('gift-pegjs') as { parse(text: string): Array<Record<string, any>> };

const quizzes = [
  ...Array.from({ length: 40 }, (_, n) => generateQuiz({ seed: (n * 40503 + 7) >>> 0, count: 12, lesson: null, topics: null })),
  // "What goes wrong" only: its prompts and reasons quote rules ("... has no endpoints"), ports and chains.
  ...Array.from({ length: 6 }, (_, n) => generateQuiz({ seed: (n * 7919 + 3) >>> 0, count: 8, lesson: null, topics: ['what-goes-wrong'] })),
];

/** A quiz whose texts hold every character GIFT and XML treat specially. */
const NASTY = 'a~b=c#d{e}f:g\\h <i> & "j" \'k\' ]]> ::l:: // m -> n\nsecond line ~= end';
const nasty: Quiz = {
  ...quizzes[0]!,
  questions: quizzes[0]!.questions.slice(0, 2).map((q): Question => ({
    ...q,
    prompt: `${NASTY} ${q.prompt}`,
    explanation: `${NASTY} key`,
    choices: q.choices.map((c, i) => ({ ...c, text: `${NASTY} ${i}`, explanation: i === q.key ? `${NASTY} key` : `${NASTY} why ${i}` })),
  })),
};

describe('GIFT', () => {
  it('escapes ~ = # { } : and the backslash, and writes line breaks as \\n', () => {
    expect(giftEscape('a~b=c#d{e}f:g\\h\ni -> j')).toBe('a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni \u2192 j');
  });

  /** GIFT has no escape for "->" (a matching pair), so the export writes arrows as "→". */
  const g = (text: string): string => text.replace(/->/g, '\u2192');

  for (const quiz of [...quizzes, nasty]) {
    it(`${quiz.code}${quiz === nasty ? ' (special characters)' : ''}: gift-pegjs reads every question back with exactly one right answer`, () => {
      const parsed = gift.parse(exportQuiz(quiz, 'gift'));
      expect(parsed[0]).toMatchObject({ type: 'Category', title: `$course$/kube-packet-tour/${quiz.code}` });
      const mc = parsed.filter((x) => x.type === 'MC');
      expect(mc).toHaveLength(quiz.questions.length);
      mc.forEach((x, n) => {
        const q = quiz.questions[n]!;
        expect(x.title).toBe(`Q${n + 1} ${q.topic} (${quiz.code})`);
        expect(x.stem).toEqual({ format: 'plain', text: g(q.prompt) });
        expect(x.choices.filter((c: any) => c.isCorrect)).toHaveLength(1);
        expect(x.choices.map((c: any) => c.text.text)).toEqual(q.choices.map((c) => g(c.text)));
        expect(x.choices.map((c: any) => c.feedback.text)).toEqual(q.choices.map((c) => g(c.explanation)));
        expect(x.choices.findIndex((c: any) => c.isCorrect)).toBe(q.key);
        expect(x.globalFeedback.text).toBe(g(q.explanation));
      });
    });
  }
});

describe('Moodle XML', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', cdataPropName: '#cdata', isArray: (name) => name === 'question' || name === 'answer' });
  const text = (node: any): string => (typeof node === 'string' ? node : (node['#cdata'] ?? node['#text'] ?? ''));
  const unhtml = (html: string): string =>
    html.replace(/<\/p><p>/g, '\n').replace(/<\/?p>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

  for (const quiz of [...quizzes, nasty]) {
    it(`${quiz.code}${quiz === nasty ? ' (special characters)' : ''}: valid XML; one multichoice question each, one answer at 100%`, () => {
      const xml = exportQuiz(quiz, 'moodle-xml');
      expect(XMLValidator.validate(xml)).toBe(true);
      const doc = parser.parse(xml);
      const questions = doc.quiz.question as any[];
      expect(questions[0]['@type']).toBe('category');
      const mc = questions.slice(1);
      expect(mc).toHaveLength(quiz.questions.length);
      mc.forEach((x, n) => {
        const q = quiz.questions[n]!;
        expect(x['@type']).toBe('multichoice');
        expect(String(x.single)).toBe('true');
        expect(unhtml(text(x.questiontext.text))).toBe(q.prompt);
        const fractions = x.answer.map((a: any) => Number(a['@fraction']));
        expect(fractions.filter((f: number) => f === 100)).toHaveLength(1);
        expect(fractions.filter((f: number) => f === 0)).toHaveLength(q.choices.length - 1);
        expect(fractions.indexOf(100)).toBe(q.key);
        expect(x.answer.map((a: any) => unhtml(text(a.text)))).toEqual(q.choices.map((c) => c.text));
        expect(x.answer.map((a: any) => unhtml(text(a.feedback.text)))).toEqual(q.choices.map((c) => c.explanation));
      });
    });
  }
});

describe('JSON and Markdown', () => {
  it('JSON holds the key and every explanation', () => {
    for (const quiz of quizzes.slice(0, 5)) {
      const doc = JSON.parse(exportQuiz(quiz, 'json'));
      expect(doc).toMatchObject({ schema: 'kube-packet-tour/quiz', seed: quiz.seed, code: quiz.code });
      doc.questions.forEach((x: any, n: number) => {
        const q = quiz.questions[n]!;
        expect(x.key).toBe(q.key);
        expect(x.choices.filter((c: any) => c.correct)).toHaveLength(1);
        expect(x.answer).toBe('ABCDE'[q.key]);
        expect(x.basis).toEqual(q.basis);
      });
    }
  });

  it('Markdown lists the questions, then an answer key with each letter', () => {
    const quiz = quizzes[1]!;
    const md = exportQuiz(quiz, 'markdown');
    const [questions, key] = md.split('\n## Answer key\n');
    expect(questions).toContain(`# kube-packet-tour quiz ${quiz.code}`);
    expect(questions!.match(/^## \d+\. /gm)).toHaveLength(quiz.questions.length);
    quiz.questions.forEach((q, n) => expect(key).toContain(`${n + 1}. **${'ABCDE'[q.key]}**:`));
    expect(exportQuiz(nasty, 'markdown')).toContain('a~b=c\\#d{e}f:g\\\\h \\<i\\>');
  });
});

describe('same seed, same bytes', () => {
  // Golden exports of one class quiz: a change to them changes every teacher's quiz for that seed,
  // which needs a new quiz format (QUIZ_FORMAT) and a major version. UPDATE_QUIZ_GOLDEN=1 rewrites them.
  // BVPJ-09D0 is a format-1 code (made before format 2): it must keep its questions for good.
  // BVPJ-0987 is the same seed in format 2, with "what goes wrong" in its draw.
  const dir = new URL('./golden/', import.meta.url);
  for (const [code, quizFormat] of [['BVPJ-09D0', 1], ['BVPJ-0987', 2]] as const) {
    const seed = parseSeed(code);
    it(`${code} is a valid format-${quizFormat} code`, () => expect(seed).toMatchObject({ ok: true, format: quizFormat }));
    const quiz = generateQuiz({ seed: seed.ok ? seed.seed : 0, format: seed.ok ? seed.format : 1, count: 10, lesson: null, topics: null });
    for (const format of EXPORT_FORMATS) {
      it(`${code} ${format} matches the golden file`, () => {
        const file = new URL(`${code}.${format === 'moodle-xml' ? 'xml' : format === 'markdown' ? 'md' : format}`, dir);
        const text = exportQuiz(quiz, format);
        if (process.env.UPDATE_QUIZ_GOLDEN === '1') {
          mkdirSync(dir, { recursive: true });
          writeFileSync(file, text);
        }
        expect(text).toBe(readFileSync(file, 'utf8'));
      });
    }
  }
  it('the format-2 golden asks what goes wrong; the format-1 golden does not', () => {
    expect(readFileSync(new URL('BVPJ-0987.json', dir), 'utf8')).toContain('"topic": "what-goes-wrong"');
    expect(readFileSync(new URL('BVPJ-09D0.json', dir), 'utf8')).not.toContain('what-goes-wrong');
  });
});
