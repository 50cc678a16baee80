// Draws the frame: one <Text> holding every line, styled with the same ANSI codes Ink's nested
// <Text>s would produce. The lines are already measured and fitted (frame.ts), so nothing here
// wraps or grows. One text node instead of one per line and segment keeps Ink's layout and diffing
// work (and the tour's first frame) small.

import { Text } from 'ink';
import type { Line } from '../text.js';
import type { Theme } from '../theme.js';
import { styled } from '../styled.js';

export function frameText(lines: readonly Line[], theme: Theme): string {
  return lines.map((line) => line.map((s) => styled(s.text, theme.style(s.tone))).join('')).join('\n');
}

export function FrameView({ lines, theme }: { readonly lines: readonly Line[]; readonly theme: Theme }) {
  return <Text>{frameText(lines, theme)}</Text>;
}
