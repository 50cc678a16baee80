// Walks a packet through one table's chain at one hook, rule by rule, the way the kernel's
// x_tables does: a matching jump descends, RETURN or the end of a user chain climbs back,
// MARK continues, and ACCEPT/DROP/REJECT/DNAT/MASQUERADE end the table's verdict for this hook.

import { effectiveProbability } from '../proxy/probability.js';
import type { IptRule, IptTable } from '../proxy/rule.js';
import type { MatchSpec, Neg } from '../proxy/rule-spec.js';
import { addressMatches, addressValue, compiledTable, type CompiledRule, type CompiledTable } from './compiled-table.js';

/** UNTRACKED: a packet raw's NOTRACK exempted from conntrack (it skips the nat table). */
export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';

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
  /** The device a local address sits on (null: not local), for `-m addrtype --limit-iface-out`. */
  readonly localAddressDevice?: (ip: string) => string | null;
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

function negate(n: Neg<unknown> | null, result: boolean): boolean {
  return n !== null && n.negated ? !result : result;
}

/** One `-m` match; `mark` is the packet's mark as the earlier rules of this walk left it. */
function matchOne(m: MatchSpec, pkt: PacketContext, mark: number, rule: IptRule, chooser: StatisticChooser): boolean {
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
      return negate(m.mark, (mark & mask) === value);
    }
    case 'conntrack': {
      const states = m.ctstate.value;
      const hit = states.includes(pkt.ctstate) || (states.includes('DNAT') && pkt.ctDnat);
      return negate(m.ctstate, hit);
    }
    case 'addrtype': {
      if (m.srcType && !negate(m.srcType, m.srcType.value === 'LOCAL' && isLocalFor(m.limitIfaceOut, pkt, pkt.src))) return false;
      if (m.dstType && !negate(m.dstType, m.dstType.value === 'LOCAL' && isLocalFor(m.limitIfaceOut, pkt, pkt.dst))) return false;
      return true;
    }
    case 'recent':
      // --set records the source and always matches; --rcheck matches a source already in the list
      // (--seconds is the Service's affinity timeout, at least 1 s; the connections of one trace are
      // modelled as following each other at once, so the entry is never too old).
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

/**
 * addrtype's LOCAL test. With --limit-iface-out, LOCAL only for an address of the outgoing device
 * itself (xt_addrtype looks the address up with inet_dev_addr_type(dev)); the node's eth0 address
 * leaving a tunnel is not. A function, not a closure per match: matching runs for every rule of
 * every traversal and should not allocate.
 */
function isLocalFor(limitIfaceOut: boolean, pkt: PacketContext, ip: string): boolean {
  return limitIfaceOut && pkt.outIface !== null && pkt.localAddressDevice !== undefined ? pkt.localAddressDevice(ip) === pkt.outIface : pkt.isLocalAddress(ip);
}

/** `-i cali+`: a trailing + matches every interface name with that prefix. */
function ifaceMatches(pattern: string, iface: string | null): boolean {
  if (iface === null) return false;
  return pattern.endsWith('+') ? iface.startsWith(pattern.slice(0, -1)) : pattern === iface;
}

const NO_STEPS: readonly TraversalStep[] = Object.freeze([]);

// What one rule means for the walk of its chain.
const NEXT = 0;
const RETURN = 1;
const VERDICT = 2;
type RuleOutcome = typeof NEXT | typeof RETURN | typeof VERDICT;

/**
 * One traversal's state: the mark as MARK rules change it, what fired, what was passed over and
 * the verdict. A class rather than closures so a walk allocates only what it records.
 */
class Walk {
  readonly fired: TraversalStep[] = [];
  passedOver: TraversalStep[] | null = null;
  mark: number;
  verdict: Traversal['verdict'] = 'POLICY';
  verdictRule: IptRule | null = null;
  dnatTo: string | null = null;
  private readonly srcAddr: number | null;
  private readonly dstAddr: number | null;

