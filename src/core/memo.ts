// Memoisation for derived data of an immutable input (a cluster, a table). The core's inputs are
// readonly, so caching what is derived from them changes no result, only the cost of a trace.

export function memoByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      cache.set(key, value);
    }
    return value;
  };
}

/** A bounded memo for pure functions of a string (addresses, CIDRs). */
export function memoByString<V>(compute: (key: string) => V, limit = 4096): (key: string) => V {
  const cache = new Map<string, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined && !cache.has(key)) {
      value = compute(key);
      if (cache.size >= limit) cache.clear();
      cache.set(key, value);
    }
    return value as V;
  };
}

/** A memo of a pure function of an immutable object and a small key: one value per pair, built once. */
export function memoByObjectAndKey<K extends object, P, V>(compute: (base: K, key: P) => V): (base: K, key: P) => V {
  const perBase = memoByObject((_: K) => new Map<P, V>());
  return (base, key) => {
    const cache = perBase(base);
    let value = cache.get(key);
    if (value === undefined && !cache.has(key)) {
      value = compute(base, key);
      cache.set(key, value);
    }
    return value as V;
  };
}
