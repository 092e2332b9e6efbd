import { emptyCollector, type RuntimeCollector } from '../runtime-collector.js';
import type { StaticLabels } from '../static-labels.js';
import { constructorName, createActiveByTypeCollector } from './active-by-type.js';

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
  return createActiveByTypeCollector(labels, {
    name: 'nodejs_active_requests',
    help: 'Number of active libuv requests grouped by request type. Every request type is C++ class name.',
    totalHelp: 'Total number of active requests.',
    list: () => getActiveRequests.call(process),
    typeOf: constructorName,
  });
}
