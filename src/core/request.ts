// What to simulate: a client, a destination, and the knobs that pick among equal outcomes.

import type { Protocol } from './cluster/model.js';

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

export type AnyScenarioName = ScenarioName | FailureScenarioName;

export interface TraceRequest {
  /** Client pod: "name" (namespace default) or "ns/name". */
  readonly from: string;
  /** A DNS name, a ClusterIP or a pod IP, with an optional ":port". */
  readonly to: string;
  readonly proto?: Protocol;
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
}
