// A lesson as the UI and the plain renderer see it: typed, JSON-serialisable, already split into
// pages of blocks. Produced by parse.ts from lessons/NN-slug.md; checked by validate.ts.

import type { ScenarioName } from '../core/request.js';
import type { Direction, HopStep } from '../core/trace-model.js';
import type { PredictAsk } from './vocabulary.js';

/** A run of inline text. Markdown inline markup (`code`, **strong**, *em*) is parsed into spans. */
export interface Span {
  readonly text: string;
  readonly style: 'plain' | 'code' | 'strong' | 'em';
}

/** Every block carries its 1-based line in the lesson file, for error messages. */
interface BlockBase {
  readonly line: number;
}

export interface HeadingBlock extends BlockBase {
  readonly kind: 'heading';
  readonly level: number;
  readonly text: string;
  readonly spans: readonly Span[];
}

export interface ParagraphBlock extends BlockBase {
  readonly kind: 'paragraph';
  /** The paragraph's lines joined with single spaces; inline markup kept. */
  readonly text: string;
  readonly spans: readonly Span[];
}

export interface ListItem {
  readonly text: string;
  readonly spans: readonly Span[];
}

export interface ListBlock extends BlockBase {
  readonly kind: 'list';
  readonly ordered: boolean;
  /** The first item's number for an ordered list (1 unless the source says otherwise). */
  readonly start: number;
  readonly items: readonly ListItem[];
}

export interface CodeBlock extends BlockBase {
  readonly kind: 'code';
  /** The fence's info string ("bash", "text", ...); "" when there is none. */
  readonly lang: string;
  readonly lines: readonly string[];
}

export interface TableBlock extends BlockBase {
  readonly kind: 'table';
  readonly header: readonly ListItem[];
  readonly align: readonly ('left' | 'right' | 'center')[];
  readonly rows: readonly (readonly ListItem[])[];
}

/** `> **Precision:** ...`: where the source text simplifies or is wrong, the precise statement. */
export interface PrecisionBlock extends BlockBase {
  readonly kind: 'precision';
  /** The note without its "Precision:" label. */
  readonly text: string;
  readonly spans: readonly Span[];
}

/** ```sim: run the simulator on a scenario and stop on the focus hops. */
export interface SimBlock extends BlockBase {
  readonly kind: 'sim';
  readonly scenario: ScenarioName;
  readonly focus: readonly HopStep[];
  /** Which half of the exchange the stops are in; null: the first matching hop in either. */
  readonly direction: Direction | null;
  /** 0-based index of this sim block among the lesson's sim blocks. */
  readonly index: number;
}

/** ```predict: ask the learner before the hop `at` is shown. Belongs to the latest sim block. */
export interface PredictBlock extends BlockBase {
  readonly kind: 'predict';
  readonly at: HopStep;
  readonly ask: readonly PredictAsk[];
  /** Defaults to the sim block's direction. */
  readonly direction: Direction | null;
  /** Index of the sim block (SimBlock.index) this prediction belongs to; -1 if there is none. */
  readonly sim: number;
}

/**
 * ```compare: open a named side-by-side comparison (src/core/comparisons.ts), the same request
 * under two choices aligned hop by hop, stopping on the focus steps.
 */
export interface CompareBlock extends BlockBase {
  readonly kind: 'compare';
  /** A ComparisonName; membership is checked by validateLesson. */
  readonly name: string;
  readonly focus: readonly HopStep[];
}

/** ```diagram: a drawing from assets/diagrams/, in both variants. */
export interface DiagramBlock extends BlockBase {
  readonly kind: 'diagram';
  readonly name: string;
  /** A one-line description, for screen readers and plain output; null when not given. */
  readonly alt: string | null;
  /** assets/diagrams/<name>.unicode.txt; null when the asset is missing (a validation problem). */
  readonly unicode: string | null;
  /** assets/diagrams/<name>.ascii.txt (7-bit only); null when missing. */
  readonly ascii: string | null;
}

export type Block =
  | HeadingBlock
  | ParagraphBlock
  | ListBlock
  | CodeBlock
  | TableBlock
  | PrecisionBlock
  | SimBlock
  | PredictBlock
  | CompareBlock
  | DiagramBlock;

export type BlockKind = Block['kind'];

export interface Page {
  /** 0-based. */
  readonly index: number;
  /** The 1-based line of the page's first line in the lesson file. */
  readonly line: number;
  readonly blocks: readonly Block[];
}

export interface Lesson {
  readonly id: number;
  /** From the file name: "01-packet-journey.md" -> "packet-journey". */
  readonly slug: string;
  /** The file name, e.g. "01-packet-journey.md". */
  readonly file: string;
  readonly title: string;
  readonly objectives: readonly string[];
  readonly seedSection: string;
  readonly minutes: number;
  /** id 11 and above. */
  readonly bonus: boolean;
  readonly pages: readonly Page[];
}

export interface Problem {
  readonly file: string;
  /** 1-based line in the lesson (or asset) file, when known. */
  readonly line: number | null;
  readonly message: string;
}
