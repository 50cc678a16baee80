// The names `lab verify --scenario` accepts, and what they expand to. Pure and light (the core's
// scenario table only): the command line checks --scenario against them without loading the lab.

import type { AnyScenarioName } from '../core/request.js';
import { SCENARIOS } from '../core/scenarios.js';

/**
 * The traffic beyond the source text that `lab verify --scenario` builds (src/core/traffic-scenarios.ts):
 * they need the built-in cluster's extra Deployment and Services (web, web-local, web-internal,
 * myapp-sticky, myapp-headless), a host-network client (the node's own namespace) or an outside
 * client (one more namespace on the lan bridge). `--scenario traffic` names them all.
 */
export const LAB_TRAFFIC_SCENARIO_NAMES = [
  'host-network-clusterip',
  'nodeport-external',
  'nodeport-local',
  'nodeport-local-no-endpoint',
  'internal-local',
  'internal-local-no-endpoint',
  'session-affinity',
  'headless',
] as const satisfies readonly AnyScenarioName[];

/**
 * Failure scenarios on a cluster variant of their own that the lab builds, each run alone:
 * networkpolicy-deny (Calico only, with --cni calico-bgp or calico-vxlan here; Felix's policy chain
 * and ipsets from the core); vxlan-mtu (the lan bridge's ports carry 1450 bytes while the nodes'
 * eth0 say 1500; a whole TCP exchange after the handshake); stale-udp-conntrack (built with the
 * CoreDNS pod, which the lab deletes halfway: its veth and namespace removed, kube-proxy's rules
 * reloaded without it, the socket's conntrack entry left in place).
 */
export const LAB_VARIANT_SCENARIO_NAMES = ['networkpolicy-deny', 'vxlan-mtu', 'stale-udp-conntrack'] as const satisfies readonly AnyScenarioName[];

/** What `lab verify --scenario` accepts: the source text's scenarios, the traffic ones, "traffic" for all of those, and the variant ones. */
export const LAB_SCENARIO_CHOICES: readonly string[] = [...Object.keys(SCENARIOS), ...LAB_TRAFFIC_SCENARIO_NAMES, 'traffic', ...LAB_VARIANT_SCENARIO_NAMES];

/** Expands --scenario's list ("traffic" -> every traffic scenario), in the order given, without repeats. */
export function expandLabScenarioNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names) for (const x of n === 'traffic' ? LAB_TRAFFIC_SCENARIO_NAMES : [n]) if (!out.includes(x)) out.push(x);
  return out;
}

/** Whether the named scenarios need the built-in cluster with its traffic extras (not the source text's). */
export function needsTrafficCluster(names: readonly string[]): boolean {
  return names.some((n) => (LAB_TRAFFIC_SCENARIO_NAMES as readonly string[]).includes(n));
}
