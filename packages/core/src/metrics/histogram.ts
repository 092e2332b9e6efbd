import type { HistogramFamily } from '../collect/metric-family.js';
import type { IsUnlabelled, LabelSchema, LabelValues, NoLabels } from '../labels/label-schema.js';
import { isObservation } from './amounts.js';
import { BoundSeries } from './bound-series.js';
import { DEFAULT_BUCKETS, validateBuckets } from './buckets.js';
import { HistogramCell } from './cell.js';
import type { SeriesArguments } from './counter.js';
import { Metric, type MetricOptions } from './metric.js';

/** Arguments of `Histogram.observe`: `(value)` without labels, `(labels, value)` with labels. */
export type ObserveArguments<S extends LabelSchema> =
  IsUnlabelled<S> extends true ? [value: number] : [labels: LabelValues<S>, value: number];

/** Options of a Histogram. */
export interface HistogramOptions<S extends LabelSchema> extends MetricOptions<S> {
  /**
   * Bucket upper bounds: finite, sorted, unique (`+Inf` is implied).
   * @default DEFAULT_BUCKETS (0.005 to 10 seconds)
   */
  buckets?: readonly number[];
  /** Called before each collection. May be async. */
  collect?: (metric: Histogram<S>) => void | Promise<void>;
}

/** HistogramValue is a histogram series read back by `Histogram.value`. */
export interface HistogramValue {
  /** Number of observations. */
  count: number;
  /** Sum of the observations. */
  sum: number;
  /** Cumulative count per bucket bound, the last entry being `+Inf` (equal to `count`). */
  buckets: { le: number; count: number }[];
}

/** A stop function returned by `startTimer`: observes and returns the elapsed seconds. */
export type StopTimer = () => number;

const EXPECTED = 'a finite number';

/**
 * Histogram counts observations (latencies, sizes) into buckets, with their sum and count.
 *
 * `observe` costs a bucket scan (linear, at most one comparison per bucket) plus, with labels,
 * the same lookup as Counter. Non-finite observations are misuse: logged and dropped.
 */
export class Histogram<const S extends LabelSchema = NoLabels> extends Metric<S, HistogramCell> {
  /** Bucket upper bounds, without `+Inf`. */
  readonly buckets: readonly number[];
  private readonly bounds: Float64Array;
  /** @internal */
  readonly collectHook: ((metric: Histogram<S>) => void | Promise<void>) | undefined;

  /** Every option is optional: `new Histogram()` uses DEFAULT_BUCKETS and no labels. */
  constructor(options: HistogramOptions<S> = {}) {
    const buckets = Object.freeze(
      options?.buckets === undefined ? [...DEFAULT_BUCKETS] : validateBuckets(options.buckets),
    );
    super('histogram', options, (labelValues) => new HistogramCell(labelValues, buckets.length));
    this.buckets = buckets;
    this.bounds = Float64Array.from(buckets);
    this.collectHook = options.collect;
  }

  /** Records one observation. */
  observe(...arguments_: ObserveArguments<S>): void;
  observe(first?: unknown, second?: unknown): void {
    const store = this.store;
    if (store === undefined) {
      if (!isObservation(first)) {
        this.rejectValue('observe', first, EXPECTED);
        return;
      }
      this.record(this.scalar!, first);
      return;
    }
    if (!isObservation(second)) {
      this.rejectValue('observe', second, EXPECTED);
      return;
    }
    const cell = this.cellFor(first, 'observe');
    if (cell === undefined) return;
    this.record(cell, second);
    store.touch(cell);
  }

  /**
   * Starts a timer; the returned function observes the elapsed time in seconds (and returns it).
   * The label object is read now, once (changing it afterwards does not move the observation);
   * a read that throws is reported now. The values are checked when the timer stops, and
   * reported then (as `observe`) when invalid.
   */
  startTimer(...arguments_: SeriesArguments<S>): StopTimer;
  startTimer(labels?: unknown): StopTimer {
    const started = performance.now();
    if (this.store === undefined) {
      return (): number => {
        const seconds = (performance.now() - started) / 1000;
        (this.observe as (value: number) => void)(seconds);
        return seconds;
      };
    }
    const read = this.readLabels(labels, 'startTimer');
    const values = read === undefined ? undefined : read.slice();
    if (values === undefined) {
      // Reported when the timer stops, as an invalid observe (a throwing read was reported already).
      const problem = this.describeLabelFailure(labels);
      return (): number => {
        const seconds = (performance.now() - started) / 1000;
        if (problem !== undefined) this.reportMisuse('observe', 'labels', problem);
        return seconds;
      };
    }
    return (): number => {
      const seconds = (performance.now() - started) / 1000;
      const store = this.store!;
      const cell = this.cellForValues(values, 'observe');
      if (cell !== undefined) {
        this.record(cell, seconds);
        store.touch(cell);
      }
      return seconds;
    };
  }

  /** Bound series for `labels`; see Counter.with for the eviction contract. */
  with(...arguments_: SeriesArguments<S>): BoundHistogram;
  with(labels?: unknown): BoundHistogram {
    return this.handleFor(labels) as BoundHistogram;
  }

  /** @internal */
  protected createHandle(cell: HistogramCell, invalid: boolean): BoundHistogram {
    return new BoundHistogram(this, cell, invalid);
  }

  /**
   * Count, sum and cumulative buckets of the series, or undefined when it does not exist or the
   * labels are invalid; see Counter.value. Allocates the result.
   */
  value(...arguments_: SeriesArguments<S>): HistogramValue | undefined;
  value(labels?: unknown): HistogramValue | undefined {
    const cell = this.existingCell(labels, 'value');
    if (cell === undefined) return undefined;
    let cumulative = 0;
    const buckets = this.buckets.map((le, index) => {
      cumulative += cell.bucketCounts[index]!;
      return { le, count: cumulative };
    });
    buckets.push({ le: Number.POSITIVE_INFINITY, count: cell.count });
    return { count: cell.count, sum: cell.sum, buckets };
  }

  /** @internal Adds one observation to a cell. */
  record(cell: HistogramCell, value: number): void {
    const bounds = this.bounds;
    const length = bounds.length;
    let index = 0;
    while (index < length && value > bounds[index]!) index++;
    cell.bucketCounts[index]!++;
    cell.sum += value;
    cell.count++;
    cell.updateCount++;
  }

  /** @internal */
  collectFamily(name: string): HistogramFamily {
    return this.liveFamily<HistogramFamily>({
      name,
      type: 'histogram',
      help: this.help,
      unit: this.unit,
      labelNames: this.labelNames,
      metric: this,
      bucketBounds: this.buckets,
    });
  }
}

/** BoundHistogram is one series of a Histogram, with its labels resolved once by `with()`. */
export class BoundHistogram extends BoundSeries<HistogramCell> {
  /** Records one observation. A non-finite value is reported and dropped, like `Histogram.observe`. */
  observe(value: number): void {
    if (!isObservation(value)) {
      this.source.rejectValue('observe', value, EXPECTED, true);
      return;
    }
    const cell = this.cellToUpdate('observe');
    if (cell === undefined) return;
    (this.source as Histogram<LabelSchema>).record(cell, value);
  }

  /** Starts a timer; the returned function observes the elapsed seconds into this series. */
  startTimer(): StopTimer {
    const started = performance.now();
    return (): number => {
      const seconds = (performance.now() - started) / 1000;
      this.observe(seconds);
      return seconds;
    };
  }
}
