import { Gauge } from '@servermetrics/core';
import type { RuntimeCollector } from '../runtime-collector.js';
import type { RuntimeGauge, StaticLabels } from '../static-labels.js';

/**
 * `process_start_time_seconds`: when the process started, in Unix seconds, rounded to the
 * second exactly as prom-client computes it (`Date.now() / 1000 - process.uptime()`).
 */
export function createProcessStartTimeCollector(labels: StaticLabels): RuntimeCollector {
  const startTime: RuntimeGauge = new Gauge({
    help: 'Start time of the process since unix epoch in seconds.',
    labels: labels.schemaWith(),
  });
  const series = labels.bindGauge(startTime);
  return {
    metrics: [{ name: 'process_start_time_seconds', metric: startTime }],
    start: () => series.set(Math.round(Date.now() / 1000 - process.uptime())),
    stop: () => {},
  };
}