  constructor(
    private readonly table: CompiledTable,
    private readonly pkt: PacketContext,
    private readonly chooser: StatisticChooser,
  ) {
    this.mark = pkt.mark;
    this.srcAddr = addressValue(pkt.src);
    this.dstAddr = addressValue(pkt.dst);
  }

  /** Walks a chain; true when a rule in it (or below it) gave the table's verdict. */
  chain(name: string, depth: number): boolean {
    if (depth > 32) throw new Error(`iptables chain loop at ${name}`);
    const chain = this.table.chains.get(name);
    if (chain === undefined) return false;
    const rules = chain.rules;
    if (chain.byDst === null) {
      for (let i = 0; i < rules.length; i++) {
        const outcome = this.rule(rules[i]!, depth);
        if (outcome !== NEXT) return outcome === VERDICT;
      }
      return false;
    }
    // Merge, in rule order, the rules for any destination with those for this one.
    const rest = chain.rest;
    const mine = (this.dstAddr === null ? undefined : chain.byDst.get(this.dstAddr)) ?? NO_POSITIONS;
    let a = 0;
    let b = 0;
    while (a < rest.length || b < mine.length) {
      const i = b >= mine.length || (a < rest.length && rest[a]! < mine[b]!) ? rest[a++]! : mine[b++]!;
      const outcome = this.rule(rules[i]!, depth);
      if (outcome !== NEXT) return outcome === VERDICT;
    }
    return false;
  }

  private rule(r: CompiledRule, depth: number): RuleOutcome {
    if (!this.matches(r)) {
      if (r.statistic) (this.passedOver ??= []).push(r.step);
      return NEXT;
    }
    this.fired.push(r.step);
    const target = r.target;
    switch (target.kind) {
      case 'none':
        return NEXT;
      case 'return':
        return RETURN;
      case 'mark': {
        const mark = this.mark;
        this.mark = target.op === 'xset' ? ((mark & ~target.mask) ^ target.value) >>> 0
          : target.op === 'or' ? mark | target.value
          : target.op === 'xor' ? mark ^ target.value
          : target.value;
        return NEXT;
      }
      case 'verdict':
        this.verdict = target.verdict;
        this.verdictRule = r.rule;
        return VERDICT;
      case 'dnat':
        this.verdict = 'DNAT';
        this.verdictRule = r.rule;
        this.dnatTo = target.to;
        return VERDICT;
      case 'jump':
        if (this.chain(target.chain, depth + 1)) return VERDICT;
        // -g: the goto'd chain's end returns past this chain, to the one that called it.
        return target.goto ? RETURN : NEXT;
    }
  }

  private matches(r: CompiledRule): boolean {
    if (!addressMatches(r.src, this.srcAddr) || !addressMatches(r.dst, this.dstAddr)) return false;
    const spec = r.spec;
    const pkt = this.pkt;
    if (spec.proto && negate(spec.proto, spec.proto.value === pkt.proto) === false) return false;
    if (spec.inIface && negate(spec.inIface, ifaceMatches(spec.inIface.value, pkt.inIface)) === false) return false;
    if (spec.outIface && negate(spec.outIface, ifaceMatches(spec.outIface.value, pkt.outIface)) === false) return false;
    const matches = spec.matches;
    for (let k = 0; k < matches.length; k++) if (!matchOne(matches[k]!, pkt, this.mark, r.rule, this.chooser)) return false;
    return true;
  }
}

const NO_POSITIONS: readonly number[] = Object.freeze([]);

export function traverse(table: IptTable, hook: string, packet: PacketContext, chooser: StatisticChooser): Traversal {
  const walk = new Walk(compiledTable(table), packet, chooser);
  walk.chain(hook, 0);
  return { verdict: walk.verdict, fired: walk.fired, verdictRule: walk.verdictRule, dnatTo: walk.dnatTo, mark: walk.mark, passedOver: walk.passedOver ?? NO_STEPS };
}
