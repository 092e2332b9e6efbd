import type { RunMode } from '../harness/run-mode.js';

/**
 * Target is the goal the issue sets for a suite:
 * - `at-most`: ratio (ours / baseline, lower is better) must be `<= value`;
 * - `at-least-and-beat`: ratio (ours / baseline, higher is better) must be `>= value` and
 *   above the ratio of the rival named in the row;
 * - `report`: no goal, the figures are reported.
 */
export type Target =
  | { readonly kind: 'at-most'; readonly value: number }
  | { readonly kind: 'at-least-and-beat'; readonly value: number; readonly rival: string }
  | { readonly kind: 'report' };

/** Figure is one library's measured value in a row, with every round or repetition behind it. */
export interface Figure {
  readonly library: string;
  /** The value compared (median over rounds). */
  readonly value: number;
  /** Each round's or repetition's value. */
  readonly rounds: readonly number[];
}

/** Verdict of a row against its target. */
export type Verdict = 'pass' | 'miss' | 'report';

/** Row is one line of the ratio table. */
export interface Row {
  /** Stable identifier, e.g. `counter-inc-labels`. */
  readonly id: string;
  /** What is measured, as printed in the table. */
  readonly title: string;
  /** Unit of the figures, e.g. `ns/op`, `bytes/series`, `ms/scrape`, `req/s`. */
  readonly unit: string;
  /** Our figure. */
  readonly ours: Figure;
  /** Peers' figures (and, for throughput, the baseline without middleware). */
  readonly peers: readonly Figure[];
  /** Library the ratio divides by. */
  readonly baseline: string;
  /** ours / baseline. */
  readonly ratio: number;
  readonly target: Target;
  readonly verdict: Verdict;
  /** Extra facts worth printing, e.g. packets sent or the rival's ratio. */
  readonly notes: readonly string[];
}

/** Context a suite runs in. */
export interface SuiteContext {
  readonly mode: RunMode;
  /** Progress messages (to stderr); not part of the table. */
  readonly log: (message: string) => void;
}

/** Suite measures one or more rows. */
export interface Suite {
  /** Stable identifier, e.g. `counter`. */
  readonly id: string;
  /** Row identifiers this suite produces (so a test can check the table is complete). */
  readonly rowIds: readonly string[];
  run(context: SuiteContext): Promise<Row[]>;
}
