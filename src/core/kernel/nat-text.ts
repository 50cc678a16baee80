// What a nat-table traversal did, in words, for the DNAT hop and for a traversal that ended without
// one. The ClusterIP-from-a-pod case keeps its original sentence; NodePorts (KUBE-NODEPORTS ->
// KUBE-EXT-*), off-cluster sources (the KUBE-SVC "! -s <clusterCIDR>" mark), session affinity
// (-m recent) and externalTrafficPolicy: Local (KUBE-SVL-*) each add what they do.

import { hostPort } from '../net/ipv4.js';
import { ruleArg, ruleComment } from '../proxy/rule.js';
import type { Traversal, TraversalStep } from './netfilter.js';

export interface NatTextContext {
  readonly hook: 'PREROUTING' | 'OUTPUT';
  readonly node: string;
  /** The packet before the traversal. */
  readonly src: string;
  readonly dst: string;
  readonly dport: number;
  /** The Service's ClientIP affinity timeout (sessionAffinityConfig.clientIP.timeoutSeconds) when the DNAT rule records the client, else null. */
  readonly stickySeconds: number | null;
}

const targetOf = (s: TraversalStep): string | null => ruleArg(s.rule, '-j');

function commentOf(s: TraversalStep): string {
  return ruleComment(s.rule) ?? '';
}

