// The stub resolver's search walk: which fully-qualified names it asks for, in order.
// glibc: resolv/res_query.c __res_context_search. musl: src/network/lookup_name.c name_from_dns_search.

import { countDots, joinDomain, toFqdn } from './names.js';

export type ResolverFlavour = 'glibc' | 'musl';

export interface SearchConf {
  readonly search: readonly string[];
  readonly ndots: number;
}

/** Both resolvers clamp `options ndots:` to 15 (glibc RES_MAXNDOTS; musl caps it when parsing). */
export const MAX_NDOTS = 15;

/**
 * The names the resolver tries, fully qualified with a trailing dot, in order.
 *
 * - A trailing dot makes the name absolute: both resolvers try it once, as is.
 * - glibc: when the name has at least `ndots` dots it tries the name as is first, then every search
 *   domain; otherwise every search domain first and the bare name last.
 * - musl: when the name has at least `ndots` dots it does no search at all; otherwise every search
 *   domain, then the bare name.
 *
 * This is only the order of candidates; when the walk stops (NXDOMAIN vs NODATA) is decided in lookup.ts.
 */
export function resolverCandidates(name: string, conf: SearchConf, flavour: ResolverFlavour): string[] {
  if (name === '' || name === '.') return [];
  if (name.endsWith('.')) return [toFqdn(name)];
  const ndots = Math.min(Math.max(conf.ndots, 0), MAX_NDOTS);
  const searched = conf.search.map((domain) => joinDomain(name, domain));
  const asIs = toFqdn(name);
  if (countDots(name) >= ndots) {
    return flavour === 'glibc' ? unique([asIs, ...searched]) : [asIs];
  }
  return unique([...searched, asIs]);
}

/** A search domain equal to the root ("." or "") would repeat the as-is name; each name is tried once. */
function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}
