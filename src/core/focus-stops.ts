import type { Direction, Hop, HopStep } from './trace-model.js';

/**
 * A lesson's stops: for each focus step, the first hop with that step (in the given direction, or
 * either). Sorted by position, without repeats. The stepper and the plain lesson text both use it,
 * so they always stop at the same hops.
 */
export function focusStops(hops: readonly Hop[], focus: readonly HopStep[], direction: Direction | null): number[] {
  const out = new Set<number>();
  for (const step of focus) {
    const i = hops.findIndex((h) => h.step === step && (direction === null || h.direction === direction));
    if (i >= 0) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}
