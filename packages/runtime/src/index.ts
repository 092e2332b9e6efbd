export { supportsSamplePerIteration } from './collectors/event-loop-delay.js';
export { RuntimeMetrics, startRuntimeMetrics } from './runtime-metrics.js';
export {
  DEFAULT_EVENT_LOOP_RESOLUTION_MS,
  DEFAULT_GC_DURATION_BUCKETS,
  type RuntimeMetricGroups,
  type RuntimeMetricsOptions,
} from './runtime-metrics-options.js';
