// Walks a packet through one table's chain at one hook, rule by rule, the way the kernel's
// x_tables does: a matching jump descends, RETURN or the end of a user chain climbs back,
// MARK continues, and ACCEPT/DROP/REJECT/DNAT/MASQUERADE end the table's verdict for this hook.

import { memoByObject, memoByString } from '../memo.js';
import { cidrContains, parseCidr } from '../net/ipv4.js';
import { effectiveProbability } from '../proxy/probability.js';
import { restoreLine, type IptRule, type IptTable } from '../proxy/rule.js';
import { parseRuleSpec, type MatchSpec, type Neg, type RuleSpec } from '../proxy/rule-spec.js';

export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID';

export interface PacketContext {
  readonly src: string;
  readonly dst: string;
  readonly proto: 'tcp' | 'udp' | 'sctp' | 'icmp';
  readonly sport: number;
  readonly dport: number;
  mark: number;
  readonly ctstate: CtState;
  /** Whether conntrack has already DNATed this connection (for `--ctstate DNAT`). */
  readonly ctDnat: boolean;
  readonly isLocalAddress: (ip: string) => boolean;
  readonly inIface: string | null;
  readonly outIface: string | null;
  /** ipset membership for `-m set --match-set NAME src|dst` (Calico's ipsets); absent: no set matches. */
  readonly inSet?: (set: string, ip: string) => boolean;
  /** `-m set --match-set NAME FLAGS` against the node's ipsets (kube-proxy IPVS mode); absent: no set matches. */
  readonly ipsetMatch?: (set: string, flags: string) => boolean;
  /**
   * The node's xt_recent lists (`-m recent`, kube-proxy's sessionAffinity: ClientIP). Absent: every
   * list is empty and `--set` is forgotten, as in a fresh trace.
   */
  readonly recent?: RecentLists;
}

/** xt_recent's per-netns lists, by --name: the source addresses seen (--rsource, kube-proxy's default). */
export interface RecentLists {
  has(name: string, ip: string): boolean;
  add(name: string, ip: string): void;
}

/** Decides a `-m statistic --mode random` match: kube-proxy's endpoint lottery. */
export type StatisticChooser = (rule: IptRule, probability: number) => boolean;

export interface TraversalStep {
  readonly rule: IptRule;
  /** "nat KUBE-SVC-...: -A KUBE-SVC-... ..." */
  readonly line: string;
}

export interface Traversal {
  /** The table's verdict at this hook. POLICY means the built-in chain's policy (ACCEPT here). */
  readonly verdict: 'ACCEPT' | 'DROP' | 'REJECT' | 'DNAT' | 'MASQUERADE' | 'POLICY';
  /** Every rule whose matches all matched, in the order they fired. */
  readonly fired: readonly TraversalStep[];
  /** The rule that produced the verdict, if any. */
  readonly verdictRule: IptRule | null;
  readonly dnatTo: string | null;
  readonly mark: number;
  /** Statistic rules that were evaluated and did not match (the endpoints not chosen). */
  readonly passedOver: readonly TraversalStep[];
}

const specOf = memoByObject((rule: IptRule): RuleSpec => parseRuleSpec(rule.args));

function negate(n: Neg<unknown> | null, result: boolean): boolean {
  return n !== null && n.negated ? !result : result;
}

const asCidr = memoByString((value: string) => parseCidr(value.includes('/') ? value : `${value}/32`));

function addressMatches(n: Neg<string> | null, ip: string): boolean {
  if (n === null) return true;
  const cidr = asCidr(n.value);
  return negate(n, cidr !== null && cidrContains(cidr, ip));
}

function matchOne(m: MatchSpec, pkt: PacketContext, rule: IptRule, chooser: StatisticChooser): boolean {
  switch (m.module) {
    case 'comment':
    case 'nfacct':
      return true;
    case 'tcp':
    case 'udp':
    case 'sctp':
      if (pkt.proto !== m.module) return false;
      if (m.sport && negate(m.sport, pkt.sport === m.sport.value) === false) return false;
      if (m.dport && negate(m.dport, pkt.dport === m.dport.value) === false) return false;
      return true;
    case 'statistic':
      return chooser(rule, effectiveProbability(m.probability));
    case 'mark': {
      const { value, mask } = m.mark.value;
      return negate(m.mark, (pkt.mark & mask) === value);
    }
    case 'conntrack': {
      const states = m.ctstate.value;
      const hit = states.includes(pkt.ctstate) || (states.includes('DNAT') && pkt.ctDnat);
      return negate(m.ctstate, hit);
    }
    case 'addrtype': {
      if (m.srcType && !negate(m.srcType, m.srcType.value === 'LOCAL' && pkt.isLocalAddress(pkt.src))) return false;
      if (m.dstType && !negate(m.dstType, m.dstType.value === 'LOCAL' && pkt.isLocalAddress(pkt.dst))) return false;
      return true;
    }
    case 'recent':
      // --set records the source and always matches; --rcheck matches a source already in the list
      // (--seconds 10800: the simulated connections are seconds apart, so never too old).
      if (m.op === 'set') {
        pkt.recent?.add(m.name, pkt.src);
        return true;
      }
      return pkt.recent?.has(m.name, pkt.src) ?? false;
    case 'set': {
      // Calico's sets hold addresses (inSet); kube-proxy IPVS mode's are typed (ipsetMatch: ip,port,...).
      const ip = m.flags === 'dst' ? pkt.dst : pkt.src;
      const hit = (pkt.ipsetMatch?.(m.setName.value, m.flags) ?? false) || (pkt.inSet !== undefined && pkt.inSet(m.setName.value, ip));
      return negate(m.setName, hit);
    }
    case 'multiport':
      if (m.dports === null) return true;
      if (pkt.proto !== 'tcp' && pkt.proto !== 'udp' && pkt.proto !== 'sctp') return false;
      return negate(m.dports, m.dports.value.includes(pkt.dport));
  }
}

