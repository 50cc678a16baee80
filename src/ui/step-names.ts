// Readable names for the trace's HopStep values, for lesson text and status lines (the stepper's
// position line keeps the exact step name, which the lessons' directives and `--json` use).

import type { HopStep } from '../core/trace-model.js';

export const STEP_NAMES: Readonly<Record<HopStep, string>> = {
  send: 'send',
  veth: 'veth pair',
  'bridge-in': 'into the bridge',
  'conntrack-new': 'new conntrack entry',
  'conntrack-match': 'conntrack lookup',
  dnat: 'DNAT',
  'no-dnat': 'no DNAT',
  route: 'routing decision',
  'filter-forward': 'filter FORWARD',
  'filter-input': 'filter INPUT',
  reject: 'REJECT',
  postrouting: 'POSTROUTING',
  masquerade: 'MASQUERADE',
  'un-dnat': 'un-DNAT',
  'un-snat': 'un-SNAT',
  'bridge-forward': 'bridge forwarding',
  hairpin: 'hairpin',
  encap: 'VXLAN encapsulation',
  wire: 'node network',
  decap: 'VXLAN decapsulation',
  deliver: 'delivery',
  'icmp-error': 'ICMP error',
};

export function stepName(step: HopStep): string {
  return STEP_NAMES[step] ?? step;
}
