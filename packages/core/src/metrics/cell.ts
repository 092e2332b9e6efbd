import type { LabelValue } from '../labels/label-schema.js';

/**
 * Cell is one series of a metric: its label values and what the series holds. Cells are linked
 * in least-recently-updated order by the metric's SeriesStore.
 *
 * Exporters see cells through the read-only ValueSeries / HistogramSeries views.
 * @internal
 */
export class Cell {
  /** Label values in the metric's label order. Never mutated after creation. */
  readonly labelValues: readonly LabelValue[];
  /** Incremented by every update (even one that leaves the value unchanged). */
  updateCount = 0;
  /** True once the series was evicted or removed; a bound handle then re-creates it on its next update. */
  detached = false;
  /** Neighbour updated just before this one, or null when this is the least recently updated. */
  older: Cell | null = null;
  /** Neighbour updated just after this one, or null when this is the most recently updated. */
  newer: Cell | null = null;
  /** The bound handle returned by `with()` for this series, created on first use. */
  handle: unknown = undefined;

  constructor(labelValues: readonly LabelValue[]) {
    this.labelValues = labelValues;
  }
}

/** A counter or gauge series: one number. @internal */
export class ValueCell extends Cell {
  value: number;

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
 * @internal
 */
export class HistogramCell extends Cell {
  readonly bucketCounts: number[];
  sum = 0;
  count = 0;

  constructor(labelValues: readonly LabelValue[], bucketCount: number) {
    super(labelValues);
    // Allocated at its exact length (pushing would over-allocate the backing store).
    this.bucketCounts = new Array<number>(bucketCount + 1).fill(0);
  }
}
