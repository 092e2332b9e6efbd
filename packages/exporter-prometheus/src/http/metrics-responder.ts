import { STATUS_CODES } from 'node:http';
import {
  consoleLogger,
  DEFAULT_REFRESH_TIMEOUT_MS,
  defaultRegistry,
  describeValue,
  gatherFamilies,
  InvalidOptionError,
  type Logger,
  type MetricProducer,
  RateLimitedLogger,
  refreshProducers,
  toProducerList,
} from '@servermetrics/core';
import type { Authorizer } from '../auth/authorizer.js';
import { DEFAULT_AUTHORIZE_TIMEOUT_MS, runAuthorizer } from '../auth/run-authorizer.js';
import { encoderFor } from '../exposition/encoder-for.js';
import { contentTypeFor } from '../exposition/exposition-format.js';
import { headerValue } from './header-list.js';
import type { MetricsRequest } from './metrics-request.js';
import { acceptsGzip, negotiateFormat } from './negotiate-format.js';
import { bufferMetricsStream, exposeFamilies, type MetricsStreamResponse } from './stream-response.js';

/** Options of metricsHandler, createMetricsResponder, prepareMetricsResponse and startMetricsServer. */
export interface MetricsHandlerOptions {
  /**
   * The registry to serve, or several (rendered together; a metric in more than one is shown
   * once). Any MetricProducer from @servermetrics/core works too (an object with `collect()`
   * and optionally `refresh()`), alone or beside registries.
   * @default defaultRegistry from @servermetrics/core
   */
  registry?: MetricProducer | readonly MetricProducer[];
  /**
   * Longest wait, per scrape, for one producer's `refresh()` (a registry's collect hooks), in
   * milliseconds; the scrape then goes on with the values the producer has, and the late or
   * failed refresh is logged. A registry bounds its own hooks by its `collectTimeoutMs`.
   * @default 10000
   */
  refreshTimeoutMs?: number;
  /**
   * Decides per request whether the metrics are shown; see Authorizer. Use
   * `bearerTokenAuthorizer(token)` or `basicAuthAuthorizer({ username, password })`, or your own.
   * @default undefined (everyone may scrape)
   */
  authorize?: Authorizer;
  /**
   * Longest wait for `authorize` per scrape, in milliseconds. A hook still pending then (a hung
   * auth service) is answered 503 and logged (rate-limited); it is not cancelled.
   * @default 5000
   */
  authorizeTimeoutMs?: number;
  /**
   * Compress the body with gzip when the request's `Accept-Encoding` allows it (Prometheus always
   * does). Compression runs on libuv's thread pool, not on the event loop, as a stream for a
   * streamed body, at level 1 (chosen by measurement: see the README).
   * @default true
   */
  gzip?: boolean;
  /**
   * Serve OpenMetrics 1.0.0 to clients that ask for it in `Accept` (Prometheus does by default).
   * `false` never serves it (text 0.0.4 instead, or protobuf when asked for and allowed).
   * @default true
   */
  openMetrics?: boolean;
  /**
   * Serve the Prometheus protobuf format (the one that carries native histograms) to clients that
   * ask for it in `Accept` (Prometheus does when started with
   * `--enable-feature=native-histograms`, or with `PrometheusProto` in `scrape_protocols`).
   * `false` never serves it.
   * @default true
   */
  protobuf?: boolean;
}

/**
 * MetricsResponse is a complete answer to a scrape, independent of any framework: write
 * `status`, every header and `body`. For HEAD the body is still there so that a framework can
 * derive Content-Length; `node:http`, Express and Koa drop it from HEAD responses themselves.
 */
export interface MetricsResponse {
  /**
   * 200, or 401/403/... from `authorize`, 405 for other methods, 500 when rendering or
   * `authorize` failed, 503 when `authorize` did not settle within `authorizeTimeoutMs`.
   */
  status: number;
  /** Response headers with lower-case names: content-type, content-length, vary, ... */
  headers: Record<string, string>;
  /** The exposition (gzip-compressed when `content-encoding` says so) or a short error text. */
  body: Buffer;
}

/** A function answering one scrape; see createMetricsResponder. */
export type MetricsResponder = (request: MetricsRequest) => Promise<MetricsResponse>;

/** A function answering one scrape with a streamed body; see createMetricsStreamResponder. */
export type MetricsStreamResponder = (request: MetricsRequest) => Promise<MetricsStreamResponse>;

interface ResolvedOptions {
  readonly producers: readonly MetricProducer[];
  readonly refreshTimeoutMs: number;
  readonly logger: Logger;
  readonly authorize: Authorizer | undefined;
  readonly authorizeTimeoutMs: number;
  readonly gzip: boolean;
  readonly openMetrics: boolean;
  readonly protobuf: boolean;
  readonly reporter: RateLimitedLogger;
}

