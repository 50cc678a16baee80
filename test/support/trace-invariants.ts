// Invariants every trace keeps, whatever the data plane: shared by the property tests so that each
// states them once and a new data plane's tests cannot forget one.

import type { Hop } from '../../src/core/trace-model.js';

/** Hops are numbered 1, 2, 3, ... in order. */
export function indexViolations(hops: readonly Hop[]): string[] {
  const v: string[] = [];
  hops.forEach((h, i) => {
    if (h.index !== i + 1) v.push(`hop ${i + 1} has index ${h.index}`);
  });
  return v;
}

/** Within each direction the TTL only ever falls (or stays). */
export function ttlViolations(hops: readonly Hop[]): string[] {
  const v: string[] = [];
  for (const d of ['request', 'reply'] as const) {
    const ttl = hops.filter((h) => h.direction === d).map((h) => h.packet.ttl);
    ttl.forEach((x, i) => {
      if (i > 0 && x > ttl[i - 1]!) v.push(`${d} TTL rises ${ttl[i - 1]} -> ${x}`);
    });
  }
  return v;
}
