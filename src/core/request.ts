// What to simulate: a client, a destination, and the knobs that pick among equal outcomes.

import type { Protocol } from './cluster/model.js';
import type { TrafficFailureName, TrafficScenarioName } from './traffic-scenarios.js';

export type ScenarioName =
  | 'cross-node-clusterip'
  | 'same-node-clusterip'
  | 'pod-ip'
  | 'same-node-pod-ip'
  | 'dns-lookup'
  | 'hairpin'
  | 'no-endpoints'
  | 'nxdomain';

/**
 * "What goes wrong" scenarios: `trace --scenario` replays them on their cluster variants. They are
 * kept out of ScenarioName (lessons' ```sim blocks and the tour's simulator menu) until the UI
 * applies scenarioCluster() and its menu takes ten or more entries.
 */
export type FailureScenarioName = 'no-br-netfilter' | 'wrong-targetport' | 'networkpolicy-deny';

/**
 * The traffic scenarios (traffic-scenarios.ts) and their failures: `trace --scenario` only, kept out of
 * the tour's Simulator menu, whose digit keys stay unambiguous below 20 entries.
 */
export type AnyScenarioName = ScenarioName | FailureScenarioName | TrafficScenarioName | TrafficFailureName;

export interface TraceRequest {
  /**
   * The client: a pod, "name" (namespace default) or "ns/name" (a hostNetwork pod sends as its
   * node); "node/NAME", a process in a node's own network namespace; or "external" /
   * "external/IP", a host outside the cluster on the nodes' network (default 192.168.1.50 on the
   * built-in cluster: the node subnet's .50).
   */
  readonly from: string;
  /** A DNS name, a ClusterIP or a pod IP, with an optional ":port". */
  readonly to: string;
  readonly proto?: Protocol;
}

/** A pod named as "name" (namespace default) or "ns/name". */
export function parsePodRef(ref: string): { readonly namespace: string; readonly name: string } {
  const [namespace, name] = ref.includes('/') ? ref.split('/', 2) : ['default', ref];
  return { namespace: namespace!, name: name! };
}

/** TraceRequest.from taken apart, before any cluster is consulted. */
export type ClientRef =
  /** "external" (ip null: the default address) or "external/IP" (ip as given, checked by resolveClient). */
  | { readonly kind: 'external'; readonly ip: string | null }
  /** "node/NAME": a process in that node's own network namespace. */
  | { readonly kind: 'node'; readonly node: string }
  /** Anything else names a pod (a hostNetwork pod sends as its node, which only the cluster can say). */
  | { readonly kind: 'pod'; readonly namespace: string; readonly name: string };

export function parseClientRef(from: string): ClientRef {
  if (from === 'external') return { kind: 'external', ip: null };
  if (from.startsWith('external/')) return { kind: 'external', ip: from.slice('external/'.length) };
  if (from.startsWith('node/')) return { kind: 'node', node: from.slice('node/'.length) };
  return { kind: 'pod', ...parsePodRef(from) };
}

export interface TraceOptions {
  /** Seeds kube-proxy's random endpoint choice and the client's ephemeral port. */
  readonly seed?: number;
  /** Pin the endpoint (an IP) instead of the random choice. */
  readonly endpoint?: string;
  /** Which resolver the client uses for its search walk. */
  readonly resolver?: 'glibc' | 'musl';
  /** Trace the answering DNS query's own journey as the main hops (the dns-lookup scenario). */
  readonly dnsOnly?: boolean;
  /**
   * Trace two connections from the same client, the second from a new source port (session
   * affinity): the first goes to Trace.earlier, the second is the trace.
   */
  readonly secondConnection?: boolean;
  /**
   * A UDP conntrack entry the client's node already holds from earlier traffic of the same flow
   * (same source port), DNATed to this endpoint ("ip:port"); the endpoint's pod is gone.
   */
  readonly staleEntryTo?: string;
  /** After the handshake the server sends a full-size data segment of this IP length, DF set. */
  readonly responseBytes?: number;
}
