// Where the kernel disagreed with the simulator when the lab was first run (kernel 6.x, iptables
// 1.8.9 nf_tables). The kernel wins: these are simulator gaps for the core's owner to fix. Tests
// allow exactly these (and nothing else); once the core models them, they simply stop appearing.

import type { Row } from '../../src/lab/compare.js';

export interface KnownDifference {
  readonly id: string;
  readonly what: string;
  readonly matches: (scenario: string, row: Row) => boolean;
}

// All three differences found on the first run (the outer VXLAN packet's hooks, the REJECT's ICMP
// error in filter OUTPUT, and what tcpdump -i cni0 shows) are now modelled by the core.
export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [];

/** The lab-as-built rows (rules and routes) that differ for a known reason. */
// The pod route order difference is fixed too: podRoutes() sorts as the kernel lists them.
export const KNOWN_STATIC_DIFFERENCES: readonly { readonly id: string; readonly what: string; readonly matches: (row: Row) => boolean }[] = [];

export function unexplained(scenario: string, rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.status === 'diff' && !KNOWN_DIFFERENCES.some((k) => k.matches(scenario, r)));
}
