import { Gauge } from '@servermetrics/core';
import { emptyCollector, type RuntimeCollector } from '../runtime-collector.js';
import type { RuntimeGauge, StaticLabels } from '../static-labels.js';
import { countByType, replaceTypeCounts } from './count-by-type.js';

/**
 * `nodejs_active_resources{type}` (`TCPWrap`, `Timeout`, `FSReqCallback`, ...) and
 * `nodejs_active_resources_total`, from `process.getActiveResourcesInfo()`: the resources
 * currently keeping the event loop alive.
 */
export function createActiveResourcesCollector(labels: StaticLabels): RuntimeCollector {
  if (typeof process.getActiveResourcesInfo !== 'function') return emptyCollector();
  const byType: RuntimeGauge = new Gauge({
    help: 'Number of active resources that are currently keeping the event loop alive, grouped by async resource type.',
    labels: labels.schemaWith({ type: 'string' }),
    collect: () => {
      const resources = process.getActiveResourcesInfo();
      replaceTypeCounts(
        byType,
        labels,
        countByType(resources, (resource) => resource),
      );
      totalSeries.set(resources.length);
    },
  });
  const total: RuntimeGauge = new Gauge({
    help: 'Total number of active resources.',
    labels: labels.schemaWith(),
  });
  const totalSeries = labels.bindGauge(total);
  return {
    metrics: [
      { name: 'nodejs_active_resources', metric: byType },
      { name: 'nodejs_active_resources_total', metric: total },
    ],
    start: () => {},
    stop: () => {},
  };
}
