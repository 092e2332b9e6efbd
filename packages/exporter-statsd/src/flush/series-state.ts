/**
 * SeriesState is what one exporter remembers about one series, between flushes. It lives in a
 * WeakMap keyed by the series view, so the state of a series that was evicted or removed goes
 * away with the series: memory stays bounded by the live series.
 */
export class SeriesState {
  /** The series' `updateCount` when all its lines were last sent; -1 before that. */
  sentUpdateCount = -1;
  /** Clock time of that send (for the keep-alive). */
  sentAt = 0;
  /**
   * Distributions: the absolute count of each bucket when last sent, by bucket key (see
   * `visitBuckets`), and the native schema they were counted at.
   */
  sentBuckets: Map<number, number> | undefined;
  sentSchema: number | undefined;
  /**
   * Last successfully sent values of the fields sent as counter deltas: a counter's value at
   * index 0; a histogram's cumulative bucket counts at 0..k-1, its count at k and its sum at k+1
   * (k bucket bounds). Empty for gauges.
   */
  readonly sentValues: Float64Array;
  /** Formatted tag text of the series' plain lines (labels, then global tags). */
  readonly tagText: string;
  /** Formatted label tags in tag order, for lines that add a tag of their own (histogram `le`). */
  readonly labelTags: readonly string[];

  constructor(fieldCount: number, labelTags: readonly string[], tagText: string) {
    this.sentValues = new Float64Array(fieldCount);
    this.labelTags = labelTags;
    this.tagText = tagText;
  }

  /**
   * The change of a field since its last successful send. Counter values and histogram counts
   * never go down within one series: core's `reset()`, `remove()` and eviction all start a new
   * series (a new view, so a new SeriesState starting from 0), so this is never negative for them.
   */
  delta(field: number, value: number): number {
    return value - this.sentValues[field]!;
  }
}
