export type { Authorizer } from './auth/authorizer.js';
export type { BasicAuthCredentials } from './auth/basic-auth-authorizer.js';
export { basicAuthAuthorizer } from './auth/basic-auth-authorizer.js';
export { bearerTokenAuthorizer } from './auth/bearer-token-authorizer.js';
export { MetricsServerStartError } from './errors/metrics-server-start-error.js';
export type { ExpositionFormat } from './exposition/exposition-format.js';
export {
  contentTypeFor,
  OPENMETRICS_CONTENT_TYPE,
  PROTOBUF_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
} from './exposition/exposition-format.js';
export type { RenderMetricsOptions } from './exposition/render-metrics.js';
export { renderMetrics } from './exposition/render-metrics.js';
export type { RequestHeaders } from './http/header-list.js';
export type { MetricsRequestHandler } from './http/metrics-handler.js';
export { metricsHandler } from './http/metrics-handler.js';
export type { MetricsRequest } from './http/metrics-request.js';
export type {
  MetricsHandlerOptions,
  MetricsResponder,
  MetricsResponse,
  MetricsStreamResponder,
} from './http/metrics-responder.js';
export {
  createMetricsResponder,
  createMetricsStreamResponder,
  prepareMetricsResponse,
} from './http/metrics-responder.js';
export type { NegotiateFormatOptions } from './http/negotiate-format.js';
export { acceptsGzip, negotiateFormat } from './http/negotiate-format.js';
export type { MetricsStreamResponse } from './http/stream-response.js';
export { writeMetricsStream } from './http/stream-response.js';
export type { MetricsServer, MetricsServerOptions } from './server/start-metrics-server.js';
export { startMetricsServer } from './server/start-metrics-server.js';
