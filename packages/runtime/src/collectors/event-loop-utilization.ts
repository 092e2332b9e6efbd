import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { Counter, Gauge } from '@servermetrics/core';
import { emptyCollector, type RuntimeCollector } from '../runtime-collector.js';
import type { RuntimeCounter, RuntimeGauge, StaticLabels } from '../static-labels.js';

/**
 * `nodejs_eventloop_utilization_ratio` (the share of time the loop was busy since the previous
 * collection, 0 to 1, from `performance.eventLoopUtilization()`) and
 * `nodejs_eventloop_time_seconds_total{state="active"|"idle"}` (time the loop spent running
 * callbacks or waiting since the process started; `rate()` of the active series is the
 * utilization over any window, whoever else collects). Two reads per collection, no timer.
 * Neither is in prom-client 15.
 */
export function createEventLoopUtilizationCollector(labels: StaticLabels): RuntimeCollector {
  if (typeof performance?.eventLoopUtilization !== 'function') return emptyCollector();
  let previous: EventLoopUtilization | undefined;
  let countedActiveMs = 0;
  let countedIdleMs = 0;
  const utilization: RuntimeGauge = new Gauge({
    help: 'Event loop utilization (busy share, 0 to 1) since the previous collection.',
    labels: labels.schemaWith(),
    collect: () => {
      const current = performance.eventLoopUtilization();
      if (previous !== undefined) {
        const interval = performance.eventLoopUtilization(current, previous);
        if (Number.isFinite(interval.utilization)) utilizationSeries.set(interval.utilization);
      }
      previous = current;
      activeSeries.inc(Math.max(0, current.active - countedActiveMs) / 1000);
      idleSeries.inc(Math.max(0, current.idle - countedIdleMs) / 1000);
      countedActiveMs = Math.max(countedActiveMs, current.active);
      countedIdleMs = Math.max(countedIdleMs, current.idle);
    },
  });
  const time: RuntimeCounter = new Counter({
    help: 'Time the event loop spent active (running callbacks) or idle (waiting), in seconds.',
    labels: labels.schemaWith({ state: ['active', 'idle'] }),
  });
  const utilizationSeries = labels.bindGauge(utilization);
  const activeSeries = time.with(labels.labelsWith({ state: 'active' }));
  const idleSeries = time.with(labels.labelsWith({ state: 'idle' }));
  return {
    metrics: [
      { name: 'nodejs_eventloop_utilization_ratio', metric: utilization },
      { name: 'nodejs_eventloop_time_seconds_total', metric: time },
    ],
    start: () => {
      previous = performance.eventLoopUtilization();
    },
    stop: () => {
      previous = undefined;
    },
  };
}
