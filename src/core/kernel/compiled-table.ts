// One iptables table compiled for walking: each chain's rules with their parsed spec, numeric
// address matches and decoded target, and, for long chains of `-d IP` rules (KUBE-SERVICES on a
// cluster of hundreds of Services), an index by destination. Tables are immutable, so this is
// built once per table (memoByObject) and every trace walks the same compiled chains.

import { memoByObject } from '../memo.js';
import { parseCidr, parseIPv4 } from '../net/ipv4.js';
import { restoreLine, type IptRule, type IptTable } from '../proxy/rule.js';
import { parseRuleSpec, type Neg, type RuleSpec } from '../proxy/rule-spec.js';
import type { TraversalStep } from './netfilter.js';

/** `-s`/`-d` as numbers: the address is in the network when addr - addr % size === base. */
export interface AddressMatch {
  /** null: the value is no address at all, so nothing is inside it. */
  readonly base: number | null;
  readonly size: number;
  readonly negated: boolean;
}

/** What a matching rule does next. */
export type CompiledTarget =
  | { readonly kind: 'none' }
  | { readonly kind: 'return' }
  | { readonly kind: 'verdict'; readonly verdict: 'ACCEPT' | 'DROP' | 'REJECT' | 'MASQUERADE' }
  | { readonly kind: 'dnat'; readonly to: string | null }
  /** MARK: mark = ((mark & keep) op value), as libxt_MARK does for each option. */
  | { readonly kind: 'mark'; readonly op: 'xset' | 'or' | 'xor' | 'set'; readonly value: number; readonly mask: number }
  | { readonly kind: 'jump'; readonly chain: string; readonly goto: boolean };

export interface CompiledRule {
  readonly rule: IptRule;
  readonly spec: RuleSpec;
  /** The step a traversal records when this rule fires or is passed over (shared: it never changes). */
  readonly step: TraversalStep;
  readonly src: AddressMatch | null;
  readonly dst: AddressMatch | null;
  /** Has `-m statistic`: when it does not match, the traversal notes it as an endpoint passed over. */
  readonly statistic: boolean;
  readonly target: CompiledTarget;
}

export interface CompiledChain {
  readonly rules: readonly CompiledRule[];
  /**
   * For a long chain: the positions of the rules that match one exact destination (`-d IP`, no
   * statistic), by that address; `rest` holds every other position. Walking the merge of
   * rest and byDst[dst] visits every rule that can match, in order, and skips only rules whose
   * destination check fails first thing, with no side effect. null: walk every rule.
   */
  readonly byDst: ReadonlyMap<number, readonly number[]> | null;
  readonly rest: readonly number[];
}

export interface CompiledTable {
  readonly chains: ReadonlyMap<string, CompiledChain>;
}

/** Below this many exact-destination rules a chain is walked rule by rule. */
const INDEX_THRESHOLD = 16;

/** The parsed spec of a rule (cached per rule object). */
export const ruleSpecOf = memoByObject((rule: IptRule): RuleSpec => parseRuleSpec(rule.args));

export const compiledTable = memoByObject((table: IptTable): CompiledTable => {
  const rulesByChain = new Map<string, CompiledRule[]>();
  for (const r of table.rules) {
    const list = rulesByChain.get(r.chain);
    const compiled = compileRule(r);
    if (list) list.push(compiled);
    else rulesByChain.set(r.chain, [compiled]);
  }
  const chains = new Map<string, CompiledChain>();
  for (const [name, rules] of rulesByChain) chains.set(name, indexChain(rules));
  return { chains };
});

function compileRule(rule: IptRule): CompiledRule {
  const spec = ruleSpecOf(rule);
  return {
    rule,
    spec,
    step: { rule, line: `${rule.table} ${rule.chain}: ${restoreLine(rule)}` },
    src: addressMatch(spec.src),
    dst: addressMatch(spec.dst),
    statistic: spec.matches.some((m) => m.module === 'statistic'),
    target: compileTarget(spec),
  };
}

function addressMatch(n: Neg<string> | null): AddressMatch | null {
  if (n === null) return null;
  const cidr = parseCidr(n.value.includes('/') ? n.value : `${n.value}/32`);
  if (cidr === null) return { base: null, size: 1, negated: n.negated };
  return { base: cidr.base, size: 2 ** (32 - cidr.prefix), negated: n.negated };
}

function compileTarget(spec: RuleSpec): CompiledTarget {
  const target = spec.target;
  if (target === null) return { kind: 'none' };
  switch (target.name) {
    case 'RETURN':
      return { kind: 'return' };
    case 'MARK': {
      const [op, value] = target.options;
      if (op === '--set-xmark') {
        // --set-xmark value/mask: zero the mask's bits, then XOR the value in (libxt_MARK).
        const [v, m] = (value ?? '0').split('/');
        return { kind: 'mark', op: 'xset', value: parseInt(v ?? '0', 16), mask: m === undefined ? 0xffffffff : parseInt(m, 16) };
      }
      const v = parseInt(value ?? '0', 16);
      return { kind: 'mark', op: op === '--or-mark' ? 'or' : op === '--xor-mark' ? 'xor' : 'set', value: v, mask: 0 };
    }
    case 'ACCEPT':
    case 'DROP':
    case 'REJECT':
    case 'MASQUERADE':
      return { kind: 'verdict', verdict: target.name };
    case 'DNAT':
      return { kind: 'dnat', to: target.options[target.options.indexOf('--to-destination') + 1] ?? null };
    default:
      return { kind: 'jump', chain: target.name, goto: target.goto === true };
  }
}

/** The exact destination a rule requires, when skipping it for any other destination is safe. */
function exactDst(r: CompiledRule): number | null {
  if (r.statistic || r.dst === null || r.dst.negated || r.dst.base === null || r.dst.size !== 1) return null;
  return r.dst.base;
}

function indexChain(rules: CompiledRule[]): CompiledChain {
  const exact = rules.map(exactDst);
  if (exact.filter((d) => d !== null).length < INDEX_THRESHOLD) return { rules, byDst: null, rest: [] };
  const byDst = new Map<number, number[]>();
  const rest: number[] = [];
  exact.forEach((d, i) => {
    if (d === null) rest.push(i);
    else {
      const list = byDst.get(d);
      if (list) list.push(i);
      else byDst.set(d, [i]);
    }
  });
  return { rules, byDst, rest };
}

/** The packet's address as a number for AddressMatch (null: not an IPv4 address, inside nothing). */
export function addressValue(ip: string): number | null {
  return parseIPv4(ip);
}

export function addressMatches(m: AddressMatch | null, addr: number | null): boolean {
  if (m === null) return true;
  const inside = m.base !== null && addr !== null && addr - (addr % m.size) === m.base;
  return m.negated ? !inside : inside;
}
