// The rules that lead from the kernel's built-in chains into kube-proxy's and kubelet's chains.
// kube-proxy ensures each with EnsureRule(Prepend, ...) (proxier.go iptablesJumpChains), so on a
// fresh node the later entries of that list end up first in each built-in chain. kubelet adds
// the KUBE-FIREWALL jumps (pkg/kubelet/kubelet_network_linux.go).

import type { IptRule, TableName } from './rule.js';

interface JumpChain {
  readonly table: TableName;
  readonly dst: string;
  readonly src: string;
  readonly comment: string;
  readonly extra: readonly string[];
}

const NEW = ['-m', 'conntrack', '--ctstate', 'NEW'];

const IPTABLES_JUMP_CHAINS: readonly JumpChain[] = [
  { table: 'filter', dst: 'KUBE-EXTERNAL-SERVICES', src: 'INPUT', comment: 'kubernetes externally-visible service portals', extra: NEW },
  { table: 'filter', dst: 'KUBE-EXTERNAL-SERVICES', src: 'FORWARD', comment: 'kubernetes externally-visible service portals', extra: NEW },
  { table: 'filter', dst: 'KUBE-NODEPORTS', src: 'INPUT', comment: 'kubernetes health check service ports', extra: [] },
  { table: 'filter', dst: 'KUBE-SERVICES', src: 'FORWARD', comment: 'kubernetes service portals', extra: NEW },
  { table: 'filter', dst: 'KUBE-SERVICES', src: 'OUTPUT', comment: 'kubernetes service portals', extra: NEW },
  { table: 'filter', dst: 'KUBE-FORWARD', src: 'FORWARD', comment: 'kubernetes forwarding rules', extra: [] },
  { table: 'filter', dst: 'KUBE-PROXY-FIREWALL', src: 'INPUT', comment: 'kubernetes load balancer firewall', extra: NEW },
  { table: 'filter', dst: 'KUBE-PROXY-FIREWALL', src: 'OUTPUT', comment: 'kubernetes load balancer firewall', extra: NEW },
  { table: 'filter', dst: 'KUBE-PROXY-FIREWALL', src: 'FORWARD', comment: 'kubernetes load balancer firewall', extra: NEW },
  { table: 'nat', dst: 'KUBE-SERVICES', src: 'OUTPUT', comment: 'kubernetes service portals', extra: [] },
  { table: 'nat', dst: 'KUBE-SERVICES', src: 'PREROUTING', comment: 'kubernetes service portals', extra: [] },
  { table: 'nat', dst: 'KUBE-POSTROUTING', src: 'POSTROUTING', comment: 'kubernetes postrouting rules', extra: [] },
];

/** The jump rules in the order they stand in each built-in chain after kube-proxy and kubelet start. */
export function builtinJumpRules(): IptRule[] {
  const out: IptRule[] = [];
  for (const j of IPTABLES_JUMP_CHAINS) {
    // Prepend: each new rule goes before the ones already there.
    out.unshift({ table: j.table, chain: j.src, args: [...j.extra, '-m', 'comment', '--comment', j.comment, '-j', j.dst], owner: 'kube-proxy' });
  }
  // kubelet appends these after its own checks; they follow kube-proxy's in INPUT and OUTPUT.
  out.push({ table: 'filter', chain: 'INPUT', args: ['-j', 'KUBE-FIREWALL'], owner: 'kubelet' });
  out.push({ table: 'filter', chain: 'OUTPUT', args: ['-j', 'KUBE-FIREWALL'], owner: 'kubelet' });
  return out;
}

/** Canary chains kube-proxy and kubelet create in each table to notice a flush. */
export const CANARY_CHAINS = ['KUBE-KUBELET-CANARY', 'KUBE-PROXY-CANARY'] as const;
