// --help at the terminal's width (80 when not a terminal). The help text is written as two-column
// entries ("  --seed N      what it does", continuation lines indented to the description) and
// prose; an entry's description is re-wrapped under its own column, prose at the left margin.

import { wrap } from '../plain/wrap.js';

const ENTRY = /^(\s+\S(?:\S| (?! ))*\s{2,})(\S.*)$/;

export function formatHelp(text: string, width: number): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = ENTRY.exec(line);
    if (m === null) {
      const indent = /^\s*/.exec(line)![0];
      out.push(...(line.length <= width ? [line] : wrap(line, width, indent)));
      continue;
    }
    const term = m[1]!;
    const column = term.length;
    let description = m[2]!;
    // Continuation lines: indented exactly to the description's column.
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]!) && /^\s*/.exec(lines[i + 1]!)![0].length === column) {
      description += ` ${lines[++i]!.trim()}`;
    }
    const longest = Math.max(...description.split(/\s+/).map((w) => w.length));
    if (width - column >= Math.max(24, longest)) {
      wrap(description, width - column).forEach((l, k) => out.push(k === 0 ? `${term}${l}` : `${' '.repeat(column)}${l}`));
    } else {
      // Too narrow for two columns: the description goes under its term.
      out.push(term.trimEnd(), ...wrap(description, width, '      '));
    }
  }
  return out.join('\n');
}
