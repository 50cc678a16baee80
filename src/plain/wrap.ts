/** Wraps text at word boundaries to `width` columns, indenting continuation lines. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line === '' ? `${indent}${word}` : `${line} ${word}`;
    if (candidate.length > width && line !== '') {
      out.push(line);
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
  }
  if (line !== '') out.push(line);
  return out;
}
