// A question with numbered choices, shared by the stepper's predictions and the quiz: the prompt,
// then "› 1. choice" rows with a hanging indent. The reducer owns the cursor; this only draws.

import type { Question } from '../../core/quiz/types.js';
import { BLANK, prefixLines, seg, wrapSegs, type Line, type Seg } from '../text.js';
import type { Theme, Tone } from '../theme.js';

export interface ChoiceLines {
  readonly lines: Line[];
  /** First and last line of each choice. */
  readonly spans: { readonly from: number; readonly to: number }[];
}

/** Paragraphs of text ("\n" separated), wrapped, one column of margin. */
export function paragraphs(text: string, width: number, tone?: Tone, lead: readonly Seg[] = [], indent = 0): Line[] {
  const out: Line[] = [];
  // Wrapping drops leading spaces, so a block indent is a margin added to every line.
  const margin = seg(' '.repeat(1 + indent));
  text.split('\n').forEach((p, i) => {
    const segs = i === 0 ? [...lead, seg(p, tone)] : [seg(p, tone)];
    out.push(...wrapSegs(segs, width - 1 - indent).map((l) => [margin, ...l]));
  });
  return out;
}

/**
 * The choices; `cursor` null draws no pointer. `marks` adds a word after a choice (never colour
 * alone): "(your answer)", "(the answer)", "(tried)".
 */
export function choiceLines(question: Question, cursor: number | null, theme: Theme, width: number, marks: ReadonlyMap<number, { text: string; tone: Tone }> = new Map()): ChoiceLines {
  const lines: Line[] = [];
  const spans: { from: number; to: number }[] = [];
  question.choices.forEach((c, i) => {
    const selected = i === cursor;
    const num = `${i + 1}.`;
    const mark = marks.get(i);
    const pointer = selected ? theme.glyphs.pointer : ' ';
    const text: Seg[] = [seg(c.text, selected ? 'selected' : undefined)];
    if (selected && theme.screenReader) text.push(seg(' (selected)'));
    if (mark !== undefined) text.push(seg(` ${mark.text}`, mark.tone));
    const indent = 3 + num.length + 1;
    const wrapped = wrapSegs(text, Math.max(8, width - indent));
    const from = lines.length;
    lines.push(...prefixLines(wrapped, [seg(` ${pointer} `, selected ? 'selected' : undefined), seg(`${num} `, 'key')], [seg(' '.repeat(indent))]));
    spans.push({ from, to: lines.length - 1 });
  });
  return { lines, spans };
}

/** Prompt, a blank line, the choices; `focus` is the cursor's choice in body coordinates. */
export function questionBody(question: Question, cursor: number | null, theme: Theme, width: number, before: readonly Line[] = [], after: readonly Line[] = [], marks?: ReadonlyMap<number, { text: string; tone: Tone }>): { body: Line[]; focus: { from: number; to: number } | null } {
  const prompt = paragraphs(question.prompt, width, 'strong');
  const head: Line[] = [...before, ...prompt, BLANK];
  const choices = choiceLines(question, cursor, theme, width, marks);
  const span = cursor === null ? null : (choices.spans[cursor] ?? null);
  const body = [...head, ...choices.lines, ...after];
  return { body, focus: span === null ? null : { from: head.length + span.from, to: head.length + span.to + after.length } };
}
