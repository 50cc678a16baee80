import { memoByObject } from '../memo.js';

// An iptables rule as its owner writes it: a chain and the argument list after "-A CHAIN".
// Keeping the writer's own argument order lets us print exactly what kube-proxy feeds
// iptables-restore, and derive what iptables-save prints back (see save-format.ts).

export type TableName = 'filter' | 'nat';
export type RuleOwner = 'kube-proxy' | 'kubelet' | 'flannel' | 'calico';

export interface IptRule {
  readonly table: TableName;
  readonly chain: string;
  readonly args: readonly string[];
  readonly owner: RuleOwner;
}

/** The argument after the rule's first `flag` (e.g. "--seconds"), or null. */
export function ruleArg(rule: IptRule, flag: string): string | null {
  const i = rule.args.indexOf(flag);
  return i < 0 ? null : rule.args[i + 1] ?? null;
}

/** The rule's first `-m comment --comment` text, or null (kube-proxy drops comments in large clusters). */
export function ruleComment(rule: IptRule): string | null {
  return ruleArg(rule, '--comment');
}

export interface BuiltinChain {
  readonly name: string;
  readonly policy: 'ACCEPT' | 'DROP';
}

/** One table as the kernel holds it on a node. */
export interface IptTable {
  readonly name: TableName;
  readonly builtins: readonly BuiltinChain[];
  /** User-defined chains, in the order their owners declared them. */
  readonly chains: readonly string[];
  /** Every rule, each chain's rules in order. */
  readonly rules: readonly IptRule[];
}

/** kube-proxy quotes a comment that has a space (fmt.Sprintf(`"%s cluster IP"`)); a bare service name stays bare. */
export function restoreArg(arg: string): string {
  return /\s/.test(arg) ? `"${arg}"` : arg;
}

/** The rule in iptables-restore / `iptables -A` syntax, as its owner wrote it. */
export const restoreLine = memoByObject((rule: IptRule): string => ['-A', rule.chain, ...rule.args.map(restoreArg)].join(' '));

