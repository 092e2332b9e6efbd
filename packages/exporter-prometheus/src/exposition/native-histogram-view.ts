import type { HistogramSeries } from '@servermetrics/core';

// Local copy of core's collect-side native histogram contract (notes: native-interface.md).
// Core's own `BucketSpan`, `NativeBuckets` and `NativeHistogramView` (exported from
// `@servermetrics/core`) replace these declarations once native histograms land in core; the
// shapes are identical, so the encoders below work unchanged.

/**
 * One run of consecutive native buckets: `offset` is the gap (in bucket indexes) from the end of
 * the previous span (for the first span: from index 0), `length` the number of buckets.
 */
export interface BucketSpan {
  readonly offset: number;
  readonly length: number;
}

/** The sparse buckets of one sign of a native histogram series. */
export interface NativeBuckets {
  readonly spans: readonly BucketSpan[];
  /** Absolute (not delta) counts, one per bucket in span order. */
  readonly counts: readonly number[];
}

/**
 * The native (sparse exponential) part of a histogram series, per the Prometheus native histogram
 * spec. Bucket index i of schema s covers (base^(i-1), base^i] with base = 2^(2^-s).
 */
export interface NativeHistogramView {
  /** -4..8; schema 3 for the default bucket factor 1.1. */
  readonly schema: number;
  /** Observations with |value| <= zeroThreshold count in the zero bucket. */
  readonly zeroThreshold: number;
  readonly zeroCount: number;
  readonly positive: NativeBuckets;
  readonly negative: NativeBuckets;
}

/** The native view of a histogram series, or undefined for a classic-only series. */
export function nativeViewOf(series: HistogramSeries): NativeHistogramView | undefined {
  return (series as { readonly native?: NativeHistogramView | undefined }).native;
}
