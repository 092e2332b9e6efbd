/**
 * SeriesState is what one exporter remembers about one series between flushes. It lives in a
 * WeakMap keyed by the series view, so it goes away with the series (evicted, removed or reset).
 */
export class SeriesState {
  /** The series' `updateCount` when all its lines were last sent; -1 before that. */
  sentUpdateCount = -1;
  /** Clock time of that send (for the keep-alive). */
  sentAt = 0;
  /**
   * The last successfully sent value of each field sent as a delta: a counter's value (field 0),
   * or a histogram's cumulative bucket counts (0..k-1), count (k) and sum (k+1). A typed array:
   * a Map here made flushes of 10 000 counters about 1.25x slower.
   */
  readonly sentValues: Float64Array;
  /** Distributions: each bucket's absolute count when last sent, by bucket key (see `visitBuckets`). */
  sentBuckets: Map<number, number> | undefined;
  /** Distributions: the native schema the counts in `sentBuckets` were counted at. */
  sentSchema: number | undefined;
  /** Distributions: the native zero threshold they were counted with. */
  sentZeroThreshold = 0;

  /**
   * @param fieldCount how many fields are sent as deltas (`sentValues`)
   * @param tagText formatted tags of the series' lines (labels, then global tags)
   * @param labelTags formatted label tags, for lines that add a tag of their own (histogram `le`)
   */
  constructor(
    fieldCount: number,
    readonly tagText: string,
    readonly labelTags: readonly string[],
  ) {
    this.sentValues = new Float64Array(fieldCount);
  }

  /** Native histograms: the series' `resets` when its sent values were last started over. */
  sentResets = 0;

  /**
   * Starts the sent values over from zero: the native histogram was reset in place for
   * exceeding `maxBuckets` (its `resets` moved to `resets`), so its counts restarted too.
   */
  restart(resets: number): void {
    this.sentValues.fill(0);
    this.sentBuckets = undefined;
    this.sentSchema = undefined;
    this.sentZeroThreshold = 0;
    this.sentResets = resets;
  }

  /**
   * The change of a field since its last successful send. Counter values and histogram counts
   * never go down within one series: core's `reset()`, `remove()` and eviction start a new one,
   * and a native histogram's in-place reset goes through `restart`.
   */
  delta(field: number, value: number): number {
    return value - this.sentValues[field]!;
  }
}

/** One series that a flush sends lines for. */
export interface PlannedSeries {
  readonly state: SeriesState;
  /** The series' `updateCount` when its lines were built. */
  readonly updateCount: number;
  /** Becomes false when any of its lines was not sent (failed, dropped or skipped). */
  complete: boolean;
}

/**
 * PlannedLine is the unit of batching: one line, or two lines that must share a packet (a
 * negative gauge sent as `0` then the value). Once sent, `value` is recorded as the sent value
 * of field `field` of its series (a bucket key of `sentBuckets` when `bucket`; undefined:
 * nothing to record, as for gauges).
 */
export interface PlannedLine {
  readonly text: string;
  readonly bytes: number;
  readonly lineCount: number;
  readonly series: PlannedSeries;
  readonly field: number | undefined;
  readonly value: number;
  readonly bucket: boolean;
}

/** FlushPlan is what a flush sends: its lines, and the series they belong to. */
export interface FlushPlan {
  readonly lines: PlannedLine[];
  readonly series: PlannedSeries[];
  /** Values skipped because they were not finite. */
  nonFinite: number;
}

/** Records the values of lines that were sent. */
export function commitLines(lines: readonly PlannedLine[]): void {
  for (const { series, field, value, bucket } of lines) {
    if (field === undefined) continue;
    if (bucket) series.state.sentBuckets!.set(field, value);
    else series.state.sentValues[field] = value;
  }
}

/** Marks the series of lines that were not sent, so they are sent again next time. */
export function failLines(lines: readonly PlannedLine[]): void {
  for (const line of lines) line.series.complete = false;
}

/**
 * Closes a flush: every series whose lines were all sent counts as sent at `now`. A series with
 * a missing line keeps its previous record, so it is sent again at the next flush; the fields
 * that did go out were already recorded, so nothing is counted twice.
 */
export function finishPlan(plan: FlushPlan, now: number): void {
  for (const series of plan.series) {
    if (!series.complete) continue;
    series.state.sentUpdateCount = series.updateCount;
    series.state.sentAt = now;
  }
}
