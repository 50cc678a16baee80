// The frame is drawn as one <Text> with ANSI codes made by styled(); it must look exactly as the
// nested <Text> per segment that Ink would style itself, for every tone, in colour and without.

import chalk from 'chalk';
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameView } from '../../src/ui/components/FrameView.js';
import { seg, type Line } from '../../src/ui/text.js';
import { makeTheme, type Theme, type Tone } from '../../src/ui/theme.js';

const TONES: Tone[] = ['title', 'heading', 'label', 'muted', 'key', 'selected', 'here', 'changed', 'rule', 'code', 'command', 'precision', 'diagram', 'good', 'bad', 'focus', 'strong', 'em'];

// Every tone once, mixed with unstyled text, plus an empty line.
const LINES: Line[] = [
  ...TONES.map((tone) => [seg('before '), seg(`${tone} text`, tone), seg(' after')]),
  [],
  [seg('dst '), seg('10.96.1.20', 'changed'), seg(' → ', 'muted'), seg('10.244.2.6:8080', 'changed')],
];

// How the frame used to be drawn: one <Text> per line, one nested <Text> per segment.
function NestedTexts({ lines, theme }: { readonly lines: readonly Line[]; readonly theme: Theme }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) =>
        line.length === 0 ? (
          <Text key={i}> </Text>
        ) : (
          <Text key={i}>
            {line.map((s, k) => (
              <Text key={k} {...theme.style(s.tone)}>
                {s.text}
              </Text>
            ))}
          </Text>
        ),
      )}
    </Box>
  );
}

const frame = (node: React.JSX.Element): string => {
  const r = render(node);
  const out = r.lastFrame() ?? '';
  r.unmount();
  // An empty line is drawn as one space by the nested form and as nothing by the single text.
  return out.split('\n').map((l) => l.trimEnd()).join('\n');
};

const level = chalk.level;
afterEach(() => {
  chalk.level = level;
});

describe('FrameView', () => {
  for (const chalkLevel of [0, 1, 3] as const) {
    for (const color of [true, false]) {
      it(`draws the same text and styles as nested <Text>s (chalk level ${chalkLevel}, colour ${color})`, () => {
        chalk.level = chalkLevel;
        const theme = makeTheme({ ascii: false, color, screenReader: false });
        const single = frame(<FrameView lines={LINES} theme={theme} />);
        expect(single).toBe(frame(<NestedTexts lines={LINES} theme={theme} />));
        // Level 0 means no escape codes at all; otherwise the changed fields are marked by a style.
        if (chalkLevel === 0) expect(single).not.toContain('\u001b[');
        else expect(single).toMatch(/\u001b\[1m(\u001b\[33m)?10\.96\.1\.20/);
      });
    }
  }
});
