import { getHeapSpaceStatistics } from 'node:v8';
import { Gauge } from '@servermetrics/core';
import { emptyCollector, type RuntimeCollector } from '../runtime-collector.js';
import type { RuntimeGauge, StaticLabels } from '../static-labels.js';

/** The `space` label of a V8 heap space: its name without the `_space` suffix, as prom-client. */
export function heapSpaceLabel(spaceName: string): string {
  const end = spaceName.indexOf('_space');
  return end < 0 ? spaceName : spaceName.slice(0, end);
}

/**
 * `nodejs_heap_space_size_{total,used,available}_bytes{space}` from `v8.getHeapSpaceStatistics()`,
 * read once per collection (`space` is `new`, `old`, `code`, `large_object`, ...).
 */
export function createHeapSpacesCollector(labels: StaticLabels): RuntimeCollector {
  try {
    getHeapSpaceStatistics();
  } catch {
    return emptyCollector(); // Declared but not implemented (Bun).
  }
  const schema = labels.schemaWith({ space: 'string' });
  const total: RuntimeGauge = new Gauge({
    help: 'Process heap space size total from Node.js in bytes.',
    labels: schema,
    collect: () => {
      for (const space of getHeapSpaceStatistics()) {
        const series = labels.labelsWith({ space: heapSpaceLabel(space.space_name) });
        total.set(series, space.space_size);
        used.set(series, space.space_used_size);
        available.set(series, space.space_available_size);
      }
    },
  });
  const used: RuntimeGauge = new Gauge({
    help: 'Process heap space size used from Node.js in bytes.',
    labels: schema,
  });
  const available: RuntimeGauge = new Gauge({
    help: 'Process heap space size available from Node.js in bytes.',
    labels: schema,
  });
  return {
    metrics: [
      { name: 'nodejs_heap_space_size_total_bytes', metric: total },
      { name: 'nodejs_heap_space_size_used_bytes', metric: used },
      { name: 'nodejs_heap_space_size_available_bytes', metric: available },
    ],
    start: () => {},
    stop: () => {},
  };
}
