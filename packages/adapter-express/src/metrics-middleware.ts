import type { ServerResponse } from 'node:http';
import { defaultRegistry, InvalidOptionError, RateLimitedLogger } from '@servermetrics/core';
import { createHttpMetrics, type HttpMetricsOptions } from '@servermetrics/http';
import type { ExpressMiddleware, ExpressRequestLike } from './express-types.js';
import { RouteTemplateResolver } from './route/route-template-resolver.js';

/**
 * Options of the Express `metricsMiddleware`: see HttpMetricsOptions in @servermetrics/core for
 * each option and its default. `skip` receives the request; label functions receive the request
 * and the response.
 */
export interface ExpressMetricsOptions<Request extends ExpressRequestLike = ExpressRequestLike>
  extends HttpMetricsOptions<Request, ServerResponse> {
  /**
   * Define a `baseUrl` accessor on Express's shared request prototype (once per Express copy)
   * that notes each router mount, with its parameters, as Express enters it, so that `route`
   * names the parameters of every mount and keeps the mount paths of routers an error left
   * (Express resets `req.baseUrl` before the error handler answers). See the README for
   * exactly what this changes for the app. With `false` nothing is defined: `route` is built
   * from what Express leaves on the request when it ends, so error responses of mounted
   * routers lose their mount prefix (`/:id` instead of `/api/users/:id`), and mount
   * parameters are only named when their routers use `mergeParams` (segments that look like
   * values still become `:param`; other words are kept, so prefer `getRoute` for routers
   * mounted at word-valued parameters).
   * @default true
   */
  captureMountPaths?: boolean;
}

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
 * By default the first middleware defines a `baseUrl` accessor on Express's shared request
 * prototype (see `captureMountPaths` and the README for what that changes); when that
 * prototype cannot be changed, a warning is logged and labels are read from the request.
 *
 * Creating two middlewares on one registry reuses the metrics when their options agree.
 * Throws at set-up (InvalidOptionError, InvalidNameError, IncompatibleMetricError); the
 * middleware itself never throws and always calls `next()` once.
 */
export function metricsMiddleware<Request extends ExpressRequestLike = ExpressRequestLike>(
  options: ExpressMetricsOptions<Request> = {},
): ExpressMiddleware<Request> {
  const { captureMountPaths = true, ...recorderOptions } = options;
  if (typeof captureMountPaths !== 'boolean') {
    throw new InvalidOptionError(
      'captureMountPaths',
      `captureMountPaths must be true or false, got ${typeof captureMountPaths}.`,
    );
  }
  const logger = new RateLimitedLogger(() => (options.registry ?? defaultRegistry).logger);
  const routes = new RouteTemplateResolver((reason) => {
    logger.log(
      'warn',
      'captureMountPaths',
      `Express metrics: cannot note mount paths while routing (${reason}); route labels are read from ` +
        'req.route and req.baseUrl when requests end, so error responses of mounted routers lose their mount prefix.',
    );
  });
  const recorder = createHttpMetrics<Request, ServerResponse>({
    ...recorderOptions,
    resolveRoute: (request) => routes.resolve(request),
  });
  if (!captureMountPaths) {
    return (request, response, next) => {
      recorder.track(request, response, request);
      next();
    };
  }
  return (request, response, next) => {
    if (recorder.track(request, response, request)) routes.capture(request);
    next();
  };
}
