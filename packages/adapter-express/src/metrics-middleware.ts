import type { ServerResponse } from 'node:http';
import { createHttpMetrics, type HttpMetricsOptions } from '@servermetrics/core';
import type { ExpressMiddleware, ExpressRequestLike } from './express-types.js';
import { RouteTemplateResolver } from './route/route-template-resolver.js';

/**
 * Options of the Express `metricsMiddleware`: see HttpMetricsOptions in @servermetrics/core for
 * each option and its default. `skip` receives the request; label functions receive the request
 * and the response.
 */
export type ExpressMetricsOptions<Request extends ExpressRequestLike = ExpressRequestLike> =
  HttpMetricsOptions<Request, ServerResponse>;

/**
 * Returns an Express 4/5 middleware recording HTTP server metrics into `options.registry`
 * (default: core's defaultRegistry):
 * - `http_requests_total` (counter) and `http_request_duration_seconds` (histogram) with
 *   `method`, `route`, `status_code`;
 * - `http_requests_in_flight` (gauge) with `method`;
 * - optionally `http_request_size_bytes` / `http_response_size_bytes`.
 *
 * Register it first (`app.use(metricsMiddleware())`): time spent before it is not measured.
 * `route` is the matched route template with its routers' mount paths
 * (`/api/users/:id`), `unmatched` when no route matched (404s), never the raw URL. Requests
 * are recorded when the response closes: errors with the status Express finally sent (500 by
 * default), clients that left before any header with 499. `/metrics` is excluded by default.
 *
 * Creating two middlewares on one registry reuses the metrics when their options agree.
 * Throws at set-up (InvalidOptionError, InvalidNameError, IncompatibleMetricError); the
 * middleware itself never throws and always calls `next()` once.
 */
export function metricsMiddleware<Request extends ExpressRequestLike = ExpressRequestLike>(
  options: ExpressMetricsOptions<Request> = {},
): ExpressMiddleware<Request> {
  const routes = new RouteTemplateResolver();
  const recorder = createHttpMetrics<Request, ServerResponse>({
    ...options,
    resolveRoute: (request) => routes.resolve(request),
  });
  return (request, response, next) => {
    if (recorder.track(request, response, request)) routes.capture(request);
    next();
  };
}
