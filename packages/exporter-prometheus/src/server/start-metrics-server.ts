import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeValue, InvalidOptionError } from '@servermetrics/core';
import { MetricsServerStartError } from '../errors/metrics-server-start-error.js';
import {
  createMetricsReporter,
  createMetricsStreamResponder,
  type MetricsHandlerOptions,
  type MetricsResponse,
} from '../http/metrics-responder.js';
import { type MetricsStreamResponse, writeMetricsStream } from '../http/stream-response.js';

/** Options of startMetricsServer: where to listen, plus every metricsHandler option. */
export interface MetricsServerOptions extends MetricsHandlerOptions {
  /**
   * TCP port; 0 picks a free one (read it back from `MetricsServer.port`).
   * @default 9464 (the port OpenTelemetry's Prometheus exporter uses)
   */
  port?: number;
  /**
   * Address to listen on. The default keeps the metrics on this machine; use `'0.0.0.0'` (or
   * `'::'`) in a container that Prometheus scrapes from outside, ideally with `authorize` or a
   * network policy.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Path that serves the metrics (the query string is ignored); every other path answers 404.
   * @default '/metrics'
   */
  path?: string;
  /**
   * Longest time `close()` waits for scrapes in progress to be answered before it cuts their
   * connections, in milliseconds. 0 cuts them at once.
   * @default 2000
   */
  closeTimeoutMs?: number;
  /**
   * Longest time a client may take to send a request's headers, in milliseconds; the connection
   * is then answered 408 and closed. Prometheus sends its request at once, so this only cuts slow
   * or stalled clients (a slowloris), which Node would keep for 60 s. Checked about every second
   * (every quarter of this value when that is shorter).
   * @default 5000
   */
  headersTimeoutMs?: number;
  /**
   * Longest time a client may take to send a whole request (headers and body), in milliseconds;
   * then 408 and closed. Must not be below `headersTimeoutMs`. Answering is not bounded by it:
   * a slow collect hook does not cut a scrape.
   * @default 10000, or headersTimeoutMs when that is larger
   */
  requestTimeoutMs?: number;
  /**
   * How long an idle kept-alive connection stays open after a response, in milliseconds.
   * Prometheus scrapes every 15 to 60 s and opens a new connection when the last one was closed,
   * which costs one TCP handshake; raise this above your scrape interval to keep one connection
   * per Prometheus instead (idle connections count against `maxConnections`).
   * @default 5000
   */
  keepAliveTimeoutMs?: number;
  /**
   * Most connections open at once (idle kept-alive ones included); the server closes a new
   * connection beyond it at once and logs that (at most once a minute). A handful of
   * Prometheus instances need a handful; the cap keeps a flood of clients from using up the
   * process's file descriptors, which the application needs too. `Infinity` removes the cap.
   * @default 256
   */
  maxConnections?: number;
}

/** A running metrics server. */
export interface MetricsServer {
  /** Full URL of the metrics endpoint, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  /** The port actually listened on (useful with port 0). */
  readonly port: number;
  /** The host listened on. */
  readonly host: string;
  /** The underlying `node:http` server, for timeouts or listeners of your own. */
  readonly server: Server;
  /**
   * Stops listening, closes idle kept-alive connections (Prometheus keeps them open) at once, lets
   * scrapes in progress finish (their responses close their connections), and after
   * `closeTimeoutMs` cuts whatever is still open. Resolves when every connection is closed; never
   * rejects. Idempotent.
   */
  close(): Promise<void>;
}

function resolvePort(port: unknown): number {
  if (port === undefined) return 9464;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidOptionError(
      'port',
      `port must be an integer from 0 to 65535 (0 picks a free port), got ${String(port)}.`,
    );
  }
  return port;
}

function resolveCloseTimeout(closeTimeoutMs: unknown): number {
  if (closeTimeoutMs === undefined) return 2000;
  if (typeof closeTimeoutMs !== 'number' || !Number.isFinite(closeTimeoutMs) || closeTimeoutMs < 0) {
    throw new InvalidOptionError(
      'closeTimeoutMs',
      `closeTimeoutMs must be a number of milliseconds from 0 up, like 2000; got ${String(closeTimeoutMs)}.`,
    );
  }
  return closeTimeoutMs;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** A whole number of milliseconds from 1 to 2147483647, or the default when absent. */
function resolveMilliseconds(
  option: 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs',
  value: unknown,
  defaultMs: number,
): number {
  if (value === undefined) return defaultMs;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMER_MS) {
    throw new InvalidOptionError(
      option,
      `${option} must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, like ${defaultMs}; got ${describeValue(value)}.`,
    );
  }
  return value;
}

interface ConnectionLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
}

