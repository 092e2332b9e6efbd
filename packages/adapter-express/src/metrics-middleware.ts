import type { ServerResponse } from 'node:http';
import { defaultRegistry, RateLimitedLogger } from '@servermetrics/core';
import { createHttpMetrics, type HttpMetricsOptions } from '@servermetrics/http';
import type {
  DefaultExpressRequest,
  DefaultExpressResponse,
  ExpressMiddleware,
  ExpressRequestLike,
} from './express-types.js';
import { RouteTemplateResolver } from './route/route-template-resolver.js';

/**
 * Options of the Express `metricsMiddleware`: see HttpMetricsOptions in @servermetrics/http for
 * each option and its default. `skip` receives the request; label functions and `getRoute`
 * receive the request and the response, typed by default as Express's `Request` and
 * `Response` (from `@types/express`), so no type argument is needed.
 */
export interface ExpressMetricsOptions<
  Request extends ExpressRequestLike = DefaultExpressRequest,
  Response extends ServerResponse = DefaultExpressResponse,
> extends HttpMetricsOptions<Request, Response> {}

/**
 * Returns an Express 4/5 middleware recording HTTP server metrics into `options.registry`
 * (default: core's defaultRegistry):
 * - `http_requests_total` (counter) and `http_request_duration_seconds` (histogram) with
 *   `method`, `route`, `status_code`;
 * - `http_requests_in_flight` (gauge) with `method`;
 * - optionally `http_request_size_bytes` / `http_response_size_bytes`.
 *
 * Register it first (`app.use(metricsMiddleware())`): time spent before it is not measured.
 * `route` is built from the paths the app declared: the mount paths of the routers and
 * sub-apps the request went through joined with the matched route's path
 * (`/api/users/:userId`), found when the response closes by matching the request's URL
 * against the app's router stacks as Express did (see RouteTemplateResolver). It is
 * `unmatched` when no route matched (404s), never the raw URL. Requests are recorded when the
 * response closes: errors with the status Express finally sent (500 by default), clients that
 * left before any header with 499. `/metrics` is excluded by default.
 *
 * Nothing is patched or defined on Express or on requests: the middleware only reads
 * `req.route`, `req.app` and `req.originalUrl`, and the layers of the app's routers.
 *
 * Creating two middlewares on one registry reuses the metrics when their options agree.
 * Throws at set-up (InvalidOptionError, InvalidNameError, IncompatibleMetricError); the
 * middleware itself never throws and always calls `next()` once.
 */
export function metricsMiddleware<
  Request extends ExpressRequestLike = DefaultExpressRequest,
  Response extends ServerResponse = DefaultExpressResponse,
>(options: ExpressMetricsOptions<Request, Response> = {}): ExpressMiddleware<Request> {
  const logger = new RateLimitedLogger(() => (options.registry ?? defaultRegistry).logger);
  const routes = new RouteTemplateResolver(() => {
    logger.log(
      'warn',
      'unlocatedRoute',
      'Express metrics: a request matched a route that is not reachable from req.app through routers ' +
        'mounted with app.use or router.use (a router called from a wrapper function, or a sub-app route ' +
        'whose error the parent app answered); it is labelled route="unmatched". Use getRoute to name it.',
    );
  });
  const recorder = createHttpMetrics<Request, Response>({
    ...options,
    resolveRoute: (request) => routes.resolve(request),
  });
  return (request, response, next) => {
    recorder.track(request, response as Response, request);
    next();
  };
}
