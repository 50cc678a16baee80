// The same cluster with kube-proxy in another mode (--proxy-mode, trace --compare proxy-mode).
// Each variant of one base object is built once, so the per-cluster caches (memo.ts) keep working.

import { memoByObject } from '../memo.js';
import type { ClusterModel, ProxyMode } from './model.js';

const byMode = memoByObject((_: ClusterModel) => new Map<ProxyMode, ClusterModel>());

export function withProxyMode(base: ClusterModel, mode: ProxyMode): ClusterModel {
  if (base.proxy.mode === mode) return base;
  const cache = byMode(base);
  let c = cache.get(mode);
  if (c === undefined) {
    c = { ...base, proxy: { ...base.proxy, mode } };
    cache.set(mode, c);
  }
  return c;
}
