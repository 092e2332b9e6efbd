import type { ServerResponse } from 'node:http';
import { createHttpMetrics, type HttpMetricsOptions } from '@servermetrics/http';
import type { DefaultKoaContext, KoaContextLike, KoaMiddleware } from './koa-types.js';
import { routeTemplate } from './route-template.js';

/**
 * Options of the Koa `metricsMiddleware`: see HttpMetricsOptions in @servermetrics/http for each
 * option and its default. `skip` and label functions receive the Koa context (`ctx`); label
 * functions also receive `ctx.res`. The context is typed by default as Koa's `Context` (from
 * `@types/koa`), so no type argument is needed.
 */
export type KoaMetricsOptions<Context extends KoaContextLike = DefaultKoaContext> = HttpMetricsOptions<
  Context,
  ServerResponse
>;

/**
 * Returns a Koa 2/3 middleware recording HTTP server metrics into `options.registry`
 * (default: core's defaultRegistry):
 * - `http_requests_total` (counter) and `http_request_duration_seconds` (histogram) with
 *   `method`, `route`, `status_code`;
 * - `http_requests_in_flight` (gauge) with `method`;
 * - optionally `http_request_size_bytes` / `http_response_size_bytes`.
 *
 * Register it first (`app.use(metricsMiddleware())`). `route` is @koa/router's matched template
 * (`/api/users/:id`), `unmatched` when no route matched, never the raw URL. Requests are
 * recorded when Koa has finished writing the response (its `close` event), so the status is the
 * one Koa finally sent, also for thrown errors (`error.status`, else 500), and streamed bodies
 * are timed to their end; clients that left before any header are recorded with 499. The
 * middleware only awaits `next()`: errors pass through unchanged. `/metrics` is excluded by default.
 *
 * Throws at set-up (InvalidOptionError, InvalidNameError, IncompatibleMetricError); the
 * middleware itself never throws.
 */
export function metricsMiddleware<Context extends KoaContextLike = DefaultKoaContext>(
  options: KoaMetricsOptions<Context> = {},
): KoaMiddleware<Context> {
  const recorder = createHttpMetrics<Context, ServerResponse>({ ...options, resolveRoute: routeTemplate });
  return (context, next) => {
    recorder.track(context.req, context.res, context);
    return next();
  };
}
