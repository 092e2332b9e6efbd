import type { LabelValue } from '../labels/label-schema.js';
import { NativeHistogramState } from './native-histogram-state.js';
import type { NativeConfig } from './native-options.js';

/**
 * Cell is one series of a metric: its label values and what the series holds. Cells are linked
 * in least-recently-updated order by the metric's SeriesStore.
 *
 * Exporters see cells through the read-only ValueSeries / HistogramSeries views. In the shipped
 * types the cell classes are opaque (every member is internal): they only type the metrics.
 */
export class Cell {
  /** Label values in the metric's label order. Never mutated after creation. @internal */
  readonly labelValues: readonly LabelValue[];
  /** Incremented by every update (even one that leaves the value unchanged). @internal */
  updateCount = 0;
  /** True once the series was evicted or removed; a bound handle then re-creates it on its next update. @internal */
  detached = false;
  /** Neighbour updated just before this one, or null when this is the least recently updated. @internal */
  older: Cell | null = null;
  /** Neighbour updated just after this one, or null when this is the most recently updated. @internal */
  newer: Cell | null = null;
  /** The bound handle returned by `with()` for this series, created on first use. @internal */
  handle: unknown = undefined;

  /** @internal */
  constructor(labelValues: readonly LabelValue[]) {
    this.labelValues = labelValues;
  }
}

/** A counter or gauge series: one number. Opaque in the shipped types. */
export class ValueCell extends Cell {
  /** @internal */
  value: number;

  /** @internal */
  constructor(labelValues: readonly LabelValue[], initial: number) {
    super(labelValues);
    this.value = initial;
  }
}

/**
 * A histogram series: per-bucket counts (non-cumulative, last entry is the +Inf bucket), sum and count.
 *
 * The counts are a plain packed array of small integers, not a Float64Array: a typed array costs
 * a JSTypedArray, a JSArrayBuffer and an off-heap backing store per series (about 100 bytes
 * more for 11 buckets), and incrementing a packed small-integer element is as fast.
 * Opaque in the shipped types.
 */
export class HistogramCell extends Cell {
  /** @internal */
  readonly bucketCounts: number[];
  /** @internal */
  sum = 0;
  /** @internal */
  count = 0;
  /** The native part (its own live view); undefined for a classic-only histogram. @internal */
  readonly native: NativeHistogramState | undefined;

  /** @internal */
  constructor(labelValues: readonly LabelValue[], bucketCount: number, native?: NativeConfig) {
    super(labelValues);
    // Allocated at its exact length (pushing would over-allocate the backing store).
    this.bucketCounts = new Array<number>(bucketCount + 1).fill(0);
    this.native = native === undefined ? undefined : new NativeHistogramState(native);
  }
}
