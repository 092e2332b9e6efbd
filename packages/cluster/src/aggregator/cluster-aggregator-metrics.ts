import { Counter, Gauge, Histogram, MetricRegistry } from '@servermetrics/core';

/**
 * The aggregator's own metrics, served with the merged view (unless `selfMetrics: false`).
 * Names start with `servermetrics_cluster_`.
 */
export class ClusterAggregatorMetrics {
  readonly registry: MetricRegistry = new MetricRegistry();
  /** Workers connected now (they sent at least one update and have not exited). */
  readonly workers: Gauge = this.registry.register(
    'servermetrics_cluster_workers',
    new Gauge({ help: 'Workers currently sending metrics to this aggregator.' }),
  );
  /** Workers that did not answer the last refresh in time: their last known values were served. */
  readonly staleWorkers: Gauge = this.registry.register(
    'servermetrics_cluster_stale_workers',
    new Gauge({
      help: 'Live workers that did not answer the last refresh before its deadline; their last known contribution was used.',
    }),
  );
  /** Answers that arrived after their refresh's deadline (their changes were still applied). */
  readonly lateMessages: Counter = this.registry.register(
    'servermetrics_cluster_late_messages_total',
    new Counter({
      help: 'Worker answers that arrived after their refresh deadline; their deltas were applied, nothing was kept waiting for them.',
    }),
  );
  /** Messages (or parts of them) that could not be read. */
  readonly invalidMessages: Counter = this.registry.register(
    'servermetrics_cluster_invalid_messages_total',
    new Counter({
      help: 'Worker messages that were malformed or conflicted with another worker (the bad parts were dropped).',
    }),
  );
  /** Workers that went away (exit, closed channel). */
  readonly workerExits: Counter = this.registry.register(
    'servermetrics_cluster_worker_exits_total',
    new Counter({
      help: 'Workers that exited or whose channel closed; their counters stay in the aggregate.',
    }),
  );
  /** Series refused because a family reached `maxSeriesPerMetric`. */
  readonly droppedSeries: Counter = this.registry.register(
    'servermetrics_cluster_dropped_series_total',
    new Counter({
      help: 'New series refused because their metric reached maxSeriesPerMetric in the aggregate.',
    }),
  );
  /** How long refreshes (a scrape or flush asking every worker) took. */
  readonly refreshDuration: Histogram = this.registry.register(
    'servermetrics_cluster_refresh_duration_seconds',
    new Histogram({
      help: 'Time from asking every live worker for its changes to the last answer or the deadline.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
  );
}
