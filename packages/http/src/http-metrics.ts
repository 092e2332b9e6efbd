import {
  type AnyMetric,
  type BoundGauge,
  Counter,
  defaultRegistry,
  describeValue,
  Gauge,
  Histogram,
  InvalidOptionError,
  type LabelSchema,
  type LabelValue,
  MetricRegistry,
  RateLimitedLogger,
  registerOrReuseAll,
} from '@servermetrics/core';
import type { HttpRequestLike, HttpResponseLike } from './http-message.js';
import { normaliseHttpMethod } from './http-methods.js';
import {
  ABORTED_STATUS_CODE,
  DEFAULT_EXCLUDED_PATHS,
  DEFAULT_HTTP_MAX_CELLS,
  DEFAULT_MAX_ROUTES,
  DEFAULT_SIZE_BUCKETS,
  type HttpLabelFunction,
  type HttpRecorderOptions,
} from './http-metrics-options.js';
import { createPathExcluder, type PathExcluder } from './path-excluder.js';
import { type RouteEntry, RouteSeries, RouteTable } from './route-table.js';

const BUILT_IN_LABELS = ['method', 'route', 'status_code'];

/** Per-method state: the label value and its bound in-flight series. */
class MethodEntry {
  constructor(
    readonly label: string,
    /** Small integer identifying the method inside a series key. */
    readonly index: number,
    readonly inFlight: BoundGauge,
  ) {}
}

/**
 * HttpMetrics records HTTP server metrics for a framework adapter, without knowing the
 * framework: the adapter calls `track(request, response, context)` when a request arrives and
 * tells, through `resolveRoute`, which route template handled it (the application's
 * `getRoute`, when given, is asked first). Everything else happens here:
 *
 * - `http_requests_in_flight{method}` goes up on arrival and down when the response closes;
 * - when the response's `close` event fires (right after `finish` for a completed response,
 *   or when the client went away), `http_requests_total` and `http_request_duration_seconds`
 *   (and the size histograms when enabled) are recorded with `method`, `route`, `status_code`;
 * - `status_code` is the status sent, or 499 when the client went away before any header was sent;
 * - `method` is normalised (unknown methods become `_OTHER`), `route` is the template or
 *   `unmatched`, capped at `maxRoutes` distinct values (`__other__` beyond).
 *
 * Cost per request: one `close` listener (a small closure), two clock reads, a few Map lookups;
 * series handles are bound and cached per (route, status, method). Nothing is stored on the
 * request or response objects: adding properties to Node's request and response objects
 * measurably slows down everything the framework does with them afterwards. Never throws on the
 * hot path except in strict mode (misbehaving `skip` or label functions).
 */
export class HttpMetrics<Context, Response extends HttpResponseLike> {
  /** `http_requests_total{method,route,status_code,...}`. */
  readonly requests: Counter<LabelSchema>;
  /** `http_request_duration_seconds{method,route,status_code,...}`. */
  readonly duration: Histogram<LabelSchema>;
  /** `http_requests_in_flight{method}`. */
  readonly inFlight: Gauge<{ method: 'string' }>;
  /** `http_request_size_bytes`, when `requestSizes` is on. */
  readonly requestSize: Histogram<LabelSchema> | undefined;
  /** `http_response_size_bytes`, when `responseSizes` is on. */
  readonly responseSize: Histogram<LabelSchema> | undefined;
  private readonly resolveRoute: (context: Context, response: Response) => string | undefined;
  private readonly getRoute: ((context: Context, response: Response) => string | undefined) | undefined;
  private readonly skip: ((context: Context) => boolean) | undefined;
  private readonly excluded: PathExcluder;
  private readonly labelNames: readonly string[];
  private readonly labelFunctions: readonly HttpLabelFunction<Context, Response>[];
  private readonly routes: RouteTable;
  private readonly methods = new Map<string, MethodEntry>();
  private readonly maxCachedSeries: number;
  private cachedSeries = 0;
  private readonly reporter: RateLimitedLogger;

