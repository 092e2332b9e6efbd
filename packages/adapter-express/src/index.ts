export type {
  Authorizer,
  BasicAuthCredentials,
  MetricsHandlerOptions,
} from '@servermetrics/exporter-prometheus';
export { basicAuthAuthorizer, bearerTokenAuthorizer } from '@servermetrics/exporter-prometheus';
export type {
  ExpressMiddleware,
  ExpressRequestHandler,
  ExpressRequestLike,
  ExpressRouteLike,
} from './express-types.js';
export { metricsHandler } from './metrics-handler.js';
export type { ExpressMetricsOptions } from './metrics-middleware.js';
export { metricsMiddleware } from './metrics-middleware.js';
