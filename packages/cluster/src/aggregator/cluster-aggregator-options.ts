import type { Logger } from '@servermetrics/core';
import type { MergeRule } from '../merge/merge-rule.js';

/** Default of ClusterAggregatorOptions.refreshTimeoutMs. */
export const DEFAULT_AGGREGATOR_REFRESH_TIMEOUT_MS = 500;
/** Default of ClusterAggregatorOptions.deadWorkerRetentionMs. */
export const DEFAULT_DEAD_WORKER_RETENTION_MS = 60_000;
/** Default of ClusterAggregatorOptions.maxSeriesPerMetric. */
export const DEFAULT_MAX_SERIES_PER_METRIC = 50_000;
/** Default of ClusterAggregatorOptions.workerLabel. */
export const DEFAULT_WORKER_LABEL = 'worker';

/**
 * Merge rules for the gauges of `@servermetrics/runtime` (prom-client's default metric names)
 * that a sum would make meaningless. A rule declared with `clusterMerge` wins over these; the
 * aggregator's `merge` option wins over both.
 */
export const DEFAULT_MERGE_RULES: Readonly<Record<string, MergeRule>> = Object.freeze({
  process_start_time_seconds: 'min',
  process_max_fds: 'max',
  nodejs_version_info: 'max',
  nodejs_eventloop_utilization_ratio: 'max',
  nodejs_eventloop_lag_seconds: 'max',
  nodejs_eventloop_lag_min_seconds: 'min',
  nodejs_eventloop_lag_max_seconds: 'max',
  nodejs_eventloop_lag_mean_seconds: 'max',
  nodejs_eventloop_lag_stddev_seconds: 'max',
  nodejs_eventloop_lag_p50_seconds: 'max',
  nodejs_eventloop_lag_p90_seconds: 'max',
  nodejs_eventloop_lag_p99_seconds: 'max',
});

/** Options of ClusterAggregator. Every option is optional. */
export interface ClusterAggregatorOptions {
  /**
   * Longest wait in `refresh()` (a scrape, a StatsD flush) for the live workers' answers, in
   * milliseconds. A worker that has not answered by then is counted in
   * `servermetrics_cluster_stale_workers` and its last known contribution is served; the
   * refresh never fails because of it.
   * @default 500
   */
  refreshTimeoutMs?: number;
  /** Keep one series per worker for every metric (a `worker` label on everything). @default false */
  perWorker?: boolean;
  /** Name of the label that holds the worker name in per-worker series. @default 'worker' */
  workerLabel?: string;
  /**
   * Merge rules by metric name, for metrics whose declaration you do not control (they win over
   * `clusterMerge` and DEFAULT_MERGE_RULES). Gauges take any rule, counters and histograms only
   * `'worker'`.
   * @default {}
   */
  merge?: Readonly<Record<string, MergeRule>>;
  /**
   * How long the per-worker series of a worker that exited are still served (so a scrape sees
   * their last value), in milliseconds; then they are removed. Merged counters and histograms
   * are never removed (what a dead worker counted stays in the sum); merged gauges (`sum`,
   * `min`, `max`, `last`) drop a dead worker's value as soon as its exit is seen.
   * @default 60000
   */
  deadWorkerRetentionMs?: number;
  /** Most series one metric may have in the aggregate; further new series are dropped and counted. @default 50000 */
  maxSeriesPerMetric?: number;
  /** Serve the aggregator's `servermetrics_cluster_*` metrics with the merged view. @default true */
  selfMetrics?: boolean;
  /** Where malformed messages, conflicts and late workers are reported (rate-limited). @default console */
  logger?: Logger;
}
