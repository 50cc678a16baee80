// Named side-by-side comparisons on the built-in cluster: one scenario, or two, each side on its own
// variant of the cluster, aligned hop by hop (compare.ts). The tour's simulator offers them, and a
// lesson's ```compare block opens one; both replay these, so what a lesson promises is what runs.

import type { ClusterModel } from './cluster/model.js';
import { withProxyMode } from './cluster/proxy-mode.js';
import { withCni, withoutBrNetfilter } from './cluster/variants.js';
import { compareTraces, type Comparison } from './compare.js';
import type { AnyScenarioName } from './request.js';
import { ALL_SCENARIOS, scenarioCluster } from './scenarios.js';
import type { simulate as Simulate } from './trace.js';

export interface ComparisonSide {
  /** How the side is named on screen ("Flannel VXLAN"). */
  readonly label: string;
  readonly scenario: AnyScenarioName;
  /** The side's cluster, made from the built-in one; absent: the scenario's own. */
  readonly cluster?: (base: ClusterModel) => ClusterModel;
}

export interface ComparisonSpec {
  readonly name: string;
  /** What the two sides differ in, as `trace --compare` names it ("cni"), or a short phrase. */
  readonly compare: string;
  readonly title: string;
  readonly summary: string;
  readonly sides: readonly [ComparisonSide, ComparisonSide];
}

export const COMPARISONS = {
  'vxlan-vs-host-gw': {
    name: 'vxlan-vs-host-gw',
    compare: 'cni',
    title: 'Flannel VXLAN or host-gw, same request',
    summary: 'pod-a to myapp, endpoint pod-b on node-2: one overlay wraps the packet in UDP 8472, the other routes it via node-2.',
    sides: [
      { label: 'flannel-vxlan', scenario: 'cross-node-clusterip', cluster: (c) => withCni(c, 'flannel-vxlan') },
      { label: 'flannel-host-gw', scenario: 'cross-node-clusterip', cluster: (c) => withCni(c, 'flannel-host-gw') },
    ],
  },
  'iptables-vs-ipvs': {
    name: 'iptables-vs-ipvs',
    compare: 'proxy-mode',
    title: 'kube-proxy in iptables mode or IPVS mode, same request',
    summary: 'pod-a to myapp, endpoint pod-b: a KUBE-SEP rule DNATs in nat PREROUTING, or the ClusterIP is local on kube-ipvs0 and IPVS DNATs at INPUT.',
    sides: [
      { label: 'iptables', scenario: 'cross-node-clusterip', cluster: (c) => withProxyMode(c, 'iptables') },
      { label: 'ipvs', scenario: 'cross-node-clusterip', cluster: (c) => withProxyMode(c, 'ipvs') },
    ],
  },
  'flannel-vs-calico': {
    name: 'flannel-vs-calico',
    compare: 'cni',
    title: 'Flannel VXLAN or Calico VXLAN, same request',
    summary: 'pod-a to myapp, endpoint pod-b on node-2: a bridge and flannel.1 (UDP 8472, VNI 1), or routed cali veths and vxlan.calico (UDP 4789, VNI 4096).',
    sides: [
      { label: 'flannel-vxlan', scenario: 'cross-node-clusterip', cluster: (c) => withCni(c, 'flannel-vxlan') },
      { label: 'calico-vxlan', scenario: 'cross-node-clusterip', cluster: (c) => withCni(c, 'calico-vxlan') },
    ],
  },
  'calico-same-node': {
    name: 'calico-same-node',
    compare: 'cni',
    title: 'Same node: bridged by Flannel, routed by Calico',
    summary: 'pod-a to pod-c on node-1: cni0 switches the frame at L2 (TTL stays 64); Calico has no bridge, so the host routes it (TTL 63).',
    sides: [
      { label: 'flannel-vxlan', scenario: 'same-node-pod-ip', cluster: (c) => withCni(c, 'flannel-vxlan') },
      { label: 'calico-bgp', scenario: 'same-node-pod-ip', cluster: (c) => withCni(c, 'calico-bgp') },
    ],
  },
  'br-netfilter': {
    name: 'br-netfilter',
    compare: 'br_netfilter',
    title: 'With and without br_netfilter, endpoint on the same node',
    summary: "pod-a to myapp, endpoint pod-c on node-1: without br_netfilter the bridged reply skips conntrack, keeps pod-c's address, and pod-a resets it.",
    sides: [
      { label: 'br_netfilter loaded', scenario: 'same-node-clusterip' },
      { label: 'br_netfilter missing', scenario: 'same-node-clusterip', cluster: withoutBrNetfilter },
    ],
  },
  'service-vs-pod-ip': {
    name: 'service-vs-pod-ip',
    compare: 'destination',
    title: 'Through the Service, or straight to the pod IP',
    summary: "pod-a to pod-b twice: once by myapp's ClusterIP (DNAT, un-DNAT), once by pod-b's own IP (no kube-proxy rule matches).",
    sides: [
      { label: 'myapp ClusterIP', scenario: 'cross-node-clusterip' },
      { label: 'pod-b IP', scenario: 'pod-ip' },
    ],
  },
} as const satisfies Readonly<Record<string, ComparisonSpec>>;

export type ComparisonName = keyof typeof COMPARISONS;
export const COMPARISON_NAMES = Object.keys(COMPARISONS) as ComparisonName[];

export function isComparisonName(name: string): name is ComparisonName {
  return Object.hasOwn(COMPARISONS, name);
}

export type ComparisonResult = { readonly ok: true; readonly comparison: Comparison } | { readonly ok: false; readonly message: string };

/** Runs both sides of a named comparison on `base` (the built-in cluster) and aligns them. */
export function runComparison(name: ComparisonName, base: ClusterModel, simulate: typeof Simulate): ComparisonResult {
  const spec: ComparisonSpec = COMPARISONS[name];
  const traces = spec.sides.map((side) => {
    const scenario = ALL_SCENARIOS[side.scenario];
    const cluster = scenarioCluster(scenario, side.cluster ? side.cluster(base) : base);
    const r = simulate(cluster, scenario.request, scenario.options);
    return r.ok ? { ...r.trace, scenario: side.scenario } : r.error.message;
  });
  const [a, b] = traces;
  if (typeof a === 'string' || typeof b === 'string' || a === undefined || b === undefined) {
    return { ok: false, message: `comparison ${name}: ${[a, b].filter((t) => typeof t === 'string').join('; ')}` };
  }
  return { ok: true, comparison: compareTraces(spec.compare, [spec.sides[0].label, spec.sides[1].label], [a, b]) };
}
