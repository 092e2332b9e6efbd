export type {
  DefaultExpressRequest,
  DefaultExpressResponse,
  ExpressMiddleware,
  ExpressRequestHandler,
  ExpressRequestLike,
  ExpressRouteLike,
} from './express-types.js';
export type { ExpressMetricsOptions } from './metrics-middleware.js';
export { metricsMiddleware } from './metrics-middleware.js';
