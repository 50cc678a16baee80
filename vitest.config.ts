import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // e2e and kernel tests spawn processes and tmux; keep them from starving each other on 2 cores.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    env: { NO_COLOR: '', FORCE_COLOR: '0' },
  },
});
