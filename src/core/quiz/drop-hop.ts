// "Which hop drops it, and why?": a question on each traffic failure scenario of the built-in
// cluster (traffic-scenarios.ts). The key is the trace's last hop, the one where the packet is lost;
// the distractors are the usual wrong guesses, each with why it is wrong. Not in the seeded quiz
// draw: quizzes (format 2 on) ask the same failures, and the others, on their random variant
// cluster through what-goes-wrong.ts; this fixed, built-in-cluster form stays for the tests and
// for a caller that wants the source text's names.

import { BUILTIN_CLUSTER } from '../cluster/builtin.js';
import type { Rng } from '../random.js';
import { ALL_SCENARIOS, scenarioCluster } from '../scenarios.js';
import { simulate } from '../trace.js';
import type { Hop, Trace } from '../trace-model.js';
import type { TrafficFailureName } from '../traffic-scenarios.js';
import { assemble, type Option } from './build.js';
import type { Question } from './types.js';

export const DROP_HOP_SCENARIOS: readonly TrafficFailureName[] = ['nodeport-local-no-endpoint', 'internal-local-no-endpoint', 'vxlan-mtu', 'stale-udp-conntrack'];

/** The hop's canonical value: "node-1 filter-input@INPUT". */
export function hopValue(h: Hop): string {
  return `${h.node ?? h.netns} ${h.step}${h.hook ? `@${h.hook}` : ''}`;
}

const opt = (value: string, text: string, explanation: string, misconception: string | null): Option => ({ value, text, explanation, misconception });

interface Spec {
  readonly prompt: string;
  readonly hint: string;
  readonly keyText: (h: Hop) => string;
  readonly distractors: readonly Option[];
  readonly lessons: readonly number[];
}

