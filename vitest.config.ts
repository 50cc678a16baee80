import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';

// Lessons (.md) and diagrams (.txt) are imported as plain strings, as esbuild's `text` loader does
// in scripts/build.mjs. `enforce: 'pre'` runs before Vite's asset handling, which would turn .txt
// into a URL.
function textImports(): Plugin {
  return {
    name: 'kpt-text-imports',
    enforce: 'pre',
    load(id) {
      const file = id.split('?')[0] ?? id;
      if (!/\.(md|txt)$/.test(file)) return null;
      return { code: `export default ${JSON.stringify(readFileSync(file, 'utf8'))};`, map: null };
    },
  };
}

export default defineConfig({
  plugins: [textImports()],
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // e2e and kernel tests spawn processes and tmux; keep them from starving each other on 2 cores.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    env: { NO_COLOR: '', FORCE_COLOR: '0' },
  },
});
