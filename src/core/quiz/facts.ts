// Small readers of a Trace and a variant that the generators share. Pure.

import type { ClusterModel, NodeModel, PodModel, ServiceModel } from '../cluster/model.js';
import { splitHostPort } from '../net/ipv4.js';
import type { TraceOptions, TraceRequest } from '../request.js';
import { simulate } from '../trace.js';
import type { Direction, Hop, HopStep, Trace } from '../trace-model.js';
import { applyChange } from './cluster-change.js';
import type { QuestionBasis } from './types.js';
import type { QuizVariant } from './variant.js';

export function hopAt(trace: Trace, step: HopStep, direction: Direction | null = null): Hop | null {
  return trace.hops.find((h) => h.step === step && (direction === null || h.direction === direction)) ?? null;
}

export function lastHop(trace: Trace, direction: Direction): Hop | null {
  const hops = trace.hops.filter((h) => h.direction === direction);
  return hops.at(-1) ?? null;
}

export function ipOf(endpoint: string): string {
  return splitHostPort(endpoint).ip;
}

export function portOf(endpoint: string): number | null {
  return splitHostPort(endpoint).port;
}

export function podRef(pod: PodModel): string {
  return `${pod.namespace}/${pod.name}`;
}

/** How a prompt names a pod: "checkout-6bd97f5c4x-2wq8z (10.31.2.14, on node-2)". */
export function podDesc(pod: PodModel): string {
  return `${pod.name} (${pod.ip}, on ${pod.nodeName})`;
}

export function nodeOf(cluster: ClusterModel, name: string | null): NodeModel | null {
  return cluster.nodes.find((n) => n.name === name) ?? null;
}

/** The cluster without a Service and its EndpointSlices: as if kube-proxy had never written its rules. */
export function withoutService(cluster: ClusterModel, ref: string): ClusterModel {
  const [ns, name] = ref.split('/');
  return {
    ...cluster,
    services: cluster.services.filter((s) => !(s.namespace === ns && s.name === name)),
    endpointSlices: cluster.endpointSlices.filter((s) => !(s.namespace === ns && s.serviceName === name)),
  };
}

export function basis(request: TraceRequest, options: TraceOptions, extra: Partial<Pick<QuestionBasis, 'withoutService' | 'step' | 'direction' | 'change'>> = {}): QuestionBasis {
  const b: QuestionBasis = { request, options, withoutService: extra.withoutService ?? null, step: extra.step ?? null, direction: extra.direction ?? null };
  return extra.change === undefined ? b : { ...b, change: extra.change };
}

/** The cluster a question's basis is simulated on: the variant, without a Service or with one knob turned. */
export function basisCluster(cluster: ClusterModel, b: QuestionBasis): ClusterModel {
  const base = b.withoutService === null ? cluster : withoutService(cluster, b.withoutService);
  return b.change === undefined ? base : applyChange(base, b.change);
}

/** Simulates a question's basis on its variant; null when the simulator refuses the request. */
export function traceOfBasis(variant: QuizVariant, b: QuestionBasis): Trace | null {
  const result = simulate(basisCluster(variant.cluster, b), b.request, b.options);
  return result.ok ? result.trace : null;
}

/** "ClusterIP:port". */
export function serviceAddress(svc: ServiceModel): string {
  return `${svc.clusterIP}:${svc.ports[0]!.port}`;
}

export function targetPortOf(svc: ServiceModel): number {
  return svc.ports[0]!.targetPort as number;
}

/** The conntrack line's two tuples, without protocol, timeout, state and flags: "src=.. dst=.. sport=.. dport=.. | src=.. ...". */
export function conntrackTuples(line: string): string | null {
  const fields = [...line.matchAll(/\b(src|dst|sport|dport)=(\S+)/g)].map((m) => `${m[1]}=${m[2]}`);
  if (fields.length !== 8) return null;
  return `${fields.slice(0, 4).join(' ')} | ${fields.slice(4).join(' ')}`;
}
