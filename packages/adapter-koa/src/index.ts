export type {
  Authorizer,
  BasicAuthCredentials,
  MetricsHandlerOptions,
} from '@servermetrics/exporter-prometheus';
export { basicAuthAuthorizer, bearerTokenAuthorizer } from '@servermetrics/exporter-prometheus';
export type { KoaContextLike, KoaMiddleware, KoaRouterLayerLike } from './koa-types.js';
export { metricsHandler } from './metrics-handler.js';
export type { KoaMetricsOptions } from './metrics-middleware.js';
export { metricsMiddleware } from './metrics-middleware.js';
