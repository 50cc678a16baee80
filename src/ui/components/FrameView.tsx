// Draws the frame's lines: one <Text> per line, one nested <Text> per styled segment. The lines
// are already measured (frame.ts), so nothing here wraps or grows.

import { Box, Text } from 'ink';
import type { Line } from '../text.js';
import type { Theme } from '../theme.js';

export function LineView({ line, theme }: { readonly line: Line; readonly theme: Theme }) {
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => (
        <Text key={i} {...theme.style(s.tone)}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

export function FrameView({ lines, theme }: { readonly lines: readonly Line[]; readonly theme: Theme }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <LineView key={i} line={line} theme={theme} />
      ))}
    </Box>
  );
}
