export type {
  Authorizer,
  BasicAuthCredentials,
  MetricsHandlerOptions,
} from '@servermetrics/exporter-prometheus';
export { basicAuthAuthorizer, bearerTokenAuthorizer } from '@servermetrics/exporter-prometheus';
export { metricsHandler } from './metrics-handler.js';
