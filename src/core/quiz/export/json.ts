// The quiz with its answer key as JSON: everything the generator produced, in a fixed key order.

import type { Quiz } from '../types.js';
import { LETTERS, reproduceCommand } from './common.js';

export const QUIZ_JSON_SCHEMA = 'kube-packet-tour/quiz';

export function quizToJson(quiz: Quiz): string {
  const doc = {
    schema: QUIZ_JSON_SCHEMA,
    format: quiz.format,
    seed: quiz.seed,
    code: quiz.code,
    lesson: quiz.lesson,
    count: quiz.count,
    topics: quiz.topics,
    cluster: quiz.cluster,
    reproduce: reproduceCommand(quiz),
    questions: quiz.questions.map((q, n) => ({
      number: n + 1,
      id: q.id,
      topic: q.topic,
      lessons: q.lessons,
      prompt: q.prompt,
      choices: q.choices.map((c, i) => ({ letter: LETTERS[i], text: c.text, correct: i === q.key, value: c.value, explanation: c.explanation, misconception: c.misconception })),
      key: q.key,
      answer: LETTERS[q.key],
      explanation: q.explanation,
      hint: q.hint,
      basis: q.basis,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
