import { createMetricsResponder, type MetricsHandlerOptions } from '@servermetrics/exporter-prometheus';
import type { KoaMiddleware } from './koa-types.js';

/**
 * Returns a Koa middleware that answers with the metrics: `router.get('/metrics', metricsHandler())`.
 * It uses @servermetrics/exporter-prometheus's responder, so it negotiates Prometheus text or
 * OpenMetrics from `Accept`, gzips when asked, answers HEAD, 405 for other methods, and applies
 * `authorize` (e.g. `bearerTokenAuthorizer(token)`: 401 without the token). It answers through
 * `ctx` (status, headers, body), so Koa writes the response, and never calls `next`. Serve the
 * same registry the middleware records into (`options.registry`, default core's defaultRegistry).
 *
 * Throws InvalidOptionError at once on invalid options; the middleware never rejects.
 */
export function metricsHandler(options: MetricsHandlerOptions = {}): KoaMiddleware {
  const respond = createMetricsResponder(options);
  return async (context) => {
    const result = await respond(context.req);
    context.status = result.status;
    context.set(result.headers);
    context.body = result.body;
  };
}
