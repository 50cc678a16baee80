// --help fits the width (80 when not a terminal) and loses no word of the help text.

import { describe, expect, it } from 'vitest';
import { formatHelp } from '../../src/cli/format-help.js';
import { HELP } from '../../src/cli/help.js';
import { runCli } from '../support/run-cli.js';

const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe('formatHelp', () => {
  for (const width of [80, 60, 40]) {
    it(`keeps every word and every line within ${width} columns`, () => {
      const text = formatHelp(HELP, width);
      // Only a single word longer than the width may stick out (a name cannot be broken).
      expect(text.split('\n').filter((l) => [...l].length > width && l.trim().includes(' '))).toEqual([]);
      expect(words(text)).toEqual(words(HELP));
    });
  }

  it('keeps descriptions in their column', () => {
    const text = formatHelp('Options:\n  --seed N      draw the endpoint from seed N, the same seed giving the same trace everywhere\n', 40);
    expect(text).toBe('Options:\n  --seed N      draw the endpoint from\n                seed N, the same seed\n                giving the same trace\n                everywhere\n');
  });

  it('is what --help prints when stdout is not a terminal', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(formatHelp(HELP, 80));
  });
});
