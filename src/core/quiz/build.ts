// Turning a generator's draft (the key, the distractors) into a Question: distractors that say the
// same as the key or as each other are dropped, at most three are kept, and the choices are put in
// a seeded order. The rule "no two choices the same, exactly one right" is enforced here, once.

import { shuffled, type Rng } from '../random.js';
import type { Choice, Question, QuestionBasis, QuizTopic } from './types.js';

export interface Option {
  readonly value: string;
  readonly text: string;
  readonly explanation: string;
  /** The misconception's stable name; null when the choice is taken from the cluster. */
  readonly misconception?: string | null;
}

export interface Draft {
  readonly topic: QuizTopic;
  readonly prompt: string;
  readonly hint: string;
  readonly basis: QuestionBasis | null;
  readonly key: Option;
  /** In order of preference: the first misconception is always kept. */
  readonly distractors: readonly Option[];
  /** The question's own lessons, home lesson first, when they differ from its topic's (a "what goes wrong" failure). */
  readonly lessons?: readonly number[];
}

export const MAX_CHOICES = 4;

/** The distractors that survive: distinct from the key and from each other, by value and by text. */
export function usableDistractors(key: Option, distractors: readonly Option[]): Option[] {
  const values = new Set([key.value]);
  const texts = new Set([normaliseText(key.text)]);
  const out: Option[] = [];
  for (const d of distractors) {
    const text = normaliseText(d.text);
    if (values.has(d.value) || texts.has(text)) continue;
    values.add(d.value);
    texts.add(text);
    out.push(d);
  }
  return out;
}

function normaliseText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Builds the question, or null when fewer than two distractors are left (a question with two choices is a coin toss). */
export function assemble(id: string, draft: Draft, lessons: readonly number[], rng: Rng, maxChoices = MAX_CHOICES): Question | null {
  const candidates = usableDistractors(draft.key, draft.distractors);
  if (candidates.length < 2) return null;
  const chosen: Option[] = [];
  const firstMisconception = candidates.findIndex((d) => (d.misconception ?? null) !== null);
  const rest = [...candidates];
  if (firstMisconception >= 0) chosen.push(...rest.splice(firstMisconception, 1));
  while (chosen.length < maxChoices - 1 && rest.length > 0) chosen.push(...rest.splice(rng.int(rest.length), 1));
  const options = shuffled(rng, [{ option: draft.key, right: true }, ...chosen.map((option) => ({ option, right: false }))]);
  const choices: Choice[] = options.map(({ option, right }) => ({
    text: option.text,
    value: option.value,
    explanation: option.explanation,
    misconception: right ? null : (option.misconception ?? null),
  }));
  const key = options.findIndex((o) => o.right);
  return {
    id,
    topic: draft.topic,
    lessons,
    prompt: draft.prompt,
    choices,
    key,
    explanation: draft.key.explanation,
    hint: draft.hint,
    basis: draft.basis,
  };
}
