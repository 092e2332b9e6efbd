import { createMetricsStreamResponder, type MetricsHandlerOptions } from '@servermetrics/exporter-prometheus';
import type { KoaMiddleware } from './koa-types.js';

/**
 * Returns a Koa middleware that answers with the metrics: `router.get('/metrics', metricsHandler())`.
 * It uses @servermetrics/exporter-prometheus's responder, so it negotiates Prometheus text or
 * OpenMetrics from `Accept`, gzips when asked, answers HEAD, 405 for other methods, and applies
 * `authorize` (e.g. `bearerTokenAuthorizer(token)`: 401 without the token). It answers through
 * `ctx` (status, headers, body), so Koa writes the response, and never calls `next`. A large
 * exposition is streamed: `ctx.body` is a Readable rendered slice by slice between which the
 * event loop serves other requests, read by Koa with backpressure, and destroyed by Koa (which
 * stops the rendering) when the client goes away. Serve the
 * same registry the middleware records into (`options.registry`, default core's defaultRegistry).
 *
 * Throws InvalidOptionError at once on invalid options; the middleware never rejects.
 */
export function metricsHandler(options: MetricsHandlerOptions = {}): KoaMiddleware {
  const respond = createMetricsStreamResponder(options);
  return async (context) => {
    const result = await respond(context.req);
    context.status = result.status;
    context.set(result.headers);
    context.body = result.body;
  };
}
