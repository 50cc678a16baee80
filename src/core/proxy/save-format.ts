// What `iptables-save` prints for a rule: iptables parses what its owner wrote into the kernel's
// structures and prints them back in its own canonical form. The differences learners trip over:
// host addresses gain /32; -s/-d/-i/-o/-p move to the front; every comment with a character outside
// [A-Za-z0-9_-] is quoted; MARK --or-mark/--xor-mark become --set-xmark; REJECT gains
// --reject-with icmp-port-unreachable; probabilities are printed with 11 digits of what the kernel stored;
// hex marks lose their leading zeros (kube-proxy writes 0x00004000, the kernel holds 0x4000).
// Sources: iptables libxtables/xtables.c (xtables_save_string), extensions/libxt_statistic.c,
// libxt_MARK.c, libipt_REJECT.c, libxt_conntrack.c, libxt_nfacct.c, libxt_recent.c.

import { iptablesSaveProbability } from './probability.js';
import type { IptRule, IptTable } from './rule.js';
import { parseRuleSpec, type MatchSpec, type Neg, type RuleSpec } from './rule-spec.js';

const NO_QUOTE = /^[A-Za-z0-9_-]+$/;

/** xtables_save_string: quote (escaping " \ ') unless every character is safe. */
export function saveString(value: string): string {
  if (NO_QUOTE.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

function neg<T>(n: Neg<T>): string {
  return n.negated ? '! ' : '';
}

export function withPrefix(address: string): string {
  return address.includes('/') ? address : `${address}/32`;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/**
 * MARK --set-mark V[/M] as the kernel holds it and iptables-save prints it: libxt_MARK's
 * mark_tg_parse stores mark V with mask V|M (M defaults to every bit), printed as --set-xmark V/mask.
 */
export function setMarkAsXset(value: string): string {
  const [v, m] = value.split('/');
  const mark = parseInt(v ?? '0', 16);
  const mask = m === undefined ? 0xffffffff : (mark | parseInt(m, 16)) >>> 0;
  return `${hex(mark)}/${hex(mask)}`;
}

const CTSTATE_ORDER = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];

function saveMatch(m: MatchSpec): string {
  switch (m.module) {
    case 'comment':
      return `-m comment --comment ${saveString(m.comment)}`;
    case 'tcp':
    case 'udp':
    case 'sctp': {
      const parts = [`-m ${m.module}`];
      if (m.sport) parts.push(`${neg(m.sport)}--sport ${m.sport.value}`);
      if (m.dport) parts.push(`${neg(m.dport)}--dport ${m.dport.value}`);
      return parts.join(' ');
    }
    case 'statistic':
      return `-m statistic --mode random --probability ${iptablesSaveProbability(m.probability)}`;
    case 'mark': {
      const { value, mask } = m.mark.value;
      const text = mask === 0xffffffff ? hex(value) : `${hex(value)}/${hex(mask)}`;
      return `-m mark ${neg(m.mark)}--mark ${text}`;
    }
    case 'conntrack': {
      const states = CTSTATE_ORDER.filter((s) => m.ctstate.value.includes(s)).join(',');
      return `-m conntrack ${neg(m.ctstate)}--ctstate ${states}`;
    }
    case 'addrtype': {
      const parts = ['-m addrtype'];
      if (m.srcType) parts.push(`${neg(m.srcType)}--src-type ${m.srcType.value}`);
      if (m.dstType) parts.push(`${neg(m.dstType)}--dst-type ${m.dstType.value}`);
      if (m.limitIfaceOut) parts.push('--limit-iface-out');
      return parts.join(' ');
    }
    case 'multiport':
      return m.dports ? `-m multiport ${neg(m.dports)}--dports ${m.dports.value.join(',')}` : '-m multiport';
    case 'recent': {
      const parts = ['-m recent', m.op === 'set' ? '--set' : '--rcheck'];
      if (m.seconds !== null) parts.push(`--seconds ${m.seconds}`);
      if (m.reap) parts.push('--reap');
      parts.push(`--name ${m.name} --mask 255.255.255.255 --rsource`);
      return parts.join(' ');
    }
    case 'set':
      return `-m set ${neg(m.setName)}--match-set ${m.setName.value} ${m.flags}`;
    case 'nfacct':
      // libxt_nfacct prints " --nfacct-name " and then xtables_save_string, which starts with its
      // own space: iptables-save shows two spaces before the counter name.
      return `-m nfacct --nfacct-name  ${saveString(m.name)}`;
  }
}

function saveTarget(spec: RuleSpec): string {
  const t = spec.target;
  if (t === null) return '';
  const opts = [...t.options];
  switch (t.name) {
    case 'MARK': {
      const [op, value] = opts;
      const v = parseInt(value ?? '0', 16);
      if (op === '--or-mark') return `-j MARK --set-xmark ${hex(v)}/${hex(v)}`;
      if (op === '--xor-mark') return `-j MARK --set-xmark ${hex(v)}/0x0`;
      if (op === '--set-mark') return `-j MARK --set-xmark ${setMarkAsXset(value ?? '0')}`;
      return `-j MARK ${opts.join(' ')}`;
    }
    case 'REJECT':
      return opts.length > 0 ? `-j REJECT ${opts.join(' ')}` : '-j REJECT --reject-with icmp-port-unreachable';
    default:
      return [t.goto ? '-g' : '-j', t.name, ...opts].join(' ');
  }
}

/** One rule as `iptables-save` prints it. */
export function saveLine(rule: IptRule): string {
  const spec = parseRuleSpec(rule.args);
  const parts = ['-A', rule.chain];
  if (spec.src) parts.push(`${neg(spec.src)}-s ${withPrefix(spec.src.value)}`);
  if (spec.dst) parts.push(`${neg(spec.dst)}-d ${withPrefix(spec.dst.value)}`);
  if (spec.inIface) parts.push(`${neg(spec.inIface)}-i ${spec.inIface.value}`);
  if (spec.outIface) parts.push(`${neg(spec.outIface)}-o ${spec.outIface.value}`);
  if (spec.proto) parts.push(`${neg(spec.proto)}-p ${spec.proto.value}`);
  for (const m of spec.matches) parts.push(saveMatch(m));
  const target = saveTarget(spec);
  if (target) parts.push(target);
  return parts.join(' ');
}

/**
 * A whole table as `iptables-save -t <table>` prints it: the built-in chains with their policies,
 * then user chains sorted by name (libiptc, and iptables-nft since 1.8.7, sort them), then the
 * rules of each chain in that same order.
 */
export function saveTable(table: IptTable, header: string | null): string {
  const lines: string[] = [];
  if (header !== null) lines.push(header);
  lines.push(`*${table.name}`);
  const userChains = [...new Set(table.chains)].sort();
  for (const b of table.builtins) lines.push(`:${b.name} ${b.policy} [0:0]`);
  for (const c of userChains) lines.push(`:${c} - [0:0]`);
  for (const chain of [...table.builtins.map((b) => b.name), ...userChains]) {
    for (const rule of table.rules) if (rule.chain === chain) lines.push(saveLine(rule));
  }
  lines.push('COMMIT');
  return lines.join('\n');
}
