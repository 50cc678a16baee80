// --cni: the built-in cluster with the chosen data plane. A --cluster dump says its own CNI
// (flannel's net-conf.json), so --cni may only repeat it there.

import type { ClusterModel, CniKind } from '../core/cluster/model.js';
import { withCni } from '../core/cluster/variants.js';
import { UsageError } from '../cli/usage-error.js';

export function clusterWithCni(cluster: ClusterModel, cni: CniKind | null): ClusterModel {
  if (cni === null || cni === cluster.network.cni) return cluster;
  if (cluster.source !== 'built-in') {
    throw new UsageError(`--cni ${cni}: ${cluster.source} runs ${cluster.network.cni}; --cni changes the built-in cluster only`);
  }
  return withCni(cluster, cni);
}
