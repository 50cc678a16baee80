// An independent reading of a Trace for each quiz topic: what the right answer's value must be.
// Kept apart from the generators on purpose: it reads trace fields (and, for the iptables-save
// form, the rules renderer), never the generators' helpers.

import { nodeTables } from '../../src/core/proxy/node-tables.js';
import { renderIptablesSave } from '../../src/core/proxy/render-rules.js';
import type { Question } from '../../src/core/quiz/types.js';
import type { QuizVariant } from '../../src/core/quiz/variant.js';
import type { Hop, Trace } from '../../src/core/trace-model.js';

const ip = (endpoint: string): string => endpoint.slice(0, endpoint.lastIndexOf(':') < 0 ? undefined : endpoint.lastIndexOf(':'));
const port = (endpoint: string): string => endpoint.slice(endpoint.lastIndexOf(':') + 1);
const req = (t: Trace): Hop[] => t.hops.filter((h) => h.direction === 'request');
const rep = (t: Trace): Hop[] => t.hops.filter((h) => h.direction === 'reply');
const rewriteOf = (t: Trace, kind: string): Hop | undefined => t.hops.find((h) => h.rewrite?.kind === kind);

function tuples(line: string): string {
  const f = [...line.matchAll(/\b(src|dst|sport|dport)=(\S+)/g)].map((m) => `${m[1]}=${m[2]}`);
  return `${f.slice(0, 4).join(' ')} | ${f.slice(4, 8).join(' ')}`;
}

