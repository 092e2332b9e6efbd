import { Gauge } from '@servermetrics/core';
import { emptyCollector, type RuntimeCollector } from '../runtime-collector.js';
import type { RuntimeGauge, StaticLabels } from '../static-labels.js';

/**
 * `nodejs_heap_size_total_bytes`, `nodejs_heap_size_used_bytes` and
 * `nodejs_external_memory_bytes`: `heapTotal`, `heapUsed` and `external` of
 * `process.memoryUsage()`, read once per collection.
 */
export function createHeapSizeCollector(labels: StaticLabels): RuntimeCollector {
  if (typeof process.memoryUsage !== 'function') return emptyCollector();
  const total: RuntimeGauge = new Gauge({
    help: 'Process heap size from Node.js in bytes.',
    labels: labels.schemaWith(),
    collect: () => {
      let usage: NodeJS.MemoryUsage;
      try {
        usage = process.memoryUsage();
      } catch {
        return; // Some platforms throw here (prom-client #67): keep the previous values.
      }
      totalSeries.set(usage.heapTotal);
      usedSeries.set(usage.heapUsed);
      if (usage.external !== undefined) externalSeries.set(usage.external);
    },
  });
  const used: RuntimeGauge = new Gauge({
    help: 'Process heap size used from Node.js in bytes.',
    labels: labels.schemaWith(),
  });
  const external: RuntimeGauge = new Gauge({
    help: 'Node.js external memory size in bytes.',
    labels: labels.schemaWith(),
  });
  const totalSeries = labels.bindGauge(total);
  const usedSeries = labels.bindGauge(used);
  const externalSeries = labels.bindGauge(external);
  return {
    metrics: [
      { name: 'nodejs_heap_size_total_bytes', metric: total },
      { name: 'nodejs_heap_size_used_bytes', metric: used },
      { name: 'nodejs_external_memory_bytes', metric: external },
    ],
    start: () => {},
    stop: () => {},
  };
}
