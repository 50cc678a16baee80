// loadTour hides the global fetch while Ink's chunk loads (so yoga does not load undici); it must
// give the tour back and leave fetch exactly as it was, also when the import fails.

import { describe, expect, it, vi } from 'vitest';
import { loadTour } from '../../src/cli/load-tour.js';

describe('loadTour', () => {
  it('loads the tour and puts the global fetch back as it was', async () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
    const tour = await loadTour();
    expect(typeof tour.runTour).toBe('function');
    expect(Object.getOwnPropertyDescriptor(globalThis, 'fetch')).toEqual(before);
    expect(typeof globalThis.fetch).toBe('function');
  });

  it('hides fetch while the chunk is evaluated', async () => {
    vi.resetModules();
    let seen: string | null = null;
    vi.doMock('../../src/ui/index.js', () => {
      seen = typeof globalThis.fetch;
      return { runTour: () => Promise.resolve(0) };
    });
    const { loadTour: fresh } = await import('../../src/cli/load-tour.js');
    await fresh();
    vi.doUnmock('../../src/ui/index.js');
    expect(seen).toBe('undefined');
    expect(typeof globalThis.fetch).toBe('function');
  });

  it('puts fetch back when the chunk fails to load', async () => {
    vi.resetModules();
    vi.doMock('../../src/ui/index.js', () => {
      throw new Error('chunk missing');
    });
    const { loadTour: fresh } = await import('../../src/cli/load-tour.js');
    await expect(fresh()).rejects.toThrow();
    vi.doUnmock('../../src/ui/index.js');
    expect(typeof globalThis.fetch).toBe('function');
  });
});
