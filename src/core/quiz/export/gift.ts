// GIFT, Moodle's plain-text question format (docs.moodle.org/en/GIFT_format): one multiple-choice
// question per block, "=" the right answer, "~" the wrong ones, "#" each answer's feedback, "####"
// the general feedback. The characters ~ = # { } : and the backslash are escaped with a backslash,
// and line breaks inside a text are written as \n, so no text can end a block early. "->" marks a
// matching pair in GIFT and has no escape, so arrows are written as "→" (U+2192).

import type { Quiz } from '../types.js';
import { quizTitle, reproduceCommand, scopeText } from './common.js';

export function giftEscape(text: string): string {
  return text
    .replace(/->/g, '\u2192')
    .replace(/\\/g, '\\\\')
    .replace(/[~=#{}:]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, '\\n');
}

export function quizToGift(quiz: Quiz): string {
  const out: string[] = [
    `// ${quizTitle(quiz)}: ${scopeText(quiz)}`,
    `// Cluster: ${quiz.cluster}`,
    `// Reproduce: ${reproduceCommand(quiz, 'gift')}`,
    '',
    `$CATEGORY: $course$/kube-packet-tour/${quiz.code}`,
    '',
  ];
  quiz.questions.forEach((q, n) => {
    out.push(`::${giftEscape(`Q${n + 1} ${q.topic} (${quiz.code})`)}::[plain]${giftEscape(q.prompt)}{`);
    q.choices.forEach((c, i) => {
      out.push(`${i === q.key ? '=' : '~'}${giftEscape(c.text)}#${giftEscape(c.explanation)}`);
    });
    out.push(`####${giftEscape(q.explanation)}`);
    out.push('}');
    out.push('');
  });
  return `${out.join('\n')}`;
}
