import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type MetricsHandlerOptions,
  metricsHandler as nodeMetricsHandler,
} from '@servermetrics/exporter-prometheus';
import type { ExpressRequestHandler } from './express-types.js';

/**
 * Returns an Express handler serving the metrics: `app.get('/metrics', metricsHandler())`.
 * It is @servermetrics/exporter-prometheus's `metricsHandler`, so it negotiates Prometheus text
 * or OpenMetrics from `Accept`, gzips when asked, answers HEAD, 405 for other methods, and
 * applies `authorize` (e.g. `bearerTokenAuthorizer(token)`: 401 without the token). It answers
 * every request itself and never calls `next`. Serve the same registry the middleware records
 * into (`options.registry`, default core's defaultRegistry).
 *
 * Throws InvalidOptionError at once on invalid options; the handler never throws.
 */
export function metricsHandler(options: MetricsHandlerOptions = {}): ExpressRequestHandler {
  const handle = nodeMetricsHandler(options);
  return (request: IncomingMessage, response: ServerResponse): void => {
    void handle(request, response);
  };
}
