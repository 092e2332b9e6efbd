import type { HistogramFamily } from '../collect/metric-family.js';
import type { IsUnlabelled, LabelSchema, LabelValues, NoLabels } from '../labels/label-schema.js';
import { isObservation } from './amounts.js';
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

  constructor(options: HistogramOptions<S>) {
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
   * The label object is copied now (changing it afterwards does not move the observation) and
   * checked when the timer stops.
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
    const copied = typeof labels === 'object' && labels !== null ? { ...labels } : labels;
    return (): number => {
      const seconds = (performance.now() - started) / 1000;
      (this.observe as (labels: unknown, value: number) => void)(copied, seconds);
      return seconds;
    };
  }

  /** Bound series for `labels`; see Counter.with for the eviction contract. */
  with(...arguments_: SeriesArguments<S>): BoundHistogram;
  with(labels?: unknown): BoundHistogram {
    return this.handleFor(labels, (cell, problem) => new BoundHistogram(this, cell, problem));
  }

  /** Count, sum and cumulative buckets of the series, or undefined when it does not exist. */
  value(...arguments_: SeriesArguments<S>): HistogramValue | undefined;
  value(labels?: unknown): HistogramValue | undefined {
    const cell = this.existingCell(labels);
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
    return {
      name,
      type: 'histogram',
      help: this.help,
      unit: this.unit,
      labelNames: this.labelNames,
      metric: this,
      bucketBounds: this.buckets,
      series: this.liveCells(),
    };
  }
}

/** BoundHistogram is one series of a Histogram, with its labels resolved once by `with()`. */
export class BoundHistogram {
  /** @internal */
  cell: HistogramCell;

  /** @internal */
  constructor(
    private readonly histogram: Histogram<any>,
    cell: HistogramCell,
    /** @internal */ readonly invalidProblem: string | undefined,
  ) {
    this.cell = cell;
  }

  /** Records one observation. */
  observe(value: number): void {
    if (!isObservation(value)) {
      this.histogram.rejectValue('observe', value, EXPECTED, true);
      return;
    }
    let cell = this.cell;
    if (cell.newer !== null || cell.detached) cell = this.histogram.refreshHandle(this, 'observe');
    this.histogram.record(cell, value);
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
