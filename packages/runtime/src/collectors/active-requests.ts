import { Gauge } from '@servermetrics/core';
import { emptyCollector, type RuntimeCollector } from '../runtime-collector.js';
import type { RuntimeGauge, StaticLabels } from '../static-labels.js';
import { constructorName, countByType, replaceTypeCounts } from './count-by-type.js';

type ProcessWithRequests = NodeJS.Process & { _getActiveRequests?: () => unknown[] };

/**
 * `nodejs_active_requests{type}` (by the request object's constructor name: `FSReqCallback`,
 * `GetAddrInfoReqWrap`, ...) and `nodejs_active_requests_total`, from `process._getActiveRequests()`
 * (undocumented, the source prom-client uses, so the `type` values match). Absent where Node.js
 * no longer has it.
 */
export function createActiveRequestsCollector(labels: StaticLabels): RuntimeCollector {
  const getActiveRequests = (process as ProcessWithRequests)._getActiveRequests;
  if (typeof getActiveRequests !== 'function') return emptyCollector();
  const byType: RuntimeGauge = new Gauge({
    help: 'Number of active libuv requests grouped by request type. Every request type is C++ class name.',
    labels: labels.schemaWith({ type: 'string' }),
    collect: () => {
      const requests = getActiveRequests.call(process);
      replaceTypeCounts(byType, labels, countByType(requests, constructorName));
      totalSeries.set(requests.length);
    },
  });
  const total: RuntimeGauge = new Gauge({
    help: 'Total number of active requests.',
    labels: labels.schemaWith(),
  });
  const totalSeries = labels.bindGauge(total);
  return {
    metrics: [
      { name: 'nodejs_active_requests', metric: byType },
      { name: 'nodejs_active_requests_total', metric: total },
    ],
    start: () => {},
    stop: () => {},
  };
}
