import type { LabelValue, MetricRegistry } from '@servermetrics/core';

/** `route` label value of requests that matched no route. */
export const UNMATCHED_ROUTE = 'unmatched';

/** `route` label value of routes beyond the `maxRoutes` cap. */
export const OVERFLOW_ROUTE = '__other__';

/** `status_code` of a request whose client went away before any response header was sent. */
export const ABORTED_STATUS_CODE = 499;

/** Default cap on distinct `route` label values per recorder. */
export const DEFAULT_MAX_ROUTES = 100;

/** Default `maxCells` of each HTTP metric: routes x methods x status codes. */
export const DEFAULT_HTTP_MAX_CELLS = 1000;

/** Default buckets of the request and response size histograms, in bytes: powers of 4 from 64 B to 16 MiB. */
export const DEFAULT_SIZE_BUCKETS: readonly number[] = Object.freeze([
  64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216,
]);

/** Paths excluded from recording when `exclude` is not given. */
export const DEFAULT_EXCLUDED_PATHS: readonly string[] = Object.freeze(['/metrics']);

/**
 * An extra label: computes the label's value when a request ends. Strings, numbers and
 * booleans are accepted (recorded as strings). It runs on the hot path: keep it cheap and
 * its values few.
 */
export type HttpLabelFunction<Context, Response> = (context: Context, response: Response) => LabelValue;

/**
 * Options shared by every HTTP framework adapter's `metricsMiddleware`. `Context` is what the
 * framework hands to `skip` and to label functions (Express: the request; Koa: `ctx`), and
 * `Response` the framework's response object.
 */
export interface HttpMetricsOptions<Context, Response> {
  /** Registry the HTTP metrics are registered in (compatible metrics already there are reused). @default defaultRegistry */
  registry?: MetricRegistry;
  /** Prepended to every metric name, e.g. `'myapp_'` gives `myapp_http_requests_total`. @default '' */
  prefix?: string;
  /** Buckets of `http_request_duration_seconds`, in seconds. @default DEFAULT_BUCKETS (0.005 to 10) */
  buckets?: readonly number[];
  /** Record `http_request_size_bytes` from the request's `Content-Length`. @default false */
  requestSizes?: boolean;
  /** Record `http_response_size_bytes` from the response's `Content-Length` (responses without one are not observed). @default false */
  responseSizes?: boolean;
  /** Buckets of the size histograms, in bytes. @default DEFAULT_SIZE_BUCKETS (64 B to 16 MiB) */
  sizeBuckets?: readonly number[];
  /**
   * Extra labels on the counter and the histograms (not on the in-flight gauge): label name to a
   * function computing its value when the request ends. The names are fixed here; a function
   * that throws or returns something else than a string, number or boolean drops that request's
   * observations and is logged (rate-limited).
   * @default {}
   */
  labels?: Readonly<Record<string, HttpLabelFunction<Context, Response>>>;
  /**
   * Names the `route` of a request when it ends, before the framework's route template is
   * looked at: a non-empty string is the label value (still subject to `maxRoutes`), undefined
   * falls back to the framework's template, or `unmatched`. For requests no router matched, such
   * as files served by `express.static` or plain `app.use` handlers:
   * `(request) => (request.path.startsWith('/assets/') ? '/assets/*' : undefined)`.
   * Never return the raw path: every distinct value is a series, so map paths onto a few
   * templates. Called once per recorded request, on the hot path; keep it cheap. A throw, or a
   * value other than a non-empty string or undefined, is logged (rate-limited; strict
   * registries throw) and the framework's template is used.
   * @default none
   */
  getRoute?: (context: Context, response: Response) => string | undefined;
  /** Return true to leave a request out entirely (not even counted in flight). Called when the request arrives. @default none */
  skip?: (context: Context) => boolean;
  /**
   * Request paths (without the query string) that are not recorded. A string matches the way
   * Express and @koa/router match routes by default: in any case, with or without one trailing
   * slash (`'/metrics'` also excludes `/metrics/` and `/METRICS`). A RegExp is tested as it is. Giving this replaces the default, so keep `'/metrics'` in your list if you
   * serve metrics from the same app.
   * @default ['/metrics']
   */
  exclude?: readonly (string | RegExp)[];
  /**
   * Most distinct `route` values this middleware records. Further route templates are recorded
   * as `__other__` (logged once a minute), so routers mounted at parameterised paths or
   * generated routes cannot create unbounded series.
   * @default 100
   */
  maxRoutes?: number;
  /** `maxCells` of each HTTP metric this middleware creates. @default 1000 */
  maxCells?: number;
}

/** Options of `createHttpMetrics`: the adapter's options plus how the framework finds the route. */
export interface HttpRecorderOptions<Context, Response> extends HttpMetricsOptions<Context, Response> {
  /**
   * Returns the route template of a request that ended (e.g. `/users/:id`, including mount
   * prefixes), or undefined when no route matched (recorded as `unmatched`). Called once per
   * request when it ends. Must never return a raw URL. A throw counts as unmatched.
   */
  resolveRoute: (context: Context, response: Response) => string | undefined;
}
