// The iptables rules kube-proxy still writes in IPVS mode, in the order writeIptablesRules writes
// them (pkg/proxy/ipvs/proxier.go, v1.30+): a handful of static rules that match ipsets instead of
// one rule per Service. The restore input is *nat first, then *filter (iptablesData is natChains,
// natRules, filterChains, filterRules). The jump rules from the built-in chains are ensured with
// EnsureRule(Prepend), and kubelet adds KUBE-FIREWALL (pkg/kubelet/kubelet_network_linux.go).

import type { ClusterModel, NodeModel } from '../../cluster/model.js';
import { masqueradeMark } from '../../cluster/defaults.js';
import type { KubeProxyTables } from '../kube-proxy-iptables.js';
import type { IptRule, TableName } from '../rule.js';
import { FILTER_CHAINS, IPSET_WITH_IPTABLES_CHAIN, IPVS_JUMP_CHAINS, NAT_CHAINS, ipsetInfo } from './names.js';
import { ipvsNodeState } from './node-state.js';

export function kubeProxyIpvsIptables(cluster: ClusterModel, node: NodeModel): KubeProxyTables {
  const state = ipvsNodeState(cluster, node);
  const mark = masqueradeMark(cluster.proxy.masqueradeBit);
  const natRules: IptRule[] = [];
  const filterRules: IptRule[] = [];
  const rule = (table: TableName, chain: string, ...args: string[]): void => {
    (table === 'nat' ? natRules : filterRules).push({ table, chain, args, owner: 'kube-proxy' });
  };
  const nonEmpty = (name: string): boolean => (state.ipsets.get(name)?.length ?? 0) > 0;
  const comment = (name: string): string[] => ['-m', 'comment', '--comment', ipsetInfo(name).comment];

  // Dismiss connects to localhost early in the service chain.
  rule('nat', 'KUBE-SERVICES', '-s', '127.0.0.0/8', '-j', 'RETURN');

  for (const set of IPSET_WITH_IPTABLES_CHAIN) {
    if (!nonEmpty(set.name)) continue;
    const proto = set.proto !== '' ? ['-p', set.proto] : [];
    rule(set.table, set.from, ...proto, ...comment(set.name), '-m', 'set', '--match-set', set.name, set.match, '-j', set.to);
  }

  if (nonEmpty('KUBE-CLUSTER-IP')) {
    const args = [...comment('KUBE-CLUSTER-IP'), '-m', 'set', '--match-set', 'KUBE-CLUSTER-IP'];
    if (cluster.proxy.masqueradeAll) rule('nat', 'KUBE-SERVICES', ...args, 'dst,dst', '-j', 'KUBE-MARK-MASQ');
    else if (cluster.proxy.clusterCIDR !== null) rule('nat', 'KUBE-SERVICES', ...args, 'dst,dst', '!', '-s', cluster.proxy.clusterCIDR, '-j', 'KUBE-MARK-MASQ');
    // No local-traffic detector: masquerade node-originated traffic whose source is a VIP.
    else rule('nat', 'KUBE-SERVICES', ...args, 'src,dst', '-j', 'KUBE-MARK-MASQ');
  }

  rule('nat', 'KUBE-SERVICES', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'KUBE-NODE-PORT');
  rule('nat', 'KUBE-LOAD-BALANCER', '-j', 'KUBE-MARK-MASQ');
  rule('filter', 'KUBE-SOURCE-RANGES-FIREWALL', '-j', 'DROP');

  // acceptIPVSTraffic: the last rules of KUBE-SERVICES accept whatever an IPVS service will take.
  for (const set of ['KUBE-CLUSTER-IP', 'KUBE-LOAD-BALANCER']) {
    if (nonEmpty(set)) rule('nat', 'KUBE-SERVICES', '-m', 'set', '--match-set', set, 'dst,dst', '-j', 'ACCEPT');
  }

  rule('filter', 'KUBE-FORWARD', '-m', 'comment', '--comment', 'kubernetes forwarding rules', '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT');
  rule('filter', 'KUBE-FORWARD', '-m', 'comment', '--comment', 'kubernetes forwarding conntrack rule', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');
  rule('filter', 'KUBE-NODE-PORT', ...comment('KUBE-HEALTH-CHECK-NODE-PORT'), '-m', 'set', '--match-set', 'KUBE-HEALTH-CHECK-NODE-PORT', 'dst', '-j', 'ACCEPT');

  // KUBE-IPVS-FILTER: no access to other ports of the node through a VIP (kubernetes#72236).
  rule('filter', 'KUBE-IPVS-FILTER', '-m', 'set', '--match-set', 'KUBE-LOAD-BALANCER', 'dst,dst', '-j', 'RETURN');
  rule('filter', 'KUBE-IPVS-FILTER', '-m', 'set', '--match-set', 'KUBE-CLUSTER-IP', 'dst,dst', '-j', 'RETURN');
  rule('filter', 'KUBE-IPVS-FILTER', '-m', 'set', '--match-set', 'KUBE-EXTERNAL-IP', 'dst,dst', '-j', 'RETURN');
  rule('filter', 'KUBE-IPVS-FILTER', '-m', 'set', '--match-set', 'KUBE-EXTERNAL-IP-LOCAL', 'dst,dst', '-j', 'RETURN');
  rule('filter', 'KUBE-IPVS-FILTER', '-m', 'set', '--match-set', 'KUBE-HEALTH-CHECK-NODE-PORT', 'dst', '-j', 'RETURN');
  rule('filter', 'KUBE-IPVS-FILTER', '-m', 'conntrack', '--ctstate', 'NEW', '-m', 'set', '--match-set', 'KUBE-IPVS-IPS', 'dst', '-j', 'REJECT');

  rule('nat', 'KUBE-POSTROUTING', '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN');
  rule('nat', 'KUBE-POSTROUTING', '-j', 'MARK', '--xor-mark', mark);
  rule('nat', 'KUBE-POSTROUTING', '-m', 'comment', '--comment', 'kubernetes service traffic requiring SNAT', '-j', 'MASQUERADE', ...(cluster.proxy.randomFully ? ['--random-fully'] : []));
  rule('nat', 'KUBE-MARK-MASQ', '-j', 'MARK', '--or-mark', mark);

  return { filterChains: [...FILTER_CHAINS], filterRules, natChains: [...NAT_CHAINS], natRules };
}

/** kube-proxy's iptables-restore input in IPVS mode: *nat, then *filter, each ending in COMMIT. */
export function renderIpvsRestore(kp: KubeProxyTables): string {
  const lines = ['*nat'];
  for (const c of kp.natChains) lines.push(`:${c} - [0:0]`);
  for (const r of kp.natRules) lines.push(restore(r));
  lines.push('COMMIT', '*filter');
  for (const c of kp.filterChains) lines.push(`:${c} - [0:0]`);
  for (const r of kp.filterRules) lines.push(restore(r));
  lines.push('COMMIT');
  return `${lines.join('\n')}\n`;
}

function restore(r: IptRule): string {
  return ['-A', r.chain, ...r.args.map((a) => (/\s/.test(a) ? `"${a}"` : a))].join(' ');
}

/** The jump rules in each built-in chain after kube-proxy (Prepend, so later entries first) and kubelet (Append). */
export function ipvsJumpRules(): IptRule[] {
  const out: IptRule[] = [];
  for (const j of IPVS_JUMP_CHAINS) {
    out.unshift({ table: j.table, chain: j.from, args: ['-m', 'comment', '--comment', j.comment, '-j', j.to], owner: 'kube-proxy' });
  }
  out.push({ table: 'filter', chain: 'INPUT', args: ['-j', 'KUBE-FIREWALL'], owner: 'kubelet' });
  out.push({ table: 'filter', chain: 'OUTPUT', args: ['-j', 'KUBE-FIREWALL'], owner: 'kubelet' });
  return out;
}

/** kubelet's KUBE-FIREWALL (it protects route_localnet); kube-proxy's IPVS mode writes no such chain. */
export function kubeletFirewallRules(): IptRule[] {
  return [{
    table: 'filter', chain: 'KUBE-FIREWALL', owner: 'kubelet',
    args: ['-m', 'comment', '--comment', 'block incoming localnet connections', '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP'],
  }];
}
