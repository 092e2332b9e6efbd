import { emptyCollector, type RuntimeCollector } from '../runtime-collector.js';
import type { StaticLabels } from '../static-labels.js';
import { constructorName, createActiveByTypeCollector } from './active-by-type.js';

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
  return createActiveByTypeCollector(labels, {
    name: 'nodejs_active_handles',
    help: 'Number of active libuv handles grouped by handle type. Every handle type is C++ class name.',
    totalHelp: 'Total number of active handles.',
    list: () => getActiveHandles.call(process),
    typeOf: constructorName,
  });
}
