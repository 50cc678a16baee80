// What every export says about the quiz it holds, so a teacher can regenerate it.

import type { Quiz } from '../types.js';

export const LETTERS = 'ABCDEFGH';

export function quizTitle(quiz: Quiz): string {
  return `kube-packet-tour quiz ${quiz.code}`;
}

/** The command that prints this quiz again. */
export function reproduceCommand(quiz: Quiz, format: string | null = null): string {
  const parts = ['kube-packet-tour quiz', `--seed ${quiz.code}`, `--count ${quiz.count}`];
  if (quiz.lesson !== null) parts.push(`--lesson ${quiz.lesson}`);
  if (format !== null) parts.push(`--export ${format}`);
  return parts.join(' ');
}

export function scopeText(quiz: Quiz): string {
  const n = quiz.questions.length;
  const what = quiz.topics !== null ? 'a retry of missed topics' : quiz.lesson === null ? 'all lessons' : `lesson ${quiz.lesson}`;
  return `${n} question${n === 1 ? '' : 's'}, ${what}`;
}