function resolveConnectionLimits(options: MetricsServerOptions): ConnectionLimits {
  const headersTimeoutMs = resolveMilliseconds('headersTimeoutMs', options.headersTimeoutMs, 5000);
  const requestTimeoutMs = resolveMilliseconds(
    'requestTimeoutMs',
    options.requestTimeoutMs,
    Math.max(10_000, headersTimeoutMs),
  );
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new InvalidOptionError(
      'headersTimeoutMs',
      `headersTimeoutMs (${headersTimeoutMs}) must not exceed requestTimeoutMs (${requestTimeoutMs}): the headers are part of the request. Lower headersTimeoutMs or raise requestTimeoutMs.`,
    );
  }
  const keepAliveTimeoutMs = resolveMilliseconds('keepAliveTimeoutMs', options.keepAliveTimeoutMs, 5000);
  const maxConnections = options.maxConnections ?? 256;
  if (
    typeof maxConnections !== 'number' ||
    !(
      maxConnections === Number.POSITIVE_INFINITY ||
      (Number.isInteger(maxConnections) && maxConnections >= 1)
    )
  ) {
    throw new InvalidOptionError(
      'maxConnections',
      `maxConnections must be a whole number from 1 up (or Infinity for no cap), like 256; got ${describeValue(maxConnections)}.`,
    );
  }
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections };
}

function resolvePath(path: unknown): string {
  if (path === undefined) return '/metrics';
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw new InvalidOptionError(
      'path',
      `path must start with "/" and hold no "?", "#" or spaces, like "/metrics"; got ${JSON.stringify(path)}.`,
    );
  }
  return path;
}

const notFound: MetricsResponse = {
  status: 404,
  headers: {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': '10',
    'cache-control': 'no-store',
  },
  body: Buffer.from('Not Found\n', 'utf8'),
};

/**
 * Starts a small `node:http` server that serves the metrics on `path` of its own port and
 * answers 404 elsewhere, so metrics stay off the application's public port. Resolves once it
 * listens. Slow or stalled clients are cut by `headersTimeoutMs` / `requestTimeoutMs` (408),
 * idle kept-alive connections by `keepAliveTimeoutMs`, and at most `maxConnections` are open at
 * once (more are closed on arrival and logged, rate-limited). Rejects with InvalidOptionError on invalid options and with MetricsServerStartError
 * when it cannot listen. Each request costs what metricsHandler costs. Errors the server emits
 * once listening (such as EMFILE when the process runs out of file descriptors) never crash the
 * application: they are logged, at most once a minute per error code, through the logger of the
 * (first) registry.
 */
export async function startMetricsServer(options: MetricsServerOptions = {}): Promise<MetricsServer> {
  const port = resolvePort(options?.port);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') {
    throw new InvalidOptionError(
      'host',
      `host must be an address such as '127.0.0.1' or '0.0.0.0', got ${String(host)}.`,
    );
  }
  const path = resolvePath(options.path);
  const closeTimeoutMs = resolveCloseTimeout(options.closeTimeoutMs);
  const limits = resolveConnectionLimits(options);
  const respond = createMetricsStreamResponder(options);
  const reporter = createMetricsReporter(options);
  let closing: Promise<void> | undefined;
  /**
   * Writes an answer, streaming a large exposition with backpressure; never rejects. While
   * closing, the answer closes its connection ("Connection: close") once it is sent.
   */
  const send = (
    response: ServerResponse,
    result: MetricsStreamResponse,
    method: string | undefined,
  ): Promise<void> => {
    if (closing !== undefined) response.shouldKeepAlive = false;
    return writeMetricsStream(response, result, method);
  };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default, which would let a stalled
      // client stay up to 30 s past its timeout).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (request, response) => {
      const url = request.url ?? '/';
      const query = url.indexOf('?');
      const requestPath = query < 0 ? url : url.slice(0, query);
      if (requestPath !== path) {
        void send(response, notFound, request.method);
        return;
      }
      void respond(request).then((result) => send(response, result, request.method));
    },
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: unknown): void => reject(new MetricsServerStartError(host, port, error));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  server.on('drop', (dropped?: { remoteAddress?: string }) => {
    reporter.log(
      'warn',
      'server:drop',
      () =>
        `metrics server on ${urlHost}:${actualPort} closed a new connection from ${dropped?.remoteAddress ?? 'a client'}: maxConnections (${limits.maxConnections}) connections are open`,
    );
  });
  // A listening net.Server emits 'error' when accept() fails (EMFILE, ENFILE); without a listener
  // Node throws it and the application crashes. Log it instead: the server keeps listening.
  server.on('error', (error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    reporter.log(
      'error',
      `server:${String(code)}`,
      () => `metrics server on ${urlHost}:${actualPort} reported an error, still listening: ${String(error)}`,
    );
  });
  return {
    url: `http://${urlHost}:${actualPort}${path}`,
    port: actualPort,
    host,
    server,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        const deadline = setTimeout(() => server.closeAllConnections(), closeTimeoutMs);
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
