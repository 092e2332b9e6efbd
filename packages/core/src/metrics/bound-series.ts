import type { Cell } from './cell.js';

/**
 * SeriesSource is what a bound handle needs from its metric.
 * @internal
 */
export interface SeriesSource<C extends Cell> {
  /** See Metric.refreshHandle. */
  refreshHandle(handle: BoundSeries<C>, operation: string): C | undefined;
  /** See Metric.rejectValue. */
  rejectValue(operation: string, value: unknown, expected: string, bound?: boolean): void;
}

/**
 * BoundSeries is the base of `BoundCounter`, `BoundGauge` and `BoundHistogram`: one series of a
 * metric with its labels resolved once by `with()`, so an update does no label work at all.
 *
 * If the series is evicted or removed, the next update re-creates it. A `with()` given invalid
 * labels returns the metric's one shared no-op handle: its updates are reported (rate-limited,
 * or MetricUsageError in strict mode) and dropped.
 */
export abstract class BoundSeries<C extends Cell> {
  /** The series this handle writes to. @internal */
  cell: C;
  /** True for the metric's shared no-op handle (the result of `with()` on invalid labels). @internal */
  readonly invalid: boolean;
  /** The metric the series belongs to. @internal */
  protected readonly source: SeriesSource<C>;

  /** @internal Handles are made by `with()`, never by users. */
  constructor(source: SeriesSource<C>, cell: C, invalid: boolean) {
    this.source = source;
    this.cell = cell;
    this.invalid = invalid;
  }

  /**
   * @internal The cell an update should write to: the bound cell when it is live and already the
   * most recently updated (two field reads), otherwise whatever the metric makes of it (touched,
   * or re-created after eviction). Undefined for the no-op handle, after the metric reported it.
   */
  protected cellToUpdate(operation: string): C | undefined {
    const cell = this.cell;
    if (cell.newer === null && !cell.detached) return cell;
    return this.source.refreshHandle(this, operation);
  }
}
