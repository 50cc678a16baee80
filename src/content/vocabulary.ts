// The names lesson directives may use, as runtime sets. Each set is written as a Record over the
// core's union type, so adding a scenario or a hop step to the core fails type-checking here
// until the set is updated (no silent drift between lessons and the simulator).

import type { ScenarioName } from '../core/request.js';
import type { Direction, HopStep } from '../core/trace-model.js';

const SCENARIO_SET: Record<ScenarioName, true> = {
  'cross-node-clusterip': true,
  'same-node-clusterip': true,
  'pod-ip': true,
  'same-node-pod-ip': true,
  'dns-lookup': true,
  hairpin: true,
  'no-endpoints': true,
  nxdomain: true,
};

const HOP_STEP_SET: Record<HopStep, true> = {
  send: true,
  veth: true,
  'bridge-in': true,
  'conntrack-new': true,
  'conntrack-match': true,
  dnat: true,
  'no-dnat': true,
  route: true,
  'filter-forward': true,
  'filter-input': true,
  reject: true,
  postrouting: true,
  masquerade: true,
  'un-dnat': true,
  'un-snat': true,
  'bridge-forward': true,
  hairpin: true,
  encap: true,
  wire: true,
  decap: true,
  deliver: true,
  'icmp-error': true,
};

/** What a ```predict block can ask the learner to predict before a hop is shown. */
export type PredictAsk = 'next-hop' | 'rewrite' | 'chain' | 'outer-header' | 'conntrack' | 'dns-queries';

const PREDICT_ASK_SET: Record<PredictAsk, true> = {
  'next-hop': true,
  rewrite: true,
  chain: true,
  'outer-header': true,
  conntrack: true,
  'dns-queries': true,
};

const DIRECTION_SET: Record<Direction, true> = { request: true, reply: true };

export const SCENARIO_NAMES: readonly ScenarioName[] = Object.keys(SCENARIO_SET) as ScenarioName[];
export const HOP_STEPS: readonly HopStep[] = Object.keys(HOP_STEP_SET) as HopStep[];
export const PREDICT_ASKS: readonly PredictAsk[] = Object.keys(PREDICT_ASK_SET) as PredictAsk[];

/** Each ask as the question a learner reads (the tour's lesson pages and the plain text). */
export const PREDICT_QUESTIONS: Readonly<Record<PredictAsk, string>> = {
  'next-hop': 'Where does the packet go next?',
  rewrite: 'What is rewritten, and to what?',
  chain: 'Which chain decides?',
  'outer-header': 'What does the outer header carry?',
  conntrack: 'What will the conntrack entry say?',
  'dns-queries': 'Which DNS queries does the resolver send?',
};

export function isScenarioName(value: unknown): value is ScenarioName {
  return typeof value === 'string' && Object.hasOwn(SCENARIO_SET, value);
}

export function isHopStep(value: unknown): value is HopStep {
  return typeof value === 'string' && Object.hasOwn(HOP_STEP_SET, value);
}

export function isPredictAsk(value: unknown): value is PredictAsk {
  return typeof value === 'string' && Object.hasOwn(PREDICT_ASK_SET, value);
}

export function isDirection(value: unknown): value is Direction {
  return typeof value === 'string' && Object.hasOwn(DIRECTION_SET, value);
}

/**
 * The source text's section headings (shared/seed/pod-to-pod-communication.md), without emoji.
 * A lesson's `seedSection` must be one of these. The last entry is the follow-up the source
 * offers in its closing line; bonus lessons cover it.
 */
export const SEED_SECTIONS: readonly string[] = [
  'High-Level Overview',
  '1. Step-by-Step Packet Journey',
  '2. Visual Packet Flow Diagram',
  '3. Inside the Node (Network Stack View)',
  '4. Packet Rewriting Sequence (DNAT/SNAT)',
  '5. How kube-proxy and CNI Intersect',
  '6. Example: Pod-A to Pod-B on Different Nodes',
  '7. How DNS, kube-proxy, and CNI Sync Together',
  '8. Bonus: Same Pod Network but No kube-proxy',
  '9. Example Real Flow in a Cluster',
  '10. Summary Table',
  'Follow-up: Flannel (CNI overlay) internals deep dive',
];
