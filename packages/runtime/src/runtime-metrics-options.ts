import type { MetricRegistry } from '@servermetrics/core';

/** The groups of runtime metrics that can be switched on and off one by one. */
export interface RuntimeMetricGroups {
  /**
   * `process_cpu_*_seconds_total`, `process_start_time_seconds`, `process_resident_memory_bytes`,
   * and where `/proc` is readable `process_virtual_memory_bytes`, `process_heap_bytes`,
   * `process_open_fds`, `process_max_fds`.
   * @default true
   */
  process?: boolean;
  /**
   * `nodejs_eventloop_lag_seconds` and its `_min/_max/_mean/_stddev/_p50/_p90/_p99_seconds`
   * (a `monitorEventLoopDelay` histogram), `nodejs_eventloop_utilization_ratio` and
   * `nodejs_eventloop_time_seconds_total{state}`.
   * @default true
   */
  eventLoop?: boolean;
  /**
   * `nodejs_heap_size_{total,used}_bytes`, `nodejs_external_memory_bytes` and
   * `nodejs_heap_space_size_{total,used,available}_bytes{space}`.
   * @default true
   */
  heap?: boolean;
  /**
   * `nodejs_active_handles{type}`, `nodejs_active_requests{type}`, `nodejs_active_resources{type}`
   * and their `_total`.
   * @default true
   */
  handles?: boolean;
  /**
   * `nodejs_gc_duration_seconds{kind}`, a histogram fed by a `PerformanceObserver` on `gc`
   * entries. Switch it off to observe no garbage collection at all.
   * @default true
   */
  gc?: boolean;
  /** `nodejs_version_info{version,major,minor,patch}`. @default true */
  version?: boolean;
}

/** Options of `RuntimeMetrics` and `startRuntimeMetrics`. */
export interface RuntimeMetricsOptions {
  /** Registry the metrics are registered into on `start()`. @default defaultRegistry */
  registry?: MetricRegistry;
  /** Prepended to every metric name, as prom-client's `prefix`. @default '' */
  prefix?: string;
  /**
   * Static labels added to every series, as prom-client's `labels` (after the metric's own
   * labels such as `type`, `space` or `kind`). Names must be valid label names and must not be
   * one of those own labels.
   * @default {}
   */
  labels?: Readonly<Record<string, string>>;
  /** Which groups to enable; a group left out is enabled. @default every group */
  groups?: RuntimeMetricGroups;
  /**
   * Sampling interval of the `monitorEventLoopDelay` histogram, in milliseconds (prom-client's
   * `eventLoopMonitoringPrecision`). Ignored when sampling per iteration.
   * @default 10
   */
  eventLoopResolutionMs?: number;
  /**
   * Sample the event-loop delay once per loop iteration (`monitorEventLoopDelay({
   * samplePerIteration: true })`) instead of on a timer. Only Node.js 24.19+ and 26.5+ offer it
   * (older versions silently ignore the option, so it is gated on the version); elsewhere the
   * timer sampler is used. `true` asks for it where available, `false` never uses it.
   * @default false
   */
  eventLoopSamplePerIteration?: boolean;
  /** Bucket upper bounds of `nodejs_gc_duration_seconds`, in seconds. @default [0.001, 0.01, 0.1, 1, 2, 5] */
  gcDurationBuckets?: readonly number[];
  /**
   * Where procfs is mounted; `false` reads no procfs at all. When the files cannot be read
   * (not Linux, a sandbox), the metrics that need them are not registered and nothing throws.
   * @default '/proc'
   */
  procfsPath?: string | false;
}

/** prom-client's GC duration buckets, in seconds. */
export const DEFAULT_GC_DURATION_BUCKETS: readonly number[] = Object.freeze([0.001, 0.01, 0.1, 1, 2, 5]);

/** prom-client's default `eventLoopMonitoringPrecision`, in milliseconds. */
export const DEFAULT_EVENT_LOOP_RESOLUTION_MS = 10;