const SPECS: Readonly<Record<TrafficFailureName, Spec>> = {
  'nodeport-local-no-endpoint': {
    prompt: 'A client outside the cluster, 192.168.1.50, connects to node-1 192.168.1.11:30081: the NodePort of default/web-local (externalTrafficPolicy: Local), whose only pod runs on node-2.\nWhich hop drops the SYN, and why?',
    hint: 'With externalTrafficPolicy Local, kube-proxy on a node writes only what that node\'s own endpoints need.',
    keyText: () => 'node-1, filter INPUT: KUBE-EXTERNAL-SERVICES "default/web-local has no local endpoints" -j DROP. Nothing DNATed it, so it was for node-1 itself; the client times out.',
    distractors: [
      opt('node-1 no-dnat@PREROUTING:reject', 'node-1, nat PREROUTING: KUBE-NODEPORTS REJECTs it, and the client sees "Connection refused".', 'The nat table never drops or rejects. KUBE-NODEPORTS does jump to KUBE-EXT, but with no local endpoint that chain has no KUBE-SVL jump, so the packet leaves nat PREROUTING untouched; the DROP is a filter rule, and a DROP answers nothing.', 'nat-drops'),
      opt('node-2 deliver', 'None: node-1 forwards it to the pod on node-2, as for any NodePort.', 'That is externalTrafficPolicy Cluster (and it would masquerade the client). With Local, traffic from outside is only ever sent to endpoints on the node it arrived at, to keep the client\'s address; node-1 has none.', 'nodeport-any-node'),
      opt('node-2 deliver:rst', 'node-2\'s pod: it answers with a RST because the source is not masqueraded.', 'The packet never leaves node-1: nothing DNATs it towards node-2.', null),
    ],
    lessons: [5, 9],
  },
  'internal-local-no-endpoint': {
    prompt: 'pod-a (10.244.1.10, on node-1) connects to default/web-internal (ClusterIP 10.96.1.42:80, internalTrafficPolicy: Local). Its only pod runs on node-2.\nWhich hop drops the SYN, and why?',
    hint: 'internalTrafficPolicy Local never sends a ClusterIP connection to another node.',
    keyText: () => 'node-1, filter FORWARD: KUBE-SERVICES "default/web-internal has no local endpoints" -j DROP. kube-proxy wrote no nat rule for it on node-1; the client times out.',
    distractors: [
      opt('node-2 deliver', 'None: with no local endpoint kube-proxy falls back to node-2\'s pod.', 'There is no fallback for internalTrafficPolicy Local: without a local endpoint the ClusterIP is dropped on that node (proxier.go: internalTrafficFilterTarget = "DROP").', 'itp-falls-back'),
      opt('node-1 reject@FORWARD', 'node-1, filter FORWARD: REJECT with ICMP port unreachable, so curl says "Connection refused".', 'REJECT is for a Service with no endpoints anywhere ("... has no endpoints"). Here endpoints exist, just not on node-1: the rule is "... has no local endpoints" -j DROP, and the client only times out.', 'drop-is-reject'),
      opt('pod-a dns', 'CoreDNS: it does not answer for a Local Service from another node, so the name does not resolve.', 'DNS knows nothing of traffic policies: web-internal resolves to 10.96.1.42 from any pod.', null),
    ],
    lessons: [5, 9],
  },
  'vxlan-mtu': {
    prompt: 'The node network carries at most 1450-byte packets, but the nodes\' eth0 say MTU 1500, so flannel.1 and the pods have 1450. pod-a calls myapp; the handshake succeeds. pod-b (node-2) then sends its first full-size response segment: 1450 bytes, DF set.\nWhere is that segment lost, and why?',
    hint: 'Count the bytes the packet has on each device, and ask who could report an oversized packet.',
    keyText: () => 'On the node network between node-2 and node-1: the 1500-byte VXLAN packet (1450 + 50) exceeds what the switch carries. A switch cannot fragment or send ICMP, so it is lost silently.',
    distractors: [
      opt('node-2 route', 'node-2, ip_forward: 1450 bytes with DF exceed flannel.1\'s MTU, so it drops it and sends ICMP fragmentation needed to pod-b.', '1450 bytes fit flannel.1\'s MTU of 1450 exactly, so ip_forward passes it. (That ICMP would be sent for a 1500-byte pod packet, and TCP would recover from it.)', 'inner-exceeds-flannel'),
      opt('node-2 encap', 'node-2, flannel.1: the VXLAN driver copies DF to the outer header and gets ICMP back from the router, so pod-b lowers its MSS.', 'flanneld creates flannel.1 without a df setting: the outer header leaves DF clear and no ICMP is ever generated; on a switched network nothing reports the loss at all.', 'outer-df-inherited'),
      opt('node-1 send', 'pod-a\'s SYN: connections with a small MTU fail at the handshake.', 'The SYN, SYN-ACK and small requests are far below 1450 bytes: they get through, which is why the connection hangs instead of failing.', 'handshake-fails'),
    ],
    lessons: [6, 11],
  },
  'stale-udp-conntrack': {
    prompt: 'pod-a keeps one UDP socket (10.244.1.10:43512) open to kube-dns 10.96.0.10:53. Its flow was DNATed to the CoreDNS pod 10.244.2.2 on node-2, which has just been deleted; kube-proxy already removed it from its rules.\nWhere is pod-a\'s next datagram lost, and why?',
    hint: 'Which does the kernel consult for a packet of a flow it already knows: the nat rules or the conntrack entry?',
    keyText: () => 'node-2, cni0: node-1 followed the old conntrack entry and sent it to 10.244.2.2, which no longer exists; nothing answers for it on node-2\'s bridge. It lasts until the entry is deleted.',
    distractors: [
      opt('pod-a deliver', 'None: kube-proxy\'s rules now DNAT to 10.244.1.2, which answers.', 'The nat rules run only for a flow\'s first packet. This datagram matches the existing entry, whose DNAT to 10.244.2.2 is applied without consulting any rule; only deleting the entry (kube-proxy\'s CleanStaleEntries, or conntrack -D) sends the flow through the rules again.', 'rules-apply-to-existing-flows'),
      opt('node-1 reject@FORWARD', 'node-1, filter FORWARD: REJECT, because the Service lost an endpoint.', 'kube-dns still has an endpoint (10.244.1.2), so there is no REJECT rule; and the filter rules only look at NEW packets.', 'reject-on-endpoint-loss'),
      opt('node-1 dnat@PREROUTING:nxdomain', 'CoreDNS: the remaining pod answers NXDOMAIN for names the deleted pod had cached.', 'CoreDNS pods serve the same data; and the datagram never reaches a live CoreDNS pod.', null),
    ],
    lessons: [4, 9],
  },
};

/** The failure scenario's trace on the built-in cluster. */
export function dropTrace(name: TrafficFailureName): Trace | null {
  const s = ALL_SCENARIOS[name];
  const r = simulate(scenarioCluster(s, BUILTIN_CLUSTER), s.request, s.options);
  return r.ok ? r.trace : null;
}

/** "Which hop drops it, and why?" for one traffic failure scenario; null if the scenario is not dropped. */
export function dropHopQuestion(name: TrafficFailureName, rng: Rng, index = 1): Question | null {
  const trace = dropTrace(name);
  if (trace === null || trace.verdict === 'delivered') return null;
  const hop = trace.hops.at(-1);
  if (hop === undefined) return null;
  const spec = SPECS[name];
  const key = opt(hopValue(hop), spec.keyText(hop), trace.reason ?? hop.action, null);
  return assemble(`q${index}-drop-hop`, {
    topic: 'drop-hop',
    prompt: spec.prompt,
    hint: spec.hint,
    basis: null, // built-in cluster scenarios, not the quiz's variant cluster: there is nothing to re-simulate on a variant
    key,
    distractors: spec.distractors,
  }, spec.lessons, rng);
}
