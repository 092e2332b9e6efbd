import { emptyCollector, type RuntimeCollector } from '../runtime-collector.js';
import type { StaticLabels } from '../static-labels.js';
import { createActiveByTypeCollector } from './active-by-type.js';

/**
 * `nodejs_active_resources{type}` (`TCPWrap`, `Timeout`, `FSReqCallback`, ...) and
 * `nodejs_active_resources_total`, from `process.getActiveResourcesInfo()`: the resources
 * currently keeping the event loop alive.
 */
export function createActiveResourcesCollector(labels: StaticLabels): RuntimeCollector {
  if (typeof process.getActiveResourcesInfo !== 'function') return emptyCollector();
  return createActiveByTypeCollector(labels, {
    name: 'nodejs_active_resources',
    help: 'Number of active resources that are currently keeping the event loop alive, grouped by async resource type.',
    totalHelp: 'Total number of active resources.',
    list: () => process.getActiveResourcesInfo(),
    typeOf: (resource) => resource,
  });
}
