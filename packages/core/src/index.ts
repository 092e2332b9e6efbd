export type { GatherFamiliesOptions } from './collect/gather-families.js';
export { gatherFamilies } from './collect/gather-families.js';
export type {
  BucketSpan,
  CollectHookFailure,
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
  HistogramSeries,
  IncrementalSeries,
  MetricFamily,
  MetricType,
  NativeBuckets,
  NativeHistogramView,
  ValueSeries,
} from './collect/metric-family.js';
export type { MetricProducer } from './collect/metric-producer.js';
export type { RefreshProducersOptions } from './collect/refresh-producers.js';
export { DEFAULT_REFRESH_TIMEOUT_MS, refreshProducers } from './collect/refresh-producers.js';
export { isMetricProducer, toProducerList } from './collect/to-producer-list.js';
export { CollectTimeoutError } from './errors/collect-timeout-error.js';
export { DuplicateMetricError } from './errors/duplicate-metric-error.js';
export { IncompatibleMetricError } from './errors/incompatible-metric-error.js';
export { InvalidNameError } from './errors/invalid-name-error.js';
export { InvalidOptionError } from './errors/invalid-option-error.js';
export { MetricNameMismatchError } from './errors/metric-name-mismatch-error.js';
export { MetricNotFoundError } from './errors/metric-not-found-error.js';
export { MetricUsageError } from './errors/metric-usage-error.js';
export { ServerMetricsError } from './errors/servermetrics-error.js';
export { describeValue } from './labels/label-check.js';
export type {
  IsUnlabelled,
  LabelSchema,
  LabelType,
  LabelValue,
  LabelValueOf,
  LabelValues,
  NoLabels,
} from './labels/label-schema.js';
export { MAX_NAME_LENGTH } from './labels/names.js';
export type { Logger } from './logging/logger.js';
export { consoleLogger } from './logging/logger.js';
export type { RateLimitedLoggerOptions } from './logging/rate-limited-logger.js';
export { RateLimitedLogger } from './logging/rate-limited-logger.js';
export type { AnyMetric } from './metrics/any-metric.js';
export { DEFAULT_BUCKETS, exponentialBuckets, linearBuckets } from './metrics/buckets.js';
export type { CounterIncArguments, CounterOptions, SeriesArguments } from './metrics/counter.js';
export { BoundCounter, Counter } from './metrics/counter.js';
export type { GaugeChangeArguments, GaugeOptions, GaugeSetArguments } from './metrics/gauge.js';
export { BoundGauge, Gauge } from './metrics/gauge.js';
export type {
  HistogramOptions,
  HistogramValue,
  NativeHistogramValue,
  ObserveArguments,
  StopTimer,
} from './metrics/histogram.js';
export { BoundHistogram, Histogram } from './metrics/histogram.js';
export type { MetricOptions } from './metrics/metric.js';
export { DEFAULT_MAX_CELLS, isMetric } from './metrics/metric.js';
export {
  NATIVE_SCHEMA_MAXIMUM,
  NATIVE_SCHEMA_MINIMUM,
  nativeBucketIndex,
  nativeBucketUpperBound,
  schemaForBucketFactor,
} from './metrics/native-bucket-index.js';
export type { NativeHistogramOptions } from './metrics/native-options.js';
export {
  DEFAULT_NATIVE_BUCKET_FACTOR,
  DEFAULT_NATIVE_MAX_BUCKETS,
  DEFAULT_NATIVE_ZERO_THRESHOLD,
} from './metrics/native-options.js';
export { defaultRegistry, publishMetricsFrom } from './registry/default-registry.js';
export { MetricCollection } from './registry/metric-collection.js';
export type {
  MetricRegistryOptions,
  RegisterCollectionOptions,
  RegisterOptions,
} from './registry/metric-registry.js';
export { EVICTED_CELLS_METRIC, MetricRegistry } from './registry/metric-registry.js';
export { registerOrReuse, registerOrReuseAll } from './registry/register-or-reuse.js';
