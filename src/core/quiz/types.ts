// Questions, as every generator returns them and every view (stepper, quiz, exports) reads them.
// Plain, readonly, JSON-serialisable data.

import type { TraceOptions, TraceRequest } from '../request.js';
import type { Direction, HopStep } from '../trace-model.js';
import type { ClusterChange } from './cluster-change.js';

/** What a stepper prediction asks about (the ```predict block's `ask`). */
export type PredictAsk = 'next-hop' | 'rewrite' | 'chain' | 'outer-header' | 'conntrack' | 'dns-queries';

export type QuizTopic =
  | 'dns-nxdomain-count'
  | 'dns-first-query'
  | 'dns-answer'
  | 'dns-wrong-namespace'
  | 'who-rewrites'
  | 'reply-source'
  | 'undnat-where'
  | 'route-device'
  | 'ttl-at-delivery'
  | 'dnat-destination'
  | 'endpoint-sees'
  | 'hairpin-source'
  | 'postrouting-snat'
  | 'svc-chain'
  | 'rule-probability'
  | 'rule-probability-saved'
  | 'outer-header'
  | 'vxlan-port'
  | 'vxlan-mtu'
  | 'no-endpoints'
  | 'reject-chain'
  | 'pod-ip-rewrites'
  | 'same-node-pod-path'
  | 'without-kube-proxy'
  | 'conntrack-node'
  | 'conntrack-entry'
  | 'client-port'
  | 'round-trip-rewrites'
  /** "Where does it go wrong, and how?" on a failure built on the quiz's variant (what-goes-wrong.ts; quiz format 2 on). */
  | 'what-goes-wrong'
  | `predict-${PredictAsk}`;

export interface Choice {
  /** What the learner reads. */
  readonly text: string;
  /**
   * The fact this choice asserts, in a canonical form (an address, a chain, a count). The key's value
   * is what the Trace says; tests compare values, never display text.
   */
  readonly value: string;
  /** For the key: why it is right. For a distractor: the misconception behind it and why it is wrong. */
  readonly explanation: string;
  /** A stable name of the misconception a distractor comes from (e.g. "kube-proxy-forwards"); null for the key and for choices taken from the cluster. */
  readonly misconception: string | null;
}

/** How to reproduce the Trace a quiz question was computed from (on the quiz's variant cluster). */
export interface QuestionBasis {
  readonly request: TraceRequest;
  readonly options: TraceOptions;
  /** "ns/name" of a Service taken out of the cluster before simulating (the "no kube-proxy rules" questions), or null. */
  readonly withoutService: string | null;
  /** The hop the question is about, when it is about one. */
  readonly step: HopStep | null;
  readonly direction: Direction | null;
  /**
   * One knob of the variant turned before simulating ("what goes wrong" questions). Absent, not
   * null, when nothing changes, so the exports of format-1 quizzes keep their bytes.
   */
  readonly change?: ClusterChange;
}

export interface Question {
  /** Stable within a quiz: "q3-dnat-destination". */
  readonly id: string;
  readonly topic: QuizTopic;
  /** The lessons whose content the question checks; the first is its home lesson. */
  readonly lessons: readonly number[];
  /** The question text; lines separated by "\n". Self-contained: it names every address it needs. */
  readonly prompt: string;
  /** 2 to 5 choices, no two with the same value or text; exactly one is right. */
  readonly choices: readonly Choice[];
  /** Index of the right choice. */
  readonly key: number;
  /** Why the key is right (the key choice's explanation). */
  readonly explanation: string;
  /** A nudge that does not give the answer away (practice mode only). */
  readonly hint: string;
  /** null for stepper predictions, which are computed from a Trace the caller already has. */
  readonly basis: QuestionBasis | null;
}

/**
 * Quiz document format version: a change that alters generated quizzes bumps it (and the major).
 * The seed code carries it (seed.ts), and every earlier format is still generated, so an old code
 * keeps its questions. 1: the 28 topics of lessons 1-11. 2: adds "what goes wrong".
 */
export const QUIZ_FORMAT = 2;
/** Every format a code can name, oldest first. */
export const QUIZ_FORMATS = [1, 2] as const;
export type QuizFormat = (typeof QUIZ_FORMATS)[number];

export interface QuizSpec {
  readonly seed: number;
  /** The quiz format to generate (the one its code names); QUIZ_FORMAT when absent. */
  readonly format?: QuizFormat;
  readonly count: number;
  /** Only questions of this lesson, or null for all lessons. */
  readonly lesson: number | null;
  /** Only these topics (a retry of missed questions), or null. */
  readonly topics: readonly QuizTopic[] | null;
}

export interface Quiz {
  readonly format: QuizFormat;
  readonly seed: number;
  /** The seed as a code, e.g. "K7Q2-9XMD". */
  readonly code: string;
  readonly lesson: number | null;
  readonly count: number;
  readonly topics: readonly QuizTopic[] | null;
  /** One line describing the variant cluster, e.g. "3 nodes in 192.168.7.0/24, pods in 10.31.0.0/16, ...". */
  readonly cluster: string;
  readonly questions: readonly Question[];
}
