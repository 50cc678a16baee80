// --cni for trace and rules: the built-in cluster with the chosen data plane (core's chooseCni),
// and a usage error (exit 2) when a --cluster dump runs another one.

import type { ClusterModel, CniKind } from '../core/cluster/model.js';
import { chooseCni } from '../core/cluster/variants.js';
import { UsageError } from '../cli/usage-error.js';

export function clusterWithCni(cluster: ClusterModel, cni: CniKind | null): ClusterModel {
  const chosen = chooseCni(cluster, cni);
  if (!chosen.ok) throw new UsageError(chosen.reason);
  return chosen.cluster;
}
