// What the socket a packet is delivered to accepts. A connection's first packet needs something
// listening on its destination port; the answer must come from the address the client's socket is
// connected to, or the kernel answers with a RST.
//
// Data, not a closure set on the datapath: a closure that could reach a trace's Datapath, assigned
// to a property, kept every finished trace alive through V8's young-generation collections on Node 20
// (the whole trace was promoted, and V8 then pretenured the trace's objects: the built-in trace went
// from about 0.15 ms to 0.4 ms; docs/design.md, "Trace speed and V8's pretenuring").

import type { ClusterModel } from '../cluster/model.js';
import { podWithIP } from '../cluster/lookup.js';
import { hostPort } from '../net/ipv4.js';
import type { Hop } from '../trace-model.js';

export type SocketExpectation =
  /** Every packet is welcome (a datapath nobody connected through). */
  | { readonly kind: 'any' }
  /** A connection's first packet: a pod that declares container ports must declare this one. */
  | { readonly kind: 'listening' }
  /** The server's answer: it must come from the address and port the client connected to. */
  | { readonly kind: 'answer'; readonly client: string; readonly ip: string; readonly port: number; readonly brNetfilter: boolean };

export const ANY_SOCKET: SocketExpectation = { kind: 'any' };
export const LISTENING_SOCKET: SocketExpectation = { kind: 'listening' };

/** What goes wrong when the packet reaches its socket (the hop's sentence), or null when it is taken. */
export function socketProblem(
  expectation: SocketExpectation,
  p: { readonly src: string; readonly sport: number; readonly dst: string; readonly dport: number; readonly proto: string },
  cluster: ClusterModel,
  hops: readonly Hop[],
): string | null {
  switch (expectation.kind) {
    case 'any':
      return null;
    case 'listening':
      return listeningProblem(p, cluster);
    case 'answer':
      return answerProblem(expectation, p, hops);
  }
}

function listeningProblem(p: { readonly dst: string; readonly dport: number; readonly proto: string }, cluster: ClusterModel): string | null {
  const pod = podWithIP(cluster, p.dst);
  if (pod === null || pod.containerPorts.length === 0) return null;
  if (pod.containerPorts.some((c) => c.port === p.dport && c.protocol === p.proto)) return null;
  const ports = pod.containerPorts.map((c) => `${c.port}/${c.protocol}`).join(', ');
  return `Nothing in ${pod.name} listens on ${p.dport}/${p.proto} (its containers declare ${ports}): the kernel answers with a RST, so the client sees "Connection refused".`;
}

function answerProblem(e: Extract<SocketExpectation, { kind: 'answer' }>, p: { readonly src: string; readonly sport: number }, hops: readonly Hop[]): string | null {
  if (p.src === e.ip && p.sport === e.port) return null;
  const replyHops = hops.filter((h) => h.direction === 'reply');
  const bridgedUnseen = !e.brNetfilter && !replyHops.some((h) => h.step === 'route' || h.step === 'un-dnat');
  const why = bridgedUnseen
    ? ` The reply was bridged pod to pod on cni0, and with br_netfilter off (bridge-nf-call-iptables=0) bridged frames never reach conntrack, so nothing un-DNATed it (the symptom captured in kubernetes/kubernetes#122174: a SYN-ACK from the pod IP, answered with a RST).`
    : '';
  return `${e.client}'s socket is connected to ${hostPort(e.ip, e.port)}, but this answer comes from ${hostPort(p.src, p.sport)}: no socket matches, so the kernel answers with a RST and the connection fails.${why}`;
}
