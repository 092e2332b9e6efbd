import { MetricRegistry, MetricUsageError } from '@servermetrics/core';
import { type MetricsServer, startMetricsServer } from '@servermetrics/exporter-prometheus';
import { BAD_CALLS } from './bad-calls.js';
import { PrintingLogger } from './printing-logger.js';
import { ResponseMetrics } from './response-metrics.js';

/** Options of the labels example. */
export interface LabelsExampleOptions {
  /** Port of the metrics server; 0 picks a free one. @default 9465 */
  port?: number;
  /** How often the simulated API serves a batch of requests, in milliseconds. @default 1000 */
  tickMs?: number;
  /**
   * Throw MetricUsageError on misuse instead of logging and dropping it.
   * @default the environment variable SERVERMETRICS_STRICT is "1"
   */
  strict?: boolean;
  /** Where servermetrics' log messages are printed. @default console.log */
  print?: (line: string) => void;
}

/** The running example: its metrics, registry, logger, server and a way to stop them. */
export interface LabelsExample {
  readonly metrics: ResponseMetrics;
  /** The example's own registry, carrying its logger and strictness. */
  readonly registry: MetricRegistry;
  /** What servermetrics reported (invalid labels, evictions). */
  readonly logger: PrintingLogger;
  readonly server: MetricsServer;
  /** Serves one batch of simulated requests and starts a session for a new user (the timer calls it too). */
  tick(): void;
  /** Makes every call of BAD_CALLS once (the timer does it too). In strict mode the first one throws. */
  makeBadCalls(): void;
  close(): Promise<void>;
}

/**
 * Registers the simulated API's labelled metrics in a registry of their own (with a logger that
 * prints), serves them on `http://127.0.0.1:<port>/metrics`, and simulates traffic. Tick `n`
 * serves 3 × `get` 200 and 1 × `create` 201, a `get` 404 when `n` is a multiple of 4, a
 * `create` 500 when it is a multiple of 10, 3 cache hits and 1 miss, and a session for user
 * `user-<n>`: after 10 ticks each new user evicts the oldest one.
 */
export async function startLabelsExample(options: LabelsExampleOptions = {}): Promise<LabelsExample> {
  const logger = new PrintingLogger(options.print);
  const registry = new MetricRegistry({ logger, strict: options.strict });
  const metrics = registry.registerCollection(new ResponseMetrics());
  // Bound series: the labels are checked once here, so each inc() below is just an add.
  const getOk = metrics.responses_total.with({ action: 'get', response_code: 200 });
  const created = metrics.responses_total.with({ action: 'create', response_code: 201 });
  const cacheHit = metrics.cache_lookups_total.with({ result: 'hit' });
  const cacheMiss = metrics.cache_lookups_total.with({ result: 'miss' });
  let ticks = 0;
  const tick = (): void => {
    ticks++;
    getOk.inc(3);
    created.inc();
    if (ticks % 4 === 0) metrics.responses_total.inc({ action: 'get', response_code: 404 });
    if (ticks % 10 === 0) metrics.responses_total.inc({ action: 'create', response_code: 500 });
    cacheHit.inc(3);
    cacheMiss.inc();
    metrics.sessions_by_user_total.inc({ user: `user-${ticks}` });
  };
  const makeBadCalls = (): void => {
    for (const badCall of BAD_CALLS) badCall.call(metrics);
  };
  const server = await startMetricsServer({ port: options.port ?? 9465, registry });
  const print = options.print ?? console.log;
  const timer = setInterval(() => {
    tick();
    try {
      makeBadCalls();
    } catch (error) {
      // Only strict mode throws: this is what a test running with SERVERMETRICS_STRICT=1 would see.
      if (!MetricUsageError.isInstance(error)) throw error;
      print(`[strict mode] MetricUsageError: ${error.message}`);
    }
  }, options.tickMs ?? 1000);
  timer.unref();
  return {
    metrics,
    registry,
    logger,
    server,
    tick,
    makeBadCalls,
    async close(): Promise<void> {
      clearInterval(timer);
      await server.close();
    },
  };
}
