// --proxy-mode: kube-proxy's mode for this run. The built-in cluster runs iptables mode; a --cluster
// dump says its own mode in the kube-proxy ConfigMap, and --proxy-mode overrides it with a note.

import type { ClusterModel, ProxyMode } from '../core/cluster/model.js';
import { withProxyMode } from '../core/cluster/proxy-mode.js';

export function clusterWithProxyMode(cluster: ClusterModel, mode: ProxyMode | null): ClusterModel {
  if (mode === null || mode === cluster.proxy.mode) return cluster;
  const c = withProxyMode(cluster, mode);
  if (cluster.source === 'built-in') return c;
  return { ...c, assumptions: [...c.assumptions, `--proxy-mode ${mode}: shown as if kube-proxy ran in ${mode} mode; the dump's kube-proxy runs in ${cluster.proxy.mode} mode.`] };
}
