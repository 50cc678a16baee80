// A printable quiz: the questions with lettered choices, then the answer key with every choice's
// explanation on a page of its own (a horizontal rule; print with a page break there).

import type { Quiz } from '../types.js';
import { LETTERS, quizTitle, reproduceCommand, scopeText } from './common.js';

/** Escapes the characters Markdown would read as markup. */
export function mdEscape(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

export function quizToMarkdown(quiz: Quiz): string {
  const out: string[] = [
    `# ${mdEscape(quizTitle(quiz))}`,
    '',
    `${mdEscape(scopeText(quiz))}. Cluster: ${mdEscape(quiz.cluster)}.`,
    '',
    `Reproduce: \`${reproduceCommand(quiz, 'markdown')}\``,
    '',
  ];
  quiz.questions.forEach((q, n) => {
    out.push(`## ${n + 1}. ${mdEscape(q.topic)} (lesson ${q.lessons[0] ?? '-'})`, '');
    for (const line of q.prompt.split('\n')) out.push(`${mdEscape(line)}`, '');
    q.choices.forEach((c, i) => out.push(`- **${LETTERS[i]}.** ${mdEscape(c.text)}`));
    out.push('');
  });
  out.push('---', '', '## Answer key', '');
  quiz.questions.forEach((q, n) => {
    out.push(`${n + 1}. **${LETTERS[q.key]}**: ${mdEscape(q.explanation)}`);
    q.choices.forEach((c, i) => {
      if (i !== q.key) out.push(`   - ${LETTERS[i]}: ${mdEscape(c.explanation)}`);
    });
  });
  out.push('');
  return out.join('\n');
}