  constructor(options: HttpRecorderOptions<Context, Response>) {
    if (typeof options !== 'object' || options === null || typeof options.resolveRoute !== 'function') {
      throw new InvalidOptionError(
        'resolveRoute',
        'createHttpMetrics needs an options object with a resolveRoute function.',
      );
    }
    const registry = options.registry ?? defaultRegistry;
    if (!MetricRegistry.isInstance(registry)) {
      throw new InvalidOptionError(
        'registry',
        `registry must be a MetricRegistry, got ${describeValue(registry)}.`,
      );
    }
    const prefix = options.prefix ?? '';
    if (typeof prefix !== 'string') {
      throw new InvalidOptionError(
        'prefix',
        `prefix must be a string such as 'myapp_', got ${describeValue(prefix)}.`,
      );
    }
    const maxRoutes = options.maxRoutes ?? DEFAULT_MAX_ROUTES;
    if (!(Number.isInteger(maxRoutes) && maxRoutes >= 1)) {
      throw new InvalidOptionError(
        'maxRoutes',
        `maxRoutes must be a positive integer, got ${describeValue(maxRoutes)}.`,
      );
    }
    const maxCells = options.maxCells ?? DEFAULT_HTTP_MAX_CELLS;
    if (options.skip !== undefined && typeof options.skip !== 'function') {
      throw new InvalidOptionError(
        'skip',
        `skip must be a function (context) => boolean, got ${describeValue(options.skip)}.`,
      );
    }
    if (options.getRoute !== undefined && typeof options.getRoute !== 'function') {
      throw new InvalidOptionError(
        'getRoute',
        `getRoute must be a function (context, response) => string | undefined, got ${describeValue(options.getRoute)}.`,
      );
    }
    const labels = options.labels ?? {};
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
      throw new InvalidOptionError(
        'labels',
        `labels must be an object of label name to function, got ${describeValue(labels)}.`,
      );
    }
    const labelNames = Object.keys(labels);
    for (const name of labelNames) {
      if (BUILT_IN_LABELS.includes(name)) {
        throw new InvalidOptionError(
          'labels',
          `labels.${name}: "${name}" is recorded by the middleware itself; choose another label name.`,
        );
      }
      if (typeof labels[name] !== 'function') {
        throw new InvalidOptionError(
          'labels',
          `labels.${name} must be a function returning the label value, got ${describeValue(labels[name])}.`,
        );
      }
    }
    this.resolveRoute = options.resolveRoute;
    this.getRoute = options.getRoute;
    this.skip = options.skip;
    this.excluded = createPathExcluder(options.exclude ?? DEFAULT_EXCLUDED_PATHS);
    this.labelNames = labelNames;
    this.labelFunctions = labelNames.map((name) => labels[name]!);
    this.reporter = new RateLimitedLogger(() => registry.logger);
    this.routes = new RouteTable(maxRoutes, (template) => {
      this.reporter.log(
        'warn',
        'maxRoutes',
        `HTTP metrics: more than ${maxRoutes} distinct routes (maxRoutes); "${template}" and further new routes are ` +
          'recorded as route="__other__". Raise maxRoutes, or check for routers mounted at parameterised paths.',
      );
    });
    this.maxCachedSeries = maxCells;

