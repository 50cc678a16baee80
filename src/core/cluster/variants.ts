// Cluster variants: the built-in cluster with one knob turned (the CNI backend, br_netfilter, an
// extra Service), for `--cni`, the failure scenarios and `trace --compare`. Each variant of one base
// object is built once, so the per-cluster caches of the core (memo.ts) keep working.

import { memoByObject } from '../memo.js';
import type { ClusterModel, CniKind } from './model.js';

const byCni = memoByObject((_: ClusterModel) => new Map<CniKind, ClusterModel>());

/** The same cluster with another CNI data plane (routes, devices and encapsulation follow it). */
export function withCni(base: ClusterModel, cni: CniKind): ClusterModel {
  if (base.network.cni === cni) return base;
  const cache = byCni(base);
  let c = cache.get(cni);
  if (c === undefined) {
    c = { ...base, network: { ...base.network, cni } };
    cache.set(cni, c);
  }
  return c;
}

/** The CNI data planes the simulator walks today. */
export const SIMULATED_CNIS: readonly CniKind[] = ['flannel-vxlan', 'flannel-host-gw'];
