// The same cluster with kube-proxy in another mode (--proxy-mode, trace --compare proxy-mode).
// Each variant of one base object is built once, so the per-cluster caches (memo.ts) keep working.

import { memoByObjectAndKey } from '../memo.js';
import type { ClusterModel, ProxyMode } from './model.js';

const modeVariant = memoByObjectAndKey((base: ClusterModel, mode: ProxyMode): ClusterModel => ({ ...base, proxy: { ...base.proxy, mode } }));

export function withProxyMode(base: ClusterModel, mode: ProxyMode): ClusterModel {
  return base.proxy.mode === mode ? base : modeVariant(base, mode);
}
