import { Gauge } from '@servermetrics/core';
import { emptyCollector, type RuntimeCollector } from '../runtime-collector.js';
import type { RuntimeGauge, StaticLabels } from '../static-labels.js';
import { constructorName, countByType, replaceTypeCounts } from './count-by-type.js';

type ProcessWithHandles = NodeJS.Process & { _getActiveHandles?: () => unknown[] };

/**
 * `nodejs_active_handles{type}` (by the handle object's constructor name: `Socket`, `Server`,
 * `WriteStream`, ...) and `nodejs_active_handles_total`, from `process._getActiveHandles()`
 * (undocumented, the source prom-client uses, so the `type` values match). Absent where Node.js
 * no longer has it.
 */
export function createActiveHandlesCollector(labels: StaticLabels): RuntimeCollector {
  const getActiveHandles = (process as ProcessWithHandles)._getActiveHandles;
  if (typeof getActiveHandles !== 'function') return emptyCollector();
  const byType: RuntimeGauge = new Gauge({
    help: 'Number of active libuv handles grouped by handle type. Every handle type is C++ class name.',
    labels: labels.schemaWith({ type: 'string' }),
    collect: () => {
      const handles = getActiveHandles.call(process);
      replaceTypeCounts(byType, labels, countByType(handles, constructorName));
      totalSeries.set(handles.length);
    },
  });
  const total: RuntimeGauge = new Gauge({
    help: 'Total number of active handles.',
    labels: labels.schemaWith(),
  });
  const totalSeries = labels.bindGauge(total);
  return {
    metrics: [
      { name: 'nodejs_active_handles', metric: byType },
      { name: 'nodejs_active_handles_total', metric: total },
    ],
    start: () => {},
    stop: () => {},
  };
}
