// A seeded generator (mulberry32): the core's only source of randomness, passed in by callers.

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/** An element drawn uniformly; null for an empty list, which draws nothing (so the draws after it stay put). */
export function pick<T>(rng: Rng, xs: readonly T[]): T | null {
  return xs.length === 0 ? null : xs[rng.int(xs.length)]!;
}

/** A copy in a random order (Fisher-Yates from the last element: one draw for each but the first). */
export function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