function checkBoolean(options: MetricsHandlerOptions, option: 'gzip' | 'openMetrics' | 'protobuf'): boolean {
  const value = options[option];
  if (value === undefined) return true;
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(option, `${option} must be true or false, got ${describeValue(value)}.`);
  }
  return value;
}

function checkTimeout(
  options: MetricsHandlerOptions,
  option: 'refreshTimeoutMs' | 'authorizeTimeoutMs',
  defaultMs: number,
): number {
  const value = options[option] ?? defaultMs;
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 2 ** 31 - 1)) {
    throw new InvalidOptionError(
      option,
      `${option} must be a positive number of milliseconds (at most 2147483647), got ${describeValue(value)}.`,
    );
  }
  return value;
}

function resolveOptions(options: MetricsHandlerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'options',
      'The metrics handler options must be an object, e.g. { registry }.',
    );
  }
  const producers = resolveProducers(options);
  const refreshTimeoutMs = checkTimeout(options, 'refreshTimeoutMs', DEFAULT_REFRESH_TIMEOUT_MS);
  const authorizeTimeoutMs = checkTimeout(options, 'authorizeTimeoutMs', DEFAULT_AUTHORIZE_TIMEOUT_MS);
  if (options.authorize !== undefined && typeof options.authorize !== 'function') {
    throw new InvalidOptionError(
      'authorize',
      'authorize must be a function (request) => boolean | number, e.g. bearerTokenAuthorizer(token).',
    );
  }
  const logger = loggerOf(producers);
  return {
    producers,
    refreshTimeoutMs,
    logger,
    authorize: options.authorize,
    authorizeTimeoutMs,
    gzip: checkBoolean(options, 'gzip'),
    openMetrics: checkBoolean(options, 'openMetrics'),
    protobuf: checkBoolean(options, 'protobuf'),
    reporter: new RateLimitedLogger(() => logger),
  };
}

function resolveProducers(options: MetricsHandlerOptions): MetricProducer[] {
  return toProducerList(options.registry ?? defaultRegistry, 'registry');
}

/** The logger of the first producer that has one (a registry always does), else the console. */
function loggerOf(producers: readonly MetricProducer[]): Logger {
  return producers.find((producer) => producer.logger !== undefined)?.logger ?? consoleLogger;
}

/**
 * A rate-limited logger writing to the logger of the (first) registry or producer that
 * `options` serve, as the responder itself logs. For the metrics server's own errors. Throws
 * InvalidOptionError when `options.registry` is invalid.
 */
export function createMetricsReporter(options: MetricsHandlerOptions): RateLimitedLogger {
  const logger = loggerOf(resolveProducers(options));
  return new RateLimitedLogger(() => logger);
}

function plainResponse(
  status: number,
  extraHeaders: Record<string, string> = {},
  text?: string,
): MetricsResponse {
  const body = Buffer.from(`${text ?? STATUS_CODES[status] ?? 'Error'}\n`, 'utf8');
  return {
    status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...extraHeaders,
      'content-length': String(body.length),
    },
    body,
  };
}

function denialStatus(verdict: unknown): number {
  return typeof verdict === 'number' && Number.isInteger(verdict) && verdict >= 400 && verdict <= 599
    ? verdict
    : 401;
}

/**
 * Answers one scrape and never rejects: an unexpected failure is logged and answered 500.
 * `streamed` false reads the body to its end before answering (a MetricsResponse, whose
 * `body` is a Buffer), so a failure anywhere in rendering is a "Rendering metrics failed" 500.
 */
function respond(
  request: MetricsRequest,
  options: ResolvedOptions,
  streamed: false,
): Promise<MetricsResponse>;
/**
 * `streamed` true answers once the first slice is rendered; a failure after it is logged and
 * cuts the streamed body short. HEAD of a streamed body does not render it.
 */
function respond(
  request: MetricsRequest,
  options: ResolvedOptions,
  streamed: true,
): Promise<MetricsStreamResponse>;
async function respond(
  request: MetricsRequest,
  options: ResolvedOptions,
  streamed: boolean,
): Promise<MetricsStreamResponse> {
  try {
    return await answerScrape(request, options, streamed);
  } catch (error) {
    options.reporter.log(
      'error',
      'respond',
      `answering a metrics scrape failed, answered 500: ${String(error)}`,
    );
    return plainResponse(500);
  }
}