/** `-i cali+`: a trailing + matches every interface name with that prefix. */
function ifaceMatches(pattern: string, iface: string | null): boolean {
  if (iface === null) return false;
  return pattern.endsWith('+') ? iface.startsWith(pattern.slice(0, -1)) : pattern === iface;
}

export function ruleMatches(rule: IptRule, pkt: PacketContext, chooser: StatisticChooser): boolean {
  const spec = specOf(rule);
  if (!addressMatches(spec.src, pkt.src) || !addressMatches(spec.dst, pkt.dst)) return false;
  if (spec.proto && negate(spec.proto, spec.proto.value === pkt.proto) === false) return false;
  if (spec.inIface && negate(spec.inIface, ifaceMatches(spec.inIface.value, pkt.inIface)) === false) return false;
  if (spec.outIface && negate(spec.outIface, ifaceMatches(spec.outIface.value, pkt.outIface)) === false) return false;
  return spec.matches.every((m) => matchOne(m, pkt, rule, chooser));
}

function isStatistic(rule: IptRule): boolean {
  return specOf(rule).matches.some((m) => m.module === 'statistic');
}

const stepLine = memoByObject((rule: IptRule): string => `${rule.table} ${rule.chain}: ${restoreLine(rule)}`);

const rulesByChain = memoByObject((table: IptTable): Map<string, IptRule[]> => {
  const byChain = new Map<string, IptRule[]>();
  for (const r of table.rules) {
    const list = byChain.get(r.chain);
    if (list) list.push(r);
    else byChain.set(r.chain, [r]);
  }
  return byChain;
});

export function traverse(table: IptTable, hook: string, packet: PacketContext, chooser: StatisticChooser): Traversal {
  const fired: TraversalStep[] = [];
  const passedOver: TraversalStep[] = [];
  let mark = packet.mark;
  const current = { ...packet };
  const byChain = rulesByChain(table);
  const step = (rule: IptRule): TraversalStep => ({ rule, line: stepLine(rule) });

  type Outcome = { kind: 'return' } | { kind: 'verdict'; verdict: Traversal['verdict']; rule: IptRule; dnatTo: string | null };
  const walk = (chain: string, depth: number): Outcome => {
    if (depth > 32) throw new Error(`iptables chain loop at ${chain}`);
    for (const rule of byChain.get(chain) ?? []) {
      current.mark = mark;
      if (!ruleMatches(rule, current, chooser)) {
        if (isStatistic(rule)) passedOver.push(step(rule));
        continue;
      }
      fired.push(step(rule));
      const target = specOf(rule).target;
      if (target === null) continue;
      switch (target.name) {
        case 'RETURN':
          return { kind: 'return' };
        case 'MARK': {
          const [op, value] = target.options;
          if (op === '--set-xmark') {
            // --set-xmark value/mask: zero the mask's bits, then XOR the value in (libxt_MARK).
            const [v, m] = (value ?? '0').split('/');
            const mask = m === undefined ? 0xffffffff : parseInt(m, 16);
            mark = ((mark & ~mask) ^ parseInt(v ?? '0', 16)) >>> 0;
            continue;
          }
          const v = parseInt(value ?? '0', 16);
          mark = op === '--or-mark' ? mark | v : op === '--xor-mark' ? mark ^ v : v;
          continue;
        }
        case 'ACCEPT':
        case 'DROP':
        case 'REJECT':
        case 'MASQUERADE':
          return { kind: 'verdict', verdict: target.name, rule, dnatTo: null };
        case 'DNAT':
          return { kind: 'verdict', verdict: 'DNAT', rule, dnatTo: target.options[target.options.indexOf('--to-destination') + 1] ?? null };
        default: {
          const inner = walk(target.name, depth + 1);
          if (inner.kind === 'verdict') return inner;
          // -g: the goto'd chain's end returns past this chain, to the one that called it.
          if (specOf(rule).target?.goto) return { kind: 'return' };
        }
      }
    }
    return { kind: 'return' };
  };

  const outcome = walk(hook, 0);
  if (outcome.kind === 'return') return { verdict: 'POLICY', fired, verdictRule: null, dnatTo: null, mark, passedOver };
  return { verdict: outcome.verdict, fired, verdictRule: outcome.rule, dnatTo: outcome.dnatTo, mark, passedOver };
}
