// Inline Markdown, the small subset lessons use: `code`, **strong**, *em*, and backslash escapes.
// Anything else (links, HTML, images) stays as literal text.

import type { Span } from './types.js';

/** Split inline Markdown into styled spans. Adjacent plain text is merged. */
export function parseInline(text: string): Span[] {
  const spans: Span[] = [];
  let plain = '';
  const flush = (): void => {
    if (plain !== '') spans.push({ text: plain, style: 'plain' });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length && /[\\`*_|{}[\]()#+\-.!>]/.test(text[i + 1] as string)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      // A code span opened by N backticks closes at the next run of exactly N backticks.
      let n = 1;
      while (text[i + n] === '`') n++;
      const fence = '`'.repeat(n);
      let close = text.indexOf(fence, i + n);
      while (close >= 0 && text[close + n] === '`') close = text.indexOf(fence, close + n + 1);
      if (close >= 0) {
        flush();
        let code = text.slice(i + n, close);
        if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
        spans.push({ text: code, style: 'code' });
        i = close + n;
        continue;
      }
    }
    if (ch === '*' && text[i + 1] === '*') {
      const close = text.indexOf('**', i + 2);
      if (close > i + 2 && text[i + 2] !== ' ' && text[close - 1] !== ' ') {
        flush();
        spans.push({ text: stripEscapes(text.slice(i + 2, close)), style: 'strong' });
        i = close + 2;
        continue;
      }
    }
    if (ch === '*' && text[i + 1] !== '*' && text[i + 1] !== ' ' && i + 1 < text.length) {
      const close = text.indexOf('*', i + 1);
      if (close > i + 1 && text[close - 1] !== ' ' && text[close + 1] !== '*') {
        flush();
        spans.push({ text: stripEscapes(text.slice(i + 1, close)), style: 'em' });
        i = close + 1;
        continue;
      }
    }
    plain += ch;
    i++;
  }
  flush();
  return spans;
}

function stripEscapes(text: string): string {
  return text.replace(/\\([\\`*_|{}[\]()#+\-.!>])/g, '$1');
}

/** The text as the learner reads it: markup removed. */
export function plainText(spans: readonly Span[]): string {
  return spans.map((s) => s.text).join('');
}