async function answerScrape(
  request: MetricsRequest,
  options: ResolvedOptions,
  streamed: boolean,
): Promise<MetricsStreamResponse> {
  const method = (request.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return plainResponse(405, { allow: 'GET, HEAD' });
  const authorize = options.authorize;
  if (authorize !== undefined) {
    const outcome = await runAuthorizer(authorize, request, options.authorizeTimeoutMs);
    if (outcome.kind === 'timeout') {
      options.reporter.log(
        'error',
        'authorize-timeout',
        `metrics authorize hook did not settle within ${options.authorizeTimeoutMs} ms (authorizeTimeoutMs), answered 503`,
      );
      return plainResponse(503, {}, 'Authorization check timed out');
    }
    if (outcome.kind === 'failed') {
      options.reporter.log(
        'error',
        'authorize',
        `metrics authorize hook failed, answered 500: ${String(outcome.error)}`,
      );
      return plainResponse(500, {}, 'Authorization check failed');
    }
    const verdict = outcome.verdict;
    if (verdict !== true) {
      const status = denialStatus(verdict);
      const challenge = status === 401 ? authorize.challenge : undefined;
      return plainResponse(status, challenge === undefined ? {} : { 'www-authenticate': challenge });
    }
  }
  await refreshProducers(options.producers, { timeoutMs: options.refreshTimeoutMs, logger: options.logger });
  const format = negotiateFormat(headerValue(request.headers, 'accept'), {
    openMetrics: options.openMetrics,
    protobuf: options.protobuf,
  });
  const headers: Record<string, string> = {
    'content-type': contentTypeFor(format),
    'cache-control': 'no-store',
    vary: options.gzip ? 'Accept, Accept-Encoding' : 'Accept',
  };
  try {
    const families = gatherFamilies(options.producers);
    const encoder = encoderFor(format);
    const gzip = options.gzip && acceptsGzip(headerValue(request.headers, 'accept-encoding'));
    if (!streamed) {
      // Read to its end here, so that a failure in any slice is a failed render like the first's.
      const exposed = await exposeFamilies(families, headers, { encoder, gzip, omitBody: false });
      return await bufferMetricsStream({ status: 200, ...exposed });
    }
    const exposed = await exposeFamilies(families, headers, {
      encoder,
      gzip,
      omitBody: method === 'HEAD',
      onStreamError: (error) =>
        options.reporter.log(
          'error',
          'stream',
          `rendering metrics failed during a streamed scrape, the response was cut short: ${String(error)}`,
        ),
    });
    return { status: 200, ...exposed };
  } catch (error) {
    options.reporter.log('error', 'render', `rendering metrics failed, answered 500: ${String(error)}`);
    return plainResponse(500, {}, 'Rendering metrics failed; see the server log');
  }
}

/**
 * Creates the framework-independent core of the scrape endpoint: a function from a request
 * (method and headers) to a complete MetricsResponse. It answers 405 (with `Allow: GET, HEAD`)
 * to other methods, asks `authorize` (waiting at most `authorizeTimeoutMs`, then 503), runs every registry's collect hooks, negotiates the format
 * from `Accept`, renders, and gzips when allowed. A collect hook that fails, or does not settle
 * within its registry's `collectTimeoutMs`, is logged by core and its metric is rendered with its
 * previous values, so one broken or hung collector hides nothing else, delays the answer by at
 * most `collectTimeoutMs`, and the answer stays 200; only a failure of rendering itself gives 500.
 *
 * Validates `options` now and throws InvalidOptionError on a set-up mistake. The returned
 * function never rejects. Adapters call this once and the responder per request.
 */
export function createMetricsResponder(options: MetricsHandlerOptions = {}): MetricsResponder {
  const resolved = resolveOptions(options);
  return (request: MetricsRequest): Promise<MetricsResponse> => respond(request, resolved, false);
}

/**
 * As createMetricsResponder, but the body of a large exposition is a Readable rendered slice by
 * slice (each slice, about 64 KiB, in its own event-loop turn, and only as fast as the consumer
 * reads: backpressure), gzip-compressed as a stream when asked. A body that fits in one slice
 * comes whole as a Buffer with `content-length`. For HEAD a streamed body is not rendered (an
 * empty Readable, no `content-length`). Pipe the Readable to the response (Koa's `ctx.body`
 * does; `metricsHandler` does for `node:http`); destroying it stops the rendering. A failure
 * after the headers were sent (a producer's getter throwing mid-scrape) is logged and ends the
 * body early, so the scraper sees a broken response rather than a partial one that looks whole.
 *
 * Validates `options` now and throws InvalidOptionError on a set-up mistake. The returned
 * function never rejects.
 */
export function createMetricsStreamResponder(options: MetricsHandlerOptions = {}): MetricsStreamResponder {
  const resolved = resolveOptions(options);
  return (request: MetricsRequest): Promise<MetricsStreamResponse> => respond(request, resolved, true);
}

/**
 * Answers one scrape: `createMetricsResponder(options)(request)`. Handy for a one-off; a
 * framework adapter should create the responder once instead, so that options are checked at
 * set-up. Throws InvalidOptionError synchronously on invalid options; the promise never rejects.
 */
export function prepareMetricsResponse(
  request: MetricsRequest,
  options: MetricsHandlerOptions = {},
): Promise<MetricsResponse> {
  return createMetricsResponder(options)(request);
}
