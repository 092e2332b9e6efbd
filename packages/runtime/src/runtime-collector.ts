import type { AnyMetric } from '@servermetrics/core';

/** One metric a collector owns, with its name before the prefix. */
export interface RuntimeMetricEntry {
  /** The prom-client name, without the `prefix` option. */
  readonly name: string;
  /** The metric; its collect hook (if any) reads the runtime at collection time. */
  readonly metric: AnyMetric;
}

/**
 * RuntimeCollector is one group of runtime metrics: the metrics it owns, and what it observes
 * between collections. Snapshot values (memory, CPU, handles) are read in collect hooks; only
 * what cannot be read as a snapshot (event-loop delay, GC pauses) needs `start()`.
 */
export interface RuntimeCollector {
  /** Metrics to register. Empty when the runtime offers nothing to read (the collector is then skipped). */
  readonly metrics: readonly RuntimeMetricEntry[];
  /** Starts observers and sets baselines. Called after the metrics are registered. */
  start(): void;
  /** Stops every observer and timer it started. Safe to call when not started. */
  stop(): void;
}

/** A collector with no metrics: the runtime does not offer what it would read. */
export function emptyCollector(): RuntimeCollector {
  return { metrics: [], start: () => {}, stop: () => {} };
}
