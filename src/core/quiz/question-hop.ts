// The hop a quiz question is about, so the tour can open the stepper there after the answer.
// Derived from the question's topic, not stored in it: the Question data (and every export of a
// seeded quiz) stays exactly as it was.

import type { Direction, HopStep } from '../trace-model.js';
import type { Question } from './types.js';

export interface QuestionHop {
  readonly step: HopStep;
  readonly direction: Direction;
}

const HOP_OF_TOPIC: Readonly<Record<string, QuestionHop>> = {
  'dnat-destination': { step: 'dnat', direction: 'request' },
  'who-rewrites': { step: 'dnat', direction: 'request' },
  'svc-chain': { step: 'dnat', direction: 'request' },
  'rule-probability': { step: 'dnat', direction: 'request' },
  'rule-probability-saved': { step: 'dnat', direction: 'request' },
  'endpoint-sees': { step: 'deliver', direction: 'request' },
  'ttl-at-delivery': { step: 'deliver', direction: 'request' },
  'route-device': { step: 'route', direction: 'request' },
  'postrouting-snat': { step: 'postrouting', direction: 'request' },
  'hairpin-source': { step: 'masquerade', direction: 'request' },
  'outer-header': { step: 'encap', direction: 'request' },
  'vxlan-port': { step: 'encap', direction: 'request' },
  'vxlan-mtu': { step: 'encap', direction: 'request' },
  'reply-source': { step: 'un-dnat', direction: 'reply' },
  'undnat-where': { step: 'un-dnat', direction: 'reply' },
  'reject-chain': { step: 'reject', direction: 'request' },
  'no-endpoints': { step: 'reject', direction: 'request' },
};

/** The question's own hop when its basis names one, else its topic's; null for whole-trace topics. */
export function questionHop(question: Question): QuestionHop | null {
  const b = question.basis;
  if (b !== null && b.step !== null) return { step: b.step, direction: b.direction ?? 'request' };
  return HOP_OF_TOPIC[question.topic] ?? null;
}
