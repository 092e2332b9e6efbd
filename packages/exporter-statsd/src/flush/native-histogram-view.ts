import type { HistogramSeries } from '@servermetrics/core';

// The collect-side contract of native histograms (decided in the native-histogram design note).
// Core does not declare these fields yet on this branch: this file reads them structurally.
// After core's native histograms are merged, core's `BucketSpan`, `NativeBuckets` and
// `NativeHistogramView` replace these declarations and `nativeView` becomes `series.native`.

/** One run of consecutive native buckets: `offset` is the gap from the end of the previous span (the first span: from index 0). */
export interface BucketSpan {
  readonly offset: number;
  readonly length: number;
}

/** The sparse buckets of one sign: spans, and one absolute count per bucket in span order. */
export interface NativeBuckets {
  readonly spans: readonly BucketSpan[];
  readonly counts: readonly number[];
}

/** The native part of a histogram series: bucket i of schema s covers (base^(i-1), base^i], base = 2^(2^-s). */
export interface NativeHistogramView {
  readonly schema: number;
  readonly zeroThreshold: number;
  readonly zeroCount: number;
  readonly positive: NativeBuckets;
  readonly negative: NativeBuckets;
}

/** The native view of a histogram series, or undefined for a classic-only histogram. */
export function nativeView(series: HistogramSeries): NativeHistogramView | undefined {
  return (series as { readonly native?: NativeHistogramView | undefined }).native;
}
