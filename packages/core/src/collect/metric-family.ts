import type { LabelValue } from '../labels/label-schema.js';

/** MetricType is the kind of a metric family. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/**
 * ValueSeries is a read-only view of one counter or gauge series.
 *
 * Views are live: read them synchronously while rendering or flushing; copy values you keep.
 * A view is the same object in every `collect()` for as long as its series lives, so exporters
 * may key per-series state on it (a WeakMap lets that state go when the series is evicted).
 * A series re-created after eviction or `remove` is a new object.
 */
export interface ValueSeries {
  /** Label values in the family's `labelNames` order. Empty for an unlabelled metric. */
  readonly labelValues: readonly LabelValue[];
  /** Current value. */
  readonly value: number;
  /**
   * Grows on every update of the series, even one that leaves the value unchanged, so exporters
   * detect changes by comparing it with the one they last saw. By one per update for gauges and
   * labelled counters; an unlabelled counter reports its update count plus its value (its
   * `inc()` costs one store), which also grows by at least one per update. Not a count of updates.
   */
  readonly updateCount: number;
}

/** HistogramSeries is a read-only view of one histogram series. Live, like ValueSeries. */
export interface HistogramSeries {
  /** Label values in the family's `labelNames` order. Empty for an unlabelled metric. */
  readonly labelValues: readonly LabelValue[];
  /**
   * Observations per bucket, NOT cumulative: entry `i` counts values in
   * `(bucketBounds[i-1], bucketBounds[i]]`; the last entry (index `bucketBounds.length`)
   * counts values above the last bound (the `+Inf` bucket).
   */
  readonly bucketCounts: ArrayLike<number>;
  /** Sum of all observed values. */
  readonly sum: number;
  /** Number of observations. */
  readonly count: number;
  /** Grows by one on every observation. */
  readonly updateCount: number;
  /** The native part, when the histogram is native (or both); undefined for a classic-only histogram. */
  readonly native?: NativeHistogramView | undefined;
}

/**
 * One run of consecutive native buckets: `offset` is the gap (in bucket indexes) from the end
 * of the previous span (for the first span: from index 0), `length` the number of buckets.
 */
export interface BucketSpan {
  readonly offset: number;
  readonly length: number;
}

/**
 * The sparse buckets of one sign of a native histogram series. Bucket index i of schema s covers
 * (base^(i-1), base^i] with base = 2^(2^-s) (for the negative side: the same on |value|).
 */
export interface NativeBuckets {
  readonly spans: readonly BucketSpan[];
  /** Absolute (not delta) counts, one per bucket in span order: sum of span lengths entries. */
  readonly counts: readonly number[];
}

/**
 * The native (sparse exponential) part of a histogram series, per the Prometheus native
 * histogram spec. Live like the series view: the same object for as long as the series lives.
 */
export interface NativeHistogramView {
  /** -4..8; schema 3 for the default bucket factor 1.1. */
  readonly schema: number;
  /** Observations with |value| <= zeroThreshold count in the zero bucket. */
  readonly zeroThreshold: number;
  readonly zeroCount: number;
  readonly positive: NativeBuckets;
  readonly negative: NativeBuckets;
  /**
   * How many times the series was reset in place for exceeding `maxBuckets` (core's
   * `minResetDurationMs`): its buckets, count and sum then restart from this observation. A
   * consumer that sends deltas (the StatsD exporter, the cluster worker) starts over from zero
   * when it changes.
   * Undefined (a producer of your own) means never.
   */
  readonly resets?: number | undefined;
}

interface FamilyBase {
  /** Registered metric name, e.g. `http_requests_total`. */
  readonly name: string;
  /**
   * Help text as given (exporters escape it), or undefined when the metric has none: exporters
   * then write no `# HELP` line (an empty string is help given as empty, and is written).
   */
  readonly help: string | undefined;
  /** Unit, e.g. `seconds`, when the metric declared one. */
  readonly unit: string | undefined;
  /** Label names in declaration order. */
  readonly labelNames: readonly string[];
  /** The metric object itself: use it as an identity (to de-duplicate, or as a cache key), not to read internals. */
  readonly metric: object;
}

/**
 * Incremental access to a family's series, for exporters that render a large family in slices
 * (optional: a producer written by hand need not offer it; read `series` then).
 *
 * `seriesIterator()` walks the live series one at a time, in the order of `series`, without
 * building an array: each `next()` costs about one Map-iterator step, so an exporter can stop
 * after any series and yield to the event loop. It is a view of the live store, not of the
 * moment of `collect()`: a series removed or evicted before the iterator reaches it is skipped,
 * and a series created after the iterator was opened is never yielded (so a series deleted and
 * re-created meanwhile appears at most once). Each series is yielded at most once. Call
 * `return()` when stopping early (`for...of` and the exporters do); an abandoned iterator is
 * released by the garbage collector.
 */
export interface IncrementalSeries<S> {
  readonly seriesIterator?: () => IterableIterator<S>;
}

/**
 * A counter family and its series. For a metric's family, `series` is built on first read (a
 * walk of every series; cached for that family object) and `seriesIterator` is offered.
 */
export interface CounterFamily extends FamilyBase, IncrementalSeries<ValueSeries> {
  readonly type: 'counter';
  readonly series: readonly ValueSeries[];
}

/** A gauge family and its series (`series` and `seriesIterator` as in CounterFamily). */
export interface GaugeFamily extends FamilyBase, IncrementalSeries<ValueSeries> {
  readonly type: 'gauge';
  readonly series: readonly ValueSeries[];
}

/**
 * A histogram family, its bucket upper bounds (without +Inf) and its series (`series` and
 * `seriesIterator` as in CounterFamily).
 */
export interface HistogramFamily extends FamilyBase, IncrementalSeries<HistogramSeries> {
  readonly type: 'histogram';
  /**
   * Classic bucket upper bounds without +Inf; EMPTY for a native-only histogram (then each
   * series' bucketCounts has one entry, the +Inf bucket = count).
   */
  readonly bucketBounds: readonly number[];
  readonly series: readonly HistogramSeries[];
}

/**
 * MetricFamily is what exporters read from `MetricRegistry.collect()`: one registered metric
 * with its name, type, help, label names and current series.
 */
export type MetricFamily = CounterFamily | GaugeFamily | HistogramFamily;

/** CollectHookFailure reports a metric whose `collect` hook threw or rejected. */
export interface CollectHookFailure {
  readonly name: string;
  readonly error: unknown;
}
