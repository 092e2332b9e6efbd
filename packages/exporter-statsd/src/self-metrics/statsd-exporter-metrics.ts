import { Counter, Histogram, isMetric, MetricCollection } from '@servermetrics/core';
import type { FlushResult } from '../statsd-exporter-options.js';

const EXPORTER_LABEL = { exporter: 'string' } as const;

/**
 * StatsdExporterMetrics holds what StatsD exporters count about themselves, labelled by the
 * exporter's `name`. It is an ordinary MetricCollection: nothing is registered until you do it,
 * so any number of exporters can live in one process.
 *
 * ```ts
 * const selfMetrics = new StatsdExporterMetrics();
 * registry.registerCollection(selfMetrics);
 * new StatsdExporter({ name: 'agent', selfMetrics });
 * new StatsdExporter({ name: 'telegraf', dialect: 'telegraf', port: 8126, selfMetrics });
 * ```
 */
export class StatsdExporterMetrics extends MetricCollection {
  readonly statsd_exporter_flushes_total: Counter<typeof EXPORTER_LABEL> = new Counter({
    help: 'Flushes run by the StatsD exporter.',
    labels: EXPORTER_LABEL,
  });
  readonly statsd_exporter_packets_sent_total: Counter<typeof EXPORTER_LABEL> = new Counter({
    help: 'Packets the StatsD exporter sent.',
    labels: EXPORTER_LABEL,
  });
  readonly statsd_exporter_lines_sent_total: Counter<typeof EXPORTER_LABEL> = new Counter({
    help: 'Metric lines the StatsD exporter sent.',
    labels: EXPORTER_LABEL,
  });
  readonly statsd_exporter_bytes_sent_total: Counter<typeof EXPORTER_LABEL> = new Counter({
    help: 'Bytes the StatsD exporter sent.',
    labels: EXPORTER_LABEL,
  });
  readonly statsd_exporter_send_errors_total: Counter<typeof EXPORTER_LABEL> = new Counter({
    help: 'Packets the StatsD exporter failed to send.',
    labels: EXPORTER_LABEL,
  });
  readonly statsd_exporter_dropped_lines_total: Counter<{
    exporter: 'string';
    reason: readonly ['non_finite', 'oversize'];
  }> = new Counter({
    help: 'Metric lines the StatsD exporter dropped, by reason.',
    labels: { exporter: 'string', reason: ['non_finite', 'oversize'] as const },
  });
  readonly statsd_exporter_flush_duration_seconds: Histogram<typeof EXPORTER_LABEL> = new Histogram({
    help: 'Duration of StatsD exporter flushes, in seconds.',
    labels: EXPORTER_LABEL,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
}

const METRIC_FIELDS: readonly (keyof StatsdExporterMetrics)[] = [
  'statsd_exporter_flushes_total',
  'statsd_exporter_packets_sent_total',
  'statsd_exporter_lines_sent_total',
  'statsd_exporter_bytes_sent_total',
  'statsd_exporter_send_errors_total',
  'statsd_exporter_dropped_lines_total',
  'statsd_exporter_flush_duration_seconds',
];

/**
 * Returns true when `value` has every metric of a StatsdExporterMetrics. Structural, because
 * `instanceof` fails when the ESM and CJS builds of this package are both loaded.
 */
export function isStatsdExporterMetrics(value: unknown): value is StatsdExporterMetrics {
  if (typeof value !== 'object' || value === null) return false;
  return METRIC_FIELDS.every((field) => isMetric((value as Record<string, unknown>)[field]));
}

/** Counts one flush: its result, the non-finite values it skipped and its duration in seconds. */
export type FlushRecorder = (result: FlushResult, nonFinite: number, seconds: number) => void;

/**
 * The recorder of exporter `exporter`. Its series are created now, at 0, so they are exported
 * before the first flush; a count of 0 leaves a series untouched.
 */
export function flushRecorder(metrics: StatsdExporterMetrics, exporter: string): FlushRecorder {
  const flushes = metrics.statsd_exporter_flushes_total.with({ exporter });
  const counts = [
    [metrics.statsd_exporter_packets_sent_total.with({ exporter }), 'packetsSent'],
    [metrics.statsd_exporter_lines_sent_total.with({ exporter }), 'linesSent'],
    [metrics.statsd_exporter_bytes_sent_total.with({ exporter }), 'bytesSent'],
    [metrics.statsd_exporter_send_errors_total.with({ exporter }), 'packetsFailed'],
  ] as const;
  const nonFiniteLines = metrics.statsd_exporter_dropped_lines_total.with({ exporter, reason: 'non_finite' });
  const oversizeLines = metrics.statsd_exporter_dropped_lines_total.with({ exporter, reason: 'oversize' });
  const duration = metrics.statsd_exporter_flush_duration_seconds.with({ exporter });
  return (result, nonFinite, seconds) => {
    flushes.inc();
    for (const [counter, field] of counts) if (result[field] > 0) counter.inc(result[field]);
    if (nonFinite > 0) nonFiniteLines.inc(nonFinite);
    if (result.linesDropped > nonFinite) oversizeLines.inc(result.linesDropped - nonFinite);
    duration.observe(seconds);
  };
}