/** The value the key must have, or throws when the trace lacks what the topic needs. */
export function expectedValue(q: Question, trace: Trace, variant: QuizVariant): string {
  const need = <T>(x: T | undefined | null, what: string): T => {
    if (x === undefined || x === null) throw new Error(`${q.topic}: the trace has no ${what}`);
    return x;
  };
  switch (q.topic) {
    case 'dns-nxdomain-count':
      return String(need(trace.dns, 'dns').queries.filter((x) => x.type === 'A' && x.rcode === 'NXDOMAIN').length);
    case 'dns-first-query':
      return need(trace.dns?.queries[0], 'query').name;
    case 'dns-answer':
      return need(trace.dns?.queries.find((x) => x.type === 'A' && x.rcode === 'NOERROR')?.answer, 'A answer');
    case 'dns-wrong-namespace':
      return trace.outcome === 'nxdomain' ? 'nxdomain' : `resolved:${trace.outcome}`;
    case 'who-rewrites': {
      const h = need(rewriteOf(trace, 'DNAT'), 'DNAT');
      return `${h.component}@${h.node}`;
    }
    case 'reply-source':
      return need(rep(trace).at(-1), 'reply').packet.src;
    case 'undnat-where': {
      const h = need(rewriteOf(trace, 'un-DNAT'), 'un-DNAT');
      return `${h.node}|${h.component}|${h.hook}`;
    }
    case 'route-device':
      return need(req(trace).find((h) => h.step === 'route'), 'route').device;
    case 'ttl-at-delivery':
      return String(need(req(trace).at(-1), 'delivery').packet.ttl);
    case 'dnat-destination':
      return need(rewriteOf(trace, 'DNAT')?.rewrite?.to, 'DNAT');
    case 'endpoint-sees': {
      const p = need(req(trace).at(-1), 'delivery').packet;
      return `${ip(p.src)}>${p.dst}`;
    }
    case 'hairpin-source':
      return ip(need(req(trace).at(-1), 'delivery').packet.src);
    case 'postrouting-snat':
      return req(trace).some((h) => h.rewrite?.kind === 'MASQUERADE' || h.rewrite?.kind === 'SNAT') ? 'snat' : 'unchanged';
    case 'svc-chain': {
      const line = need(trace.hops.flatMap((h) => h.rules).find((r) => r.startsWith('nat KUBE-SERVICES:') && / -j KUBE-SVC-/.test(r)), 'KUBE-SERVICES rule');
      return need(/-j (KUBE-SVC-\S+)/.exec(line)?.[1], 'target');
    }
    case 'rule-probability': {
      const line = need(rewriteOf(trace, 'DNAT')?.rules.find((r) => r.startsWith('nat KUBE-SVC-') && r.includes('-j KUBE-SEP-')), 'KUBE-SVC rule');
      return /--probability (\S+)/.exec(line)?.[1] ?? 'none';
    }
    case 'rule-probability-saved': {
      const dnat = need(rewriteOf(trace, 'DNAT'), 'DNAT');
      const sep = need(dnat.rewrite?.chain, 'KUBE-SEP chain');
      const node = need(variant.cluster.nodes.find((n) => n.name === dnat.node), 'node');
      const saved = renderIptablesSave(nodeTables(variant.cluster, node));
      const line = need(saved.split('\n').find((l) => l.startsWith('-A KUBE-SVC-') && l.endsWith(`-j ${sep}`)), 'saved KUBE-SVC line');
      return need(/--probability (\S+)/.exec(line)?.[1], 'saved probability');
    }
    case 'outer-header': {
      const o = need(req(trace).find((h) => h.step === 'encap')?.packet.outer, 'outer header');
      return `${o.src}>${o.dst}/${o.proto.toLowerCase()}:${o.dport}/vni:${o.vni}`;
    }
    case 'vxlan-port':
      return String(need(req(trace).find((h) => h.step === 'encap')?.packet.outer?.dport, 'outer port'));
    case 'vxlan-mtu':
      return need(/MTU (\d+)/.exec(need(req(trace).find((h) => h.step === 'encap'), 'encap').action)?.[1], 'MTU in the encap action');
    case 'no-endpoints':
      return trace.outcome === 'rejected' && trace.hops.some((h) => h.step === 'reject') ? 'reject' : trace.outcome;
    case 'reject-chain': {
      const last = need(trace.hops.find((h) => h.step === 'reject')?.rules.at(-1), 'REJECT rule');
      const m = need(/^(\w+) (\S+): .*-j REJECT/.exec(last), 'REJECT target');
      return `${m[1]} ${m[2]}`;
    }
    case 'pod-ip-rewrites':
      return req(trace).some((h) => h.rewrite !== null) ? 'rewritten' : 'none';
    case 'same-node-pod-path': {
      if (req(trace).some((h) => h.step === 'route')) return 'routed';
      return `bridge:${need(req(trace).find((h) => h.step === 'bridge-forward'), 'bridge-forward').device}`;
    }
    case 'without-kube-proxy': {
      if (req(trace).some((h) => h.rewrite?.kind === 'DNAT')) return 'dnat';
      return `route:${need(req(trace).find((h) => h.step === 'route'), 'route').device}`;
    }
    case 'conntrack-node':
      return need(rewriteOf(trace, 'un-DNAT')?.node, 'un-DNAT');
    case 'conntrack-entry': {
      const node = need(rewriteOf(trace, 'un-DNAT')?.node, 'un-DNAT');
      return tuples(need(rep(trace).find((h) => h.step === 'conntrack-match' && h.node === node)?.conntrack, 'conntrack line'));
    }
    case 'client-port':
      return port(need(req(trace).at(-1), 'delivery').packet.src);
    case 'round-trip-rewrites':
      return trace.hops.filter((h) => h.rewrite !== null).map((h) => `${h.rewrite!.kind}@${h.node}`).join(',');
    case 'what-goes-wrong': {
      // Where the connection is lost: a rejected one at its REJECT hop, otherwise at the trace's last
      // hop (the DROP, or the RST); and how (the trace's outcome).
      if (trace.outcome === 'delivered') return 'delivered';
      const h = need(trace.hops.find((x) => x.step === 'reject') ?? trace.hops.at(-1), 'hop');
      return `${h.node ?? '-'}/${h.netns} ${h.step}${h.hook ? `@${h.hook}` : ''}|${trace.outcome}`;
    }
    default:
      throw new Error(`no oracle for ${q.topic}`);
  }
}
