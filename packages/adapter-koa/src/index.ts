export type { DefaultKoaContext, KoaContextLike, KoaMiddleware, KoaRouterLayerLike } from './koa-types.js';
export type { KoaMetricsOptions } from './metrics-middleware.js';
export { metricsMiddleware } from './metrics-middleware.js';
