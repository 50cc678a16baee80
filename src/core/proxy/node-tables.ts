// The filter and nat tables as they stand on one node: built-in chains, kube-proxy's rules
// (restore input plus its jump rules), kubelet's, and the CNI's.

import type { ClusterModel, NodeModel } from '../cluster/model.js';
import { flannelChains, flannelIptables } from '../cni/flannel-iptables.js';
import { calicoIptables } from '../cni/calico/iptables.js';
import { isCalico } from '../cni/calico/names.js';
import { builtinJumpRules, CANARY_CHAINS } from './jump-rules.js';
import { kubeProxyIptables, type KubeProxyTables } from './kube-proxy-iptables.js';
import type { IptRule, IptTable } from './rule.js';
import { memoByObject } from '../memo.js';
import { ipvsJumpRules, kubeletFirewallRules, kubeProxyIpvsIptables } from './ipvs/iptables.js';

export interface NodeTables {
  readonly node: string;
  readonly filter: IptTable;
  readonly nat: IptTable;
  /** What kube-proxy itself wrote (for `rules --format restore`). */
  readonly kubeProxy: KubeProxyTables;
}

const FILTER_BUILTINS = ['INPUT', 'FORWARD', 'OUTPUT'];
const NAT_BUILTINS = ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'];

const tablesOfCluster = memoByObject((_: ClusterModel) => new Map<string, NodeTables>());

/** The node's tables; computed once per cluster and node (the cluster is immutable). */
export function nodeTables(cluster: ClusterModel, node: NodeModel): NodeTables {
  const cache = tablesOfCluster(cluster);
  let tables = cache.get(node.name);
  if (tables === undefined) {
    tables = buildNodeTables(cluster, node);
    cache.set(node.name, tables);
  }
  return tables;
}

function buildNodeTables(cluster: ClusterModel, node: NodeModel): NodeTables {
  if (cluster.proxy.mode === 'ipvs') return buildIpvsNodeTables(cluster, node);
  const kp = kubeProxyIptables(cluster, node.name);
  const jumps = builtinJumpRules();
  const cni = cluster.network.cni.startsWith('flannel') ? flannelIptables(cluster, node) : [];
  const cniChains = cluster.network.cni.startsWith('flannel') ? flannelChains(cluster) : { nat: [], filter: [] };
  const pick = (rules: readonly IptRule[], table: 'filter' | 'nat'): IptRule[] => rules.filter((r) => r.table === table);
  // Felix inserts its jumps at the top of the built-in chains and appends its FORWARD verdict rules.
  const calico = isCalico(cluster.network.cni) ? calicoIptables(cluster, node) : null;
  const before = calico?.inserted ?? [];
  const after = calico ? [...calico.appended, ...calico.rules] : [];
  // Built-in chains first hold the jump rules, then the CNI's appended ones.
  const filterRules = [...pick(before, 'filter'), ...pick(jumps, 'filter'), ...pick(cni, 'filter'), ...pick(after, 'filter'), ...kp.filterRules];
  const natRules = [...pick(before, 'nat'), ...pick(jumps, 'nat'), ...pick(cni, 'nat'), ...pick(after, 'nat'), ...kp.natRules];
  return {
    node: node.name,
    filter: {
      name: 'filter',
      builtins: FILTER_BUILTINS.map((name) => ({ name, policy: 'ACCEPT' as const })),
      chains: [...kp.filterChains, ...CANARY_CHAINS, ...cniChains.filter, ...(calico?.chains.filter ?? [])],
      rules: filterRules,
    },
    nat: {
      name: 'nat',
      builtins: NAT_BUILTINS.map((name) => ({ name, policy: 'ACCEPT' as const })),
      chains: [...kp.natChains, ...CANARY_CHAINS, ...cniChains.nat, ...(calico?.chains.nat ?? [])],
      rules: natRules,
    },
    kubeProxy: kp,
  };
}

/** IPVS mode: kube-proxy's ipset-matching rules, its jump rules, kubelet's KUBE-FIREWALL, the CNI's. */
function buildIpvsNodeTables(cluster: ClusterModel, node: NodeModel): NodeTables {
  const kp = kubeProxyIpvsIptables(cluster, node);
  const jumps = ipvsJumpRules();
  const cni = cluster.network.cni.startsWith('flannel') ? flannelIptables(cluster, node) : [];
  const cniChains = cluster.network.cni.startsWith('flannel') ? flannelChains(cluster) : { nat: [], filter: [] };
  const pick = (rules: readonly IptRule[], table: 'filter' | 'nat'): IptRule[] => rules.filter((r) => r.table === table);
  return {
    node: node.name,
    filter: {
      name: 'filter',
      builtins: FILTER_BUILTINS.map((name) => ({ name, policy: 'ACCEPT' as const })),
      chains: [...kp.filterChains, 'KUBE-FIREWALL', 'KUBE-KUBELET-CANARY', ...cniChains.filter],
      rules: [...pick(jumps, 'filter'), ...pick(cni, 'filter'), ...kp.filterRules, ...kubeletFirewallRules()],
    },
    nat: {
      name: 'nat',
      builtins: NAT_BUILTINS.map((name) => ({ name, policy: 'ACCEPT' as const })),
      chains: [...kp.natChains, 'KUBE-KUBELET-CANARY', ...cniChains.nat],
      rules: [...pick(jumps, 'nat'), ...pick(cni, 'nat'), ...kp.natRules],
    },
    kubeProxy: kp,
  };
}
