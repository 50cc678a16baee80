// The terminal's size, updated on resize. Ink 6.8 has no useWindowSize, so this listens to the
// stdout stream's 'resize' event itself. A stream without a size (a pipe, a test double) counts
// as 80x24.

import { useEffect, useState } from 'react';
import { useStdout } from 'ink';
import type { Size } from '../state.js';

export const DEFAULT_SIZE: Size = { columns: 80, rows: 24 };

function sizeOf(stream: NodeJS.WriteStream | undefined, fallback: Size): Size {
  const columns = stream?.columns;
  const rows = stream?.rows;
  return {
    columns: typeof columns === 'number' && columns > 0 ? columns : fallback.columns,
    rows: typeof rows === 'number' && rows > 0 ? rows : fallback.rows,
  };
}

export function useTerminalSize(fallback: Size = DEFAULT_SIZE): Size {
  const { stdout } = useStdout();
  const [size, setSize] = useState<Size>(() => sizeOf(stdout, fallback));
  useEffect(() => {
    const onResize = (): void => {
      const next = sizeOf(stdout, fallback);
      setSize((prev) => (prev.columns === next.columns && prev.rows === next.rows ? prev : next));
    };
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fallback.columns, fallback.rows]);
  return size;
}