    const schema: Record<string, 'string' | 'int'> = {
      method: 'string',
      route: 'string',
      status_code: 'int',
    };
    for (const name of labelNames) schema[name] = 'string';
    const buckets = options.buckets;
    const sizeBuckets = options.sizeBuckets ?? DEFAULT_SIZE_BUCKETS;
    const help = 'HTTP requests served, by method, route template and status code.';
    const wanted: [string, AnyMetric][] = [
      [`${prefix}http_requests_total`, new Counter({ help, labels: schema, maxCells })],
      [
        `${prefix}http_request_duration_seconds`,
        new Histogram({
          help: 'Time from the request reaching the metrics middleware to the end of its response.',
          labels: schema,
          maxCells,
          unit: 'seconds',
          ...(buckets === undefined ? {} : { buckets }),
        }),
      ],
      [
        `${prefix}http_requests_in_flight`,
        new Gauge({ help: 'HTTP requests being served, by method.', labels: { method: 'string' }, maxCells }),
      ],
    ];
    if (options.requestSizes) {
      const metric = new Histogram({
        help: 'HTTP request body sizes from Content-Length.',
        labels: schema,
        maxCells,
        unit: 'bytes',
        buckets: sizeBuckets,
      });
      wanted.push([`${prefix}http_request_size_bytes`, metric]);
    }
    if (options.responseSizes) {
      const metric = new Histogram({
        help: 'HTTP response body sizes from Content-Length.',
        labels: schema,
        maxCells,
        unit: 'bytes',
        buckets: sizeBuckets,
      });
      wanted.push([`${prefix}http_response_size_bytes`, metric]);
    }
    const registered = registerOrReuseAll(registry, wanted);
    this.requests = registered[0] as Counter<LabelSchema>;
    this.duration = registered[1] as Histogram<LabelSchema>;
    this.inFlight = registered[2] as Gauge<{ method: 'string' }>;
    this.requestSize = options.requestSizes ? (registered[3] as Histogram<LabelSchema>) : undefined;
    this.responseSize = options.responseSizes ? (registered.at(-1) as Histogram<LabelSchema>) : undefined;
  }

  /**
   * Starts recording a request, unless its path is excluded or `skip` says so. Call it once per
   * request, when the request reaches the middleware; the rest happens when `response` emits
   * `close` (once, as node:http does). Returns true when the request is being recorded.
   */
  track(request: HttpRequestLike, response: Response, context: Context): boolean {
    if (this.excluded(request.originalUrl ?? request.url ?? '')) return false;
    if (this.skip !== undefined && this.skips(context)) return false;
    const method = this.methods.get(request.method as string) ?? this.methodEntry(request.method);
    method.inFlight.inc();
    const started = performance.now();
    response.on('close', () => this.finish(method, context, request, response, started));
    return true;
  }

  private finish(
    method: MethodEntry,
    context: Context,
    request: HttpRequestLike,
    response: Response,
    started: number,
  ): void {
    const seconds = (performance.now() - started) / 1000;
    method.inFlight.dec();
    const finished = response.writableFinished;
    const statusCode = finished || response.headersSent ? response.statusCode : ABORTED_STATUS_CODE;
    const route = this.routes.entryFor(this.routeOf(context, response));
    if (this.labelFunctions.length === 0) {
      const series = this.seriesFor(route, statusCode, method);
      series.requests.inc();
      series.duration.observe(seconds);
      if (this.requestSize !== undefined) {
        const size = contentLength(request.headers['content-length']);
        if (size !== undefined) {
          series.requestSize ??= this.requestSize.with(series.labels);
          series.requestSize.observe(size);
        }
      }
      if (this.responseSize !== undefined && finished) {
        const size = contentLength(response.getHeader('content-length'));
        if (size !== undefined) {
          series.responseSize ??= this.responseSize.with(series.labels);
          series.responseSize.observe(size);
        }
      }
      return;
    }
    const labels = this.labelsFor(method, context, response, route.label, statusCode);
    if (labels === undefined) return;
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
    if (this.requestSize !== undefined) {
      const size = contentLength(request.headers['content-length']);
      if (size !== undefined) this.requestSize.observe(labels, size);
    }
    if (this.responseSize !== undefined && finished) {
      const size = contentLength(response.getHeader('content-length'));
      if (size !== undefined) this.responseSize.observe(labels, size);
    }
  }

  private methodEntry(method: string | undefined): MethodEntry {
    const label = normaliseHttpMethod(method);
    let entry = this.methods.get(label);
    if (entry === undefined) {
      entry = new MethodEntry(label, this.methods.size, this.inFlight.with({ method: label }));
      this.methods.set(label, entry);
    }
    return entry;
  }

  private seriesFor(route: RouteEntry, statusCode: number, method: MethodEntry): RouteSeries {
    const key = statusCode * 16 + method.index;
    const cached = route.series.get(key);
    if (cached !== undefined) return cached;
    if (this.cachedSeries >= this.maxCachedSeries) {
      this.routes.clearSeries();
      this.cachedSeries = 0;
    }
    const labels = { method: method.label, route: route.label, status_code: statusCode };
    const series = new RouteSeries(labels, this.requests.with(labels), this.duration.with(labels));
    route.series.set(key, series);
    this.cachedSeries++;
    return series;
  }

  private routeOf(context: Context, response: Response): string | undefined {
    if (this.getRoute !== undefined) {
      const route = this.customRoute(context, response);
      if (route !== undefined) return route;
    }
    try {
      return this.resolveRoute(context, response);
    } catch (error) {
      this.reporter.log(
        'error',
        'resolveRoute',
        `HTTP metrics: finding the route failed (${String(error)}); recorded as unmatched.`,
      );
      return undefined;
    }
  }

  /** What `getRoute` says, when it returns a usable value. */
  private customRoute(context: Context, response: Response): string | undefined {
    let route: unknown;
    try {
      route = this.getRoute!(context, response);
    } catch (error) {
      this.requests.reportMisuse(
        'getRoute',
        'threw',
        `getRoute threw (${String(error)}); the framework's route was recorded`,
      );
      return undefined;
    }
    if (route === undefined) return undefined;
    if (typeof route === 'string' && route !== '') return route;
    this.requests.reportMisuse(
      'getRoute',
      'value',
      () =>
        `getRoute returned ${describeValue(route)}, expected a non-empty string or undefined; the framework's route was recorded`,
    );
    return undefined;
  }

  private skips(context: Context): boolean {
    try {
      return this.skip!(context) === true;
    } catch (error) {
      this.requests.reportMisuse(
        'skip',
        'skip',
        `the skip function threw (${String(error)}); the request is recorded`,
      );
      return false;
    }
  }

  private labelsFor(
    method: MethodEntry,
    context: Context,
    response: Response,
    route: string,
    statusCode: number,
  ): Record<string, LabelValue> | undefined {
    const labels: Record<string, LabelValue> = {
      method: method.label,
      route,
      status_code: statusCode,
    };
    for (let index = 0; index < this.labelFunctions.length; index++) {
      const name = this.labelNames[index]!;
      let value: unknown;
      try {
        value = this.labelFunctions[index]!(context, response);
      } catch (error) {
        this.requests.reportMisuse(
          'labels',
          `${name}:threw`,
          `label function "${name}" threw (${String(error)}); the request was not recorded`,
        );
        return undefined;
      }
      if (typeof value === 'string') labels[name] = value;
      else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean')
        labels[name] = String(value);
      else {
        this.requests.reportMisuse(
          'labels',
          `${name}:value`,
          `label function "${name}" returned ${describeValue(value)}, expected a string, finite number or boolean; the request was not recorded`,
        );
        return undefined;
      }
    }
    return labels;
  }
}

/** Parses a Content-Length header value; undefined when absent or not a non-negative integer. */
function contentLength(header: number | string | readonly string[] | undefined): number | undefined {
  const text = typeof header === 'string' || typeof header === 'number' ? header : header?.[0];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Creates the framework-independent HTTP recorder adapters build on (see HttpMetrics for what
 * it records). Registers the HTTP metrics, reusing compatible ones already in the registry.
 *
 * Throws at set-up: InvalidOptionError (bad option), InvalidNameError (a prefix or label name
 * that makes an invalid name), IncompatibleMetricError (a metric of the same name with another
 * type, labels or buckets is already registered).
 */
export function createHttpMetrics<Context, Response extends HttpResponseLike>(
  options: HttpRecorderOptions<Context, Response>,
): HttpMetrics<Context, Response> {
  return new HttpMetrics(options);
}
