import type { BucketSpan, HistogramFamily } from '../collect/metric-family.js';
import type { IsUnlabelled, LabelSchema, LabelValues, NoLabels } from '../labels/label-schema.js';
import { isObservation } from './amounts.js';
import { BoundSeries } from './bound-series.js';
import { DEFAULT_BUCKETS, validateBuckets } from './buckets.js';
import { HistogramCell } from './cell.js';
import type { SeriesArguments } from './counter.js';
import { Metric, type MetricOptions } from './metric.js';
import { MAGNITUDE_SCRATCH } from './native-bucket-index.js';
import type { NativeHistogramState } from './native-histogram-state.js';
import { type NativeConfig, type NativeHistogramOptions, resolveNativeOptions } from './native-options.js';

/** Arguments of `Histogram.observe`: `(value)` without labels, `(labels, value)` with labels. */
export type ObserveArguments<S extends LabelSchema> =
  IsUnlabelled<S> extends true ? [value: number] : [labels: LabelValues<S>, value: number];

/** Options of a Histogram. */
export interface HistogramOptions<S extends LabelSchema> extends MetricOptions<S> {
  /**
   * Classic bucket upper bounds: finite, sorted, unique (`+Inf` is implied).
   * @default DEFAULT_BUCKETS (0.005 to 10 seconds); none when `native` is set (native-only)
   */
  buckets?: readonly number[];
  /**
   * Native (sparse exponential) buckets, per the Prometheus native histogram spec: `true` for
   * the defaults or NativeHistogramOptions. Without `buckets` the histogram is native-only
   * (no classic buckets); with `buckets` it is both (client_golang's model).
   * @default false (classic only)
   */
  native?: boolean | NativeHistogramOptions;
  /** Called before each collection. May be async. */
  collect?: (metric: Histogram<S>) => void | Promise<void>;
}

/** HistogramValue is a histogram series read back by `Histogram.value`. */
export interface HistogramValue {
  /** Number of observations. */
  count: number;
  /** Sum of the observations. */
  sum: number;
  /**
   * Cumulative count per classic bucket bound, the last entry being `+Inf` (equal to `count`).
   * Only the `+Inf` entry for a native-only histogram.
   */
  buckets: { le: number; count: number }[];
  /** A copy of the native part, for a native histogram (see NativeHistogramValue). */
  native?: NativeHistogramValue;
}

/**
 * The native part of a histogram series, copied by `Histogram.value`. Bucket `index` of side
 * `positive` covers `(base^(index-1), base^index]`, base = 2^(2^-schema) (`negative`: the same
 * for -value); `nativeBucketUpperBound(index, schema)` computes base^index.
 */
export interface NativeHistogramValue {
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  /** Populated positive buckets in increasing index order. */
  positive: { index: number; count: number }[];
  /** Populated negative buckets in increasing index order (of |value|). */
  negative: { index: number; count: number }[];
}

/** A stop function returned by `startTimer`: observes and returns the elapsed seconds. */
export type StopTimer = () => number;

const EXPECTED = 'a finite number';

/**
 * Histogram counts observations (latencies, sizes) into buckets, with their sum and count.
 *
 * Classic buckets: `observe` costs a bucket scan (linear, at most one comparison per bucket).
 * Native buckets (`native` option): a frexp, a binary search among at most 2^schema fractions
 * and a Map update, O(1) and allocation-free for a bucket already seen; a new bucket is one Map
 * entry. With labels, add the same lookup as Counter. Non-finite observations (NaN, ±Infinity)
 * are misuse: logged and dropped (client_golang would count ±Infinity in a bucket beyond the
 * largest double, but it would also turn the sum into ±Infinity or NaN for good).
 */
export class Histogram<const S extends LabelSchema = NoLabels> extends Metric<S, HistogramCell> {
  /** Bucket upper bounds, without `+Inf`. */
  readonly buckets: readonly number[];
  private readonly bounds: Float64Array;
  /** Resolved native settings, or undefined for a classic-only histogram. @internal */
  readonly nativeConfig: NativeConfig | undefined;
  /** @internal */
  readonly collectHook: ((metric: Histogram<S>) => void | Promise<void>) | undefined;

  /**
   * Every option is optional: `new Histogram()` uses DEFAULT_BUCKETS and no labels. Throws
   * InvalidOptionError for an invalid option (buckets, native, labels...).
   */
  constructor(options: HistogramOptions<S> = {}) {
    const native = resolveNativeOptions(options?.native);
    const bucketOption = options?.buckets;
    const buckets = Object.freeze(
      bucketOption === undefined
        ? native === undefined
          ? [...DEFAULT_BUCKETS]
          : []
        : validateBuckets(bucketOption),
    );
    super('histogram', options, (labelValues) => new HistogramCell(labelValues, buckets.length, native));
    this.nativeConfig = native;
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
    const native = cell.native;
    if (native === undefined) return { count: cell.count, sum: cell.sum, buckets };
    return {
      count: cell.count,
      sum: cell.sum,
      buckets,
      native: {
        schema: native.schema,
        zeroThreshold: native.zeroThreshold,
        zeroCount: native.zeroCount,
        positive: listBuckets(native.positive.spans, native.positive.counts),
        negative: listBuckets(native.negative.spans, native.negative.counts),
      },
    };
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
    const native = cell.native;
    if (native !== undefined) {
      MAGNITUDE_SCRATCH[0] = value;
      this.recordNative(cell, native);
    }
  }

  /** @internal The native part of `record`, with the value in MAGNITUDE_SCRATCH (no boxing). */
  private recordNative(cell: HistogramCell, native: NativeHistogramState): void {
    const value = MAGNITUDE_SCRATCH[0]!;
    if (native.observeScratch(this.nativeConfig!.maxBuckets)) this.limitNativeBuckets(cell, native, value);
  }

  /**
   * @internal A native series exceeded maxBuckets: reset it when minResetDurationMs allows
   * (client_golang's maybeReset: everything restarts with this observation), else halve its
   * resolution until it fits.
   */
  private limitNativeBuckets(cell: HistogramCell, native: NativeHistogramState, value: number): void {
    const config = this.nativeConfig!;
    if (config.minResetDurationMs > 0) {
      const now = performance.now();
      if (now - native.startedAt >= config.minResetDurationMs) {
        cell.bucketCounts.fill(0);
        cell.sum = 0;
        cell.count = 0;
        native.clear(config, now);
        cell.updateCount--;
        this.record(cell, value);
        return;
      }
    }
    native.reduceResolution(config.maxBuckets);
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

/** Expands spans and counts into (index, count) pairs, skipping empty buckets. */
function listBuckets(
  spans: readonly BucketSpan[],
  counts: readonly number[],
): { index: number; count: number }[] {
  const list: { index: number; count: number }[] = [];
  let index = 0;
  let position = 0;
  for (const span of spans) {
    index += span.offset;
    for (let step = 0; step < span.length; step++) {
      const count = counts[position++]!;
      if (count > 0) list.push({ index, count });
      index++;
    }
  }
  return list;
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
