export type { HttpRequestLike, HttpResponseLike } from './http-message.js';
export { KNOWN_HTTP_METHODS, normaliseHttpMethod, OTHER_HTTP_METHOD } from './http-methods.js';
export type { HttpMetrics } from './http-metrics.js';
export { createHttpMetrics } from './http-metrics.js';
export type {
  HttpLabelFunction,
  HttpMetricsOptions,
  HttpRecorderOptions,
} from './http-metrics-options.js';
export {
  ABORTED_STATUS_CODE,
  DEFAULT_EXCLUDED_PATHS,
  DEFAULT_HTTP_MAX_CELLS,
  DEFAULT_MAX_ROUTES,
  DEFAULT_SIZE_BUCKETS,
  OVERFLOW_ROUTE,
  UNMATCHED_ROUTE,
} from './http-metrics-options.js';