/** The DNAT hop's sentence. `lottery` is the classic description of the statistic draw. */
export function dnatText(t: Traversal, c: NatTextContext, to: string, lottery: string): string {
  const from = hostPort(c.dst, c.dport);
  const sep = t.verdictRule!.chain;
  const svc = t.fired.find((f) => f.rule.chain.startsWith('KUBE-SVC-') || f.rule.chain.startsWith('KUBE-SVL-'));
  const nodePorts = t.fired.find((f) => f.rule.chain === 'KUBE-NODEPORTS');
  const ext = t.fired.find((f) => f.rule.chain.startsWith('KUBE-EXT-'));
  const marker = t.fired.find((f) => targetOf(f) === 'KUBE-MARK-MASQ');
  const rcheck = t.fired.find((f) => f.line.includes('--rcheck'));
  const set = t.verdictRule!.args.includes('--set');
  const priority = `nat ${c.hook} (priority -100)`;
  const hairpin = marker !== undefined && marker.rule.chain.startsWith('KUBE-SEP-');
  if (nodePorts === undefined && rcheck === undefined && !set && (marker === undefined || hairpin) && c.hook === 'PREROUTING') {
    const masq = hairpin ? ` The ${sep} rule "-s ${to.split(':')[0]} -j KUBE-MARK-MASQ" also matched: the client is the endpoint itself (hairpin), so the packet is marked 0x4000 for masquerade.` : '';
    return `${priority}: KUBE-SERVICES matches ${from} and jumps to ${svc?.rule.chain ?? 'the service chain'}. ${lottery}${sep} DNATs the destination to ${to}. conntrack now expects the reply from ${to}.${masq}`;
  }
  const parts: string[] = [];
  if (nodePorts !== undefined && ext !== undefined) {
    parts.push(
      `${priority}: KUBE-SERVICES has no rule for ${from}, so its last rule ("-m addrtype --dst-type LOCAL": ${c.dst} is one of ${c.node}'s own addresses) jumps to KUBE-NODEPORTS, where "--dport ${c.dport}" (${commentOf(nodePorts)}) jumps to ${ext.rule.chain}.`,
    );
    const extMasq = t.fired.find((f) => f.rule.chain === ext.rule.chain && targetOf(f) === 'KUBE-MARK-MASQ');
    if (extMasq && commentOf(extMasq).startsWith('masquerade traffic for')) {
      parts.push(`Its rule "${commentOf(extMasq)}" jumps to KUBE-MARK-MASQ (mark 0x4000): with externalTrafficPolicy Cluster the endpoint may be on another node, so the source must become one of this node's addresses, or the endpoint's reply would go straight back to ${c.src} and never be un-DNATed.`);
    } else if (extMasq) {
      parts.push(`Its rule "${commentOf(extMasq)}" marks the packet 0x4000: the source ${c.src} is this node's own address.`);
    } else if (svc?.rule.chain.startsWith('KUBE-SVL-')) {
      parts.push(`With externalTrafficPolicy Local, ${ext.rule.chain} only short-circuits pod sources (-s <clusterCIDR>) and the node's own (addrtype LOCAL); ${c.src} is neither, so it is not marked and falls through to ${svc.rule.chain}, which lists only this node's endpoints.`);
    }
    if (svc && !svc.rule.chain.startsWith('KUBE-SVL-')) parts.push(`It continues in ${svc.rule.chain}.`);
  } else {
    parts.push(`${priority}: KUBE-SERVICES matches ${from} and jumps to ${svc?.rule.chain ?? 'the service chain'}.`);
  }
  if (marker !== undefined && marker.rule.chain.startsWith('KUBE-SVC') && marker.line.includes('! -s')) {
    const cidr = /! -s (\S+)/.exec(marker.line)?.[1] ?? 'the cluster CIDR';
    parts.push(`Its first rule "! -s ${cidr} -j KUBE-MARK-MASQ" matches: ${c.src} is not a pod address, so the packet is marked 0x4000 and will be masqueraded at POSTROUTING, so the endpoint's reply returns through ${c.node}, which holds the DNAT.`);
  }
  if (rcheck !== undefined) {
    const seconds = ruleArg(rcheck.rule, '--seconds');
    const age = seconds === null ? "within the Service's affinity timeout" : `less than ${seconds} s ago`;
    parts.push(`Its rule "-m recent --name ${sep} --rcheck${seconds === null ? '' : ` --seconds ${seconds}`} --reap" finds ${c.src} in that list (put there by this client's earlier connection, ${age}) and jumps straight to ${sep}: the random draw is never reached, whatever the seed.`);
  } else if (svc) {
    parts.push(lottery.trim());
  }
  parts.push(`${sep} DNATs the destination to ${to}. conntrack now expects the reply from ${to}.`);
  if (set) parts.push(`The DNAT rule also carries "-m recent --name ${sep} --set": ${c.src} is recorded in that list, so for ${c.stickySeconds === null ? "the Service's sessionAffinityConfig.clientIP.timeoutSeconds" : `${c.stickySeconds} s (sessionAffinityConfig.clientIP.timeoutSeconds)`} this client's new connections go to ${to} too.`);
  if (hairpin) parts.push(`The ${sep} rule "-s ${to.split(':')[0]} -j KUBE-MARK-MASQ" also matched: the client is the endpoint itself (hairpin), so the packet is marked 0x4000 for masquerade.`);
  return parts.join(' ');
}

/** A nat traversal that did not DNAT: why not, when kube-proxy's chains were involved. */
export function noDnatText(t: Traversal, c: NatTextContext, classic: string): string {
  const ext = t.fired.find((f) => f.rule.chain.startsWith('KUBE-EXT-'));
  if (ext === undefined) return classic;
  const nodePorts = t.fired.find((f) => f.rule.chain === 'KUBE-NODEPORTS');
  return `nat ${c.hook} (priority -100): KUBE-SERVICES' last rule (addrtype LOCAL) jumps to KUBE-NODEPORTS, and "--dport ${c.dport}"${nodePorts ? ` (${commentOf(nodePorts)})` : ''} to ${ext.rule.chain}. That Service has externalTrafficPolicy Local and no endpoint on ${c.node}: its EXT chain only short-circuits pod and node-local sources, and kube-proxy wrote no jump to a KUBE-SVL chain. ${c.src} is neither, so nat ${c.hook} ends without a DNAT and the packet is still addressed to ${hostPort(c.dst, c.dport)}, one of ${c.node}'s own addresses.`;
}
