// A segment's style as ANSI text, applied exactly as Ink's <Text> applies the same props (same chalk,
// same order: dim, colour, bold, italic, underline, inverse), so a whole frame can be one <Text>.
// chalk also decides, as it does for Ink, whether the terminal gets colour at all.

import chalk from 'chalk';
import type { TextStyle } from './theme.js';

type ChalkColour = Extract<keyof typeof chalk, 'black' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | 'gray'>;

export function styled(text: string, style: TextStyle): string {
  let out = text;
  if (style.dimColor) out = chalk.dim(out);
  if (style.color !== undefined) out = chalk[style.color as ChalkColour](out);
  if (style.bold) out = chalk.bold(out);
  if (style.italic) out = chalk.italic(out);
  if (style.underline) out = chalk.underline(out);
  if (style.inverse) out = chalk.inverse(out);
  return out;
}
