// Named scenarios on the built-in cluster: what lessons, the stepper and `trace --scenario` replay.

import type { ClusterModel } from './cluster/model.js';
import { withoutBrNetfilter, withTargetPortDefaulted } from './cluster/variants.js';
import { withDefaultDenyIngress } from './cluster/policy-variants.js';
import type { AnyScenarioName, FailureScenarioName, ScenarioName, TraceOptions, TraceRequest } from './request.js';
import { TRAFFIC_FAILURE_SCENARIOS, TRAFFIC_SCENARIOS } from './traffic-scenarios.js';

export interface Scenario<N extends AnyScenarioName = ScenarioName> {
  readonly name: N;
  readonly title: string;
  readonly summary: string;
  readonly request: TraceRequest;
  readonly options: TraceOptions;
  /**
   * The cluster this scenario runs on, made from the built-in one (a failure scenario turns one
   * knob). Absent: the base cluster as it is. Use scenarioCluster() rather than calling it.
   */
  readonly cluster?: (base: ClusterModel) => ClusterModel;
}

/** The cluster a scenario is simulated on: its variant of `base`, or `base` itself. */
export function scenarioCluster(scenario: Scenario<AnyScenarioName>, base: ClusterModel): ClusterModel {
  return scenario.cluster ? scenario.cluster(base) : base;
}

export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  'cross-node-clusterip': {
    name: 'cross-node-clusterip',
    title: 'Pod to Service, endpoint on another node',
    summary: 'pod-a calls myapp; the DNAT picks pod-b on node-2, so the packet crosses the VXLAN overlay.',
    request: { from: 'pod-a', to: 'myapp.default.svc.cluster.local' },
    options: { endpoint: '10.244.2.6' },
  },
  'same-node-clusterip': {
    name: 'same-node-clusterip',
    title: 'Pod to Service, endpoint on the same node',
    summary: 'pod-a calls myapp; the DNAT picks pod-c on node-1, and the bridge delivers it (bridged DNAT).',
    request: { from: 'pod-a', to: 'myapp.default.svc.cluster.local' },
    options: { endpoint: '10.244.1.5' },
  },
  'pod-ip': {
    name: 'pod-ip',
    title: 'Pod to pod IP on another node (no Service)',
    summary: 'pod-a connects straight to pod-b 10.244.2.6:8080: no DNS, no kube-proxy rule, no NAT.',
    request: { from: 'pod-a', to: '10.244.2.6:8080' },
    options: {},
  },
  'same-node-pod-ip': {
    name: 'same-node-pod-ip',
    title: 'Pod to pod IP on the same node',
    summary: 'pod-a connects to pod-c 10.244.1.5:8080 on the same node: cni0 switches the frame at L2.',
    request: { from: 'pod-a', to: '10.244.1.5:8080' },
    options: {},
  },
  'dns-lookup': {
    name: 'dns-lookup',
    title: 'The DNS query itself',
    summary: "pod-a's resolver walks its search list; the answering query goes to 10.96.0.10:53 and is DNATed to a CoreDNS pod.",
    request: { from: 'pod-a', to: 'myapp.default.svc.cluster.local' },
    options: { dnsOnly: true },
  },
  hairpin: {
    name: 'hairpin',
    title: 'Hairpin: a pod reaches itself through its Service',
    summary: 'pod-c calls myapp and the DNAT picks pod-c itself: kube-proxy marks it, and POSTROUTING masquerades it to 10.244.1.1.',
    request: { from: 'pod-c', to: 'myapp.default.svc.cluster.local' },
    options: { endpoint: '10.244.1.5' },
  },
  'no-endpoints': {
    name: 'no-endpoints',
    title: 'A Service with no endpoints',
    summary: "myapp-v2's selector matches no pod: kube-proxy installs a REJECT, and curl says Connection refused.",
    request: { from: 'pod-a', to: 'myapp-v2.default.svc.cluster.local' },
    options: {},
  },
  nxdomain: {
    name: 'nxdomain',
    title: 'A name that does not exist',
    summary: 'pod-a asks for "myap" (a typo): every search domain answers NXDOMAIN and no packet is sent.',
    request: { from: 'pod-a', to: 'myap' },
    options: {},
  },
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** What goes wrong: each one turns one knob of the built-in cluster (see Scenario.cluster). */
export const FAILURE_SCENARIOS: Readonly<Record<FailureScenarioName, Scenario<FailureScenarioName>>> = {
  'no-br-netfilter': {
    name: 'no-br-netfilter',
    title: 'What goes wrong: br_netfilter off, endpoint on the same node',
    summary: 'As same-node-clusterip, but with bridge-nf-call-iptables=0: pod-c\'s reply is bridged straight to pod-a, never un-DNATed, and pod-a answers with a RST (kubernetes#122174).',
    request: { from: 'pod-a', to: 'myapp.default.svc.cluster.local' },
    options: { endpoint: '10.244.1.5' },
    cluster: withoutBrNetfilter,
  },
  'wrong-targetport': {
    name: 'wrong-targetport',
    title: 'What goes wrong: the Service\'s targetPort misses the container port',
    summary: 'myapp was written without targetPort, so it defaults to port 80, but pod-b listens on 8080: the SYN is DNATed to 10.244.2.6:80, pod-b\'s kernel answers with a RST, and curl says Connection refused.',
    request: { from: 'pod-a', to: 'myapp.default.svc.cluster.local' },
    options: { endpoint: '10.244.2.6' },
    cluster: withTargetPortDefaulted,
  },
  'networkpolicy-deny': {
    name: 'networkpolicy-deny',
    title: 'What goes wrong: a NetworkPolicy denies the connection (Calico)',
    summary: 'default-deny-ingress in namespace default: the SYN is DNATed on node-1, crosses to node-2, and Calico\'s cali-tw chain for pod-b DROPs it in filter FORWARD; nothing comes back, the client retransmits and curl reports "Connection timed out".',
    request: { from: 'pod-a', to: 'myapp.default.svc.cluster.local' },
    options: { endpoint: '10.244.2.6' },
    cluster: withDefaultDenyIngress,
  },
};

/** Every scenario `trace --scenario` knows: the named ones, the further traffic (traffic-scenarios.ts), the failure ones, then the traffic failures. */
export const ALL_SCENARIOS: Readonly<Record<AnyScenarioName, Scenario<AnyScenarioName>>> = { ...SCENARIOS, ...TRAFFIC_SCENARIOS, ...FAILURE_SCENARIOS, ...TRAFFIC_FAILURE_SCENARIOS };
export const ALL_SCENARIO_NAMES = Object.keys(ALL_SCENARIOS) as AnyScenarioName[];
