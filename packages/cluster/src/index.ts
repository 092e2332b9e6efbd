export type { ClusterLike, WorkerConnection } from './aggregator/cluster-aggregator.js';
export { ClusterAggregator } from './aggregator/cluster-aggregator.js';
export { ClusterAggregatorMetrics } from './aggregator/cluster-aggregator-metrics.js';
export type { ClusterAggregatorOptions } from './aggregator/cluster-aggregator-options.js';
export {
  DEFAULT_AGGREGATOR_REFRESH_TIMEOUT_MS,
  DEFAULT_DEAD_WORKER_RETENTION_MS,
  DEFAULT_MAX_SERIES_PER_METRIC,
  DEFAULT_MERGE_RULES,
  DEFAULT_WORKER_LABEL,
} from './aggregator/cluster-aggregator-options.js';
export type { WorkerChannel } from './channel/worker-channel.js';
export {
  defaultWorkerChannel,
  portChannel,
  processChannel,
  threadChannel,
} from './channel/worker-channel.js';
export type { MergeRule } from './merge/merge-rule.js';
export { clusterMerge, DEFAULT_GAUGE_MERGE, declaredMergeRule, MERGE_RULES } from './merge/merge-rule.js';
export type {
  ConnectMessage,
  FamilyDefinition,
  RequestMessage,
  UpdateMessage,
} from './protocol/cluster-message.js';
export { isClusterMessage, MESSAGE_MARKER, PROTOCOL_VERSION } from './protocol/cluster-message.js';
export type { ClusterWorkerOptions } from './worker/cluster-worker.js';
export {
  ClusterWorker,
  DEFAULT_WORKER_INTERVAL_MS,
  DEFAULT_WORKER_REFRESH_TIMEOUT_MS,
  defaultWorkerName,
  startClusterWorker,
} from './worker/cluster-worker.js';
