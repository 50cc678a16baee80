// Quiz seeds: a 32-bit number, written for people as a short code such as "K7Q2-9XMD".
//
// The code is 8 symbols of Crockford's base32 (0-9 and A-Z without I, L, O, U), 40 bits: the seed's
// 32 bits followed by an 8-bit check, so a mistyped symbol is caught instead of silently giving
// another quiz. Decoding is case-insensitive, ignores hyphens and spaces, and reads O as 0 and I/L
// as 1, as Crockford's scheme does. A plain decimal number (0-4294967295) is accepted as the seed
// itself; a canonical code always has its hyphen, so "12345678" is a number and "1234-5678" a code.
//
// The check also names the quiz format (types.ts QUIZ_FORMAT): format 1's check is the plain hash,
// a later format's is that hash XORed with its own salt. A code made before format 2 therefore still
// reads as format 1 and gives its old questions; a number has no check and means the current format.
// Two formats accept 2 of the 256 check values, so a random typo slips through 1 time in 128
// instead of 1 in 256 (a single mistyped symbol is still caught almost always).
//
// Only integer arithmetic below 2^53: the same code gives the same seed on every machine.

import { QUIZ_FORMAT, QUIZ_FORMATS, type QuizFormat } from './types.js';

export const SEED_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const MAX_SEED = 0xffffffff;

/** An 8-bit check of a 32-bit seed (a multiplicative hash; any fixed mix would do). */
export function seedCheck(seed: number): number {
  let h = seed >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  return (h ^ (h >>> 16)) & 0xff;
}

/** XORed into the check: 0 for format 1, whose codes predate the format in the code. Never reuse a salt. */
const FORMAT_SALT: Readonly<Record<QuizFormat, number>> = { 1: 0x00, 2: 0xa7 };

/** The check of a seed's code in a quiz format. */
export function formatCheck(seed: number, format: QuizFormat): number {
  return seedCheck(seed) ^ FORMAT_SALT[format];
}

/** The canonical code of a seed in a quiz format (the current one by default): "XXXX-XXXX". */
export function seedToCode(seed: number, format: QuizFormat = QUIZ_FORMAT): string {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new RangeError(`seed must be an integer from 0 to ${MAX_SEED}`);
  let value = seed * 256 + formatCheck(seed, format); // < 2^40, exact in a double
  const symbols: string[] = [];
  for (let i = 0; i < 8; i++) {
    symbols.unshift(SEED_ALPHABET[value % 32]!);
    value = Math.floor(value / 32);
  }
  return `${symbols.slice(0, 4).join('')}-${symbols.slice(4).join('')}`;
}

export type SeedParse =
  | { readonly ok: true; readonly seed: number; readonly code: string; readonly format: QuizFormat }
  | { readonly ok: false; readonly reason: string };

/** Reads a seed code (its format from its check) or a plain number (the current format). */
export function parseSeed(text: string): SeedParse {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    if (trimmed.length > 10 || Number(trimmed) > MAX_SEED) return { ok: false, reason: `a numeric seed must be from 0 to ${MAX_SEED}` };
    const seed = Number(trimmed);
    return { ok: true, seed, code: seedToCode(seed), format: QUIZ_FORMAT };
  }
  const symbols = trimmed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (symbols.length !== 8) return { ok: false, reason: 'a seed code has 8 letters and digits, like K7Q2-9XMD (or give a number)' };
  let value = 0;
  for (const ch of symbols) {
    const digit = SEED_ALPHABET.indexOf(ch);
    if (digit < 0) return { ok: false, reason: `"${ch}" cannot appear in a seed code (letters and digits, without U)` };
    value = value * 32 + digit;
  }
  const seed = Math.floor(value / 256);
  const format = QUIZ_FORMATS.find((f) => value % 256 === formatCheck(seed, f));
  if (format === undefined) return { ok: false, reason: 'the code does not check out: a character is probably mistyped' };
  return { ok: true, seed, code: seedToCode(seed, format), format };
}

/** A derived seed: the same parent and label always give the same child (for retries of missed questions). */
export function deriveSeed(parent: number, label: string): number {
  let h = (parent ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}
