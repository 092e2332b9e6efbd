import { Counter } from '@servermetrics/core';
import { emptyCollector, type RuntimeCollector } from '../runtime-collector.js';
import type { RuntimeCounter, StaticLabels } from '../static-labels.js';

/**
 * `process_cpu_user_seconds_total`, `process_cpu_system_seconds_total` and
 * `process_cpu_seconds_total` (their sum), read from `process.cpuUsage()` at each collection.
 * The counters hold the CPU time of the whole process since it started (the first collection
 * adds everything spent so far), like the Prometheus process collectors of other languages.
 */
export function createProcessCpuCollector(labels: StaticLabels): RuntimeCollector {
  if (typeof process.cpuUsage !== 'function') return emptyCollector();
  let lastUserMicros = 0;
  let lastSystemMicros = 0;
  const user: RuntimeCounter = new Counter({
    help: 'Total user CPU time spent in seconds.',
    labels: labels.schemaWith(),
    collect: () => {
      const usage = process.cpuUsage();
      const userMicros = Math.max(0, usage.user - lastUserMicros);
      const systemMicros = Math.max(0, usage.system - lastSystemMicros);
      lastUserMicros = Math.max(lastUserMicros, usage.user);
      lastSystemMicros = Math.max(lastSystemMicros, usage.system);
      userSeries.inc(userMicros / 1e6);
      systemSeries.inc(systemMicros / 1e6);
      totalSeries.inc((userMicros + systemMicros) / 1e6);
    },
  });
  const system: RuntimeCounter = new Counter({
    help: 'Total system CPU time spent in seconds.',
    labels: labels.schemaWith(),
  });
  const total: RuntimeCounter = new Counter({
    help: 'Total user and system CPU time spent in seconds.',
    labels: labels.schemaWith(),
  });
  const userSeries = labels.bindCounter(user);
  const systemSeries = labels.bindCounter(system);
  const totalSeries = labels.bindCounter(total);
  return {
    metrics: [
      { name: 'process_cpu_user_seconds_total', metric: user },
      { name: 'process_cpu_system_seconds_total', metric: system },
      { name: 'process_cpu_seconds_total', metric: total },
    ],
    start: () => {},
    stop: () => {},
  };
}
