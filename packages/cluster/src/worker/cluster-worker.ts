import { isMainThread, threadId } from 'node:worker_threads';
import {
  consoleLogger,
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
import { defaultWorkerChannel, type WorkerChannel } from '../channel/worker-channel.js';
import { isClusterMessage, PROTOCOL_VERSION } from '../protocol/cluster-message.js';
import { DeltaTracker } from './delta-tracker.js';

/** Default of ClusterWorkerOptions.intervalMs. */
export const DEFAULT_WORKER_INTERVAL_MS = 1000;
/** Default of ClusterWorkerOptions.refreshTimeoutMs. */
export const DEFAULT_WORKER_REFRESH_TIMEOUT_MS = 300;

/** Options of ClusterWorker. Every option is optional. */
export interface ClusterWorkerOptions {
  /** The registry or registries (any MetricProducer) whose metrics this worker contributes. @default defaultRegistry */
  registry?: MetricProducer | readonly MetricProducer[];
  /**
   * How often changes are sent without being asked, in milliseconds. Bounds what a worker that
   * is killed (SIGKILL) can lose, and how old its contribution is when it stops answering. `0`
   * turns periodic sends off (only requests and `flush()` send).
   * @default 1000
   */
  intervalMs?: number;
  /**
   * Longest wait for the registries' collect hooks (gauges with `collect`, runtime metrics) when
   * the aggregator asks; keep it below the aggregator's `refreshTimeoutMs`. Periodic sends run no
   * hooks.
   * @default 300
   */
  refreshTimeoutMs?: number;
  /**
   * This worker's name: the `worker` label value in per-worker series. @default
   * `NODE_APP_INSTANCE` (PM2's instance number), else the `node:cluster` worker id, else the
   * thread id of a worker thread, else the process id
   */
  name?: string;
  /** How to reach the aggregator. @default a worker thread's channel, else this process's IPC channel */
  channel?: WorkerChannel;
  /** Where send failures and bad requests are reported (rate-limited). @default console */
  logger?: Logger;
}

/** Returns the default worker name (see ClusterWorkerOptions.name). */
export function defaultWorkerName(): string {
  const pm2Instance = process.env.NODE_APP_INSTANCE;
  if (pm2Instance !== undefined && pm2Instance !== '') return pm2Instance;
  if (!isMainThread) return String(threadId);
  const clusterId = process.env.NODE_UNIQUE_ID;
  if (clusterId !== undefined && clusterId !== '') return clusterId;
  return String(process.pid);
}

/**
 * ClusterWorker sends a worker's metrics to the aggregator (a ClusterAggregator in the primary
 * process or the main thread) as deltas: counter and histogram increases and current gauge
 * values since the last send, every `intervalMs` and whenever the aggregator asks (a scrape or
 * a StatsD flush is waiting). The worker's own registries are untouched: they keep counting, and
 * its `/metrics` (if any) still shows the worker's own values.
 *
 * In a process with no channel (not a cluster worker or worker thread: `node app.js`), `start()`
 * does nothing and `connected` is false, so the same code runs with and without a cluster.
 *
 * Never keeps the process alive (the timer and channel listener are unref'd). Cost per send: one
 * pass over the registries' series; unchanged series cost one comparison and are not sent.
 */
export class ClusterWorker {
  /** The worker name sent with every update. */
  readonly name: string;
  private readonly producers: readonly MetricProducer[];
  private readonly intervalMs: number;
  private readonly refreshTimeoutMs: number;
  /** The channel option until `start()`; then the channel in use (the default one looked up then). */
  private channel: WorkerChannel | undefined;
  private readonly logger: Logger;
  private readonly reporter: RateLimitedLogger;
  private readonly tracker: DeltaTracker;
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopListening: (() => void) | undefined;
  private sendsCount = 0;

  /** Throws InvalidOptionError on an invalid option. Starts nothing: call `start()`. */
  constructor(options: ClusterWorkerOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError(
        'options',
        `new ClusterWorker(options) takes an options object, got ${describeValue(options)}.`,
      );
    }
    this.producers = toProducerList(options.registry ?? defaultRegistry, 'registry');
    this.intervalMs = readDuration(options.intervalMs, 'intervalMs', DEFAULT_WORKER_INTERVAL_MS, true);
    this.refreshTimeoutMs = readDuration(
      options.refreshTimeoutMs,
      'refreshTimeoutMs',
      DEFAULT_WORKER_REFRESH_TIMEOUT_MS,
      false,
    );
    if (
      options.name !== undefined &&
      (typeof options.name !== 'string' || options.name === '' || options.name.length > 200)
    ) {
      throw new InvalidOptionError(
        'name',
        `name must be a non-empty string of at most 200 characters, got ${describeValue(options.name)}.`,
      );
    }
    if (
      options.channel !== undefined &&
      (typeof options.channel !== 'object' ||
        options.channel === null ||
        typeof options.channel.send !== 'function' ||
        typeof options.channel.onMessage !== 'function')
    ) {
      throw new InvalidOptionError(
        'channel',
        `channel must be an object with send(message) and onMessage(listener) methods, got ${describeValue(options.channel)}.`,
      );
    }
    this.name = options.name ?? defaultWorkerName();
    this.channel = options.channel;
    this.logger = options.logger ?? consoleLogger;
    this.reporter = new RateLimitedLogger(() => this.logger);
    this.tracker = new DeltaTracker(this.name);
  }

  /** True when started with a channel to an aggregator. */
  get connected(): boolean {
    return this.stopListening !== undefined;
  }

  /** Updates sent so far. */
  get sends(): number {
    return this.sendsCount;
  }

  /**
   * Connects to the aggregator (the default channel is looked up now), sends everything once
   * and starts the periodic sends. Idempotent. Returns this.
   */
  start(): this {
    if (this.stopListening !== undefined) return this;
    this.channel ??= defaultWorkerChannel();
    const channel = this.channel;
    if (channel === undefined) return this;
    this.stopListening = channel.onMessage((message) => this.onMessage(message));
    this.flush();
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => this.flush(), this.intervalMs);
      this.timer.unref?.();
    }
    return this;
  }

  /**
   * Sends what changed since the last send, now, without running collect hooks. Returns true
   * when an update was handed to the channel (or nothing had changed), false when the channel
   * refused it (the changes are sent again next time). Never throws.
   */
  flush(): boolean {
    return this.send(undefined);
  }

  /** Sends the last changes, stops the periodic sends and stops listening. Idempotent. */
  stop(): void {
    if (this.stopListening === undefined) return;
    this.flush();
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopListening();
    this.stopListening = undefined;
  }

  private onMessage(message: unknown): void {
    if (!isClusterMessage(message)) return;
    const request = message as { kind: unknown; version: unknown; requestId?: unknown };
    if (request.kind !== 'request') return;
    if (request.version !== PROTOCOL_VERSION || !Number.isSafeInteger(request.requestId)) {
      this.reporter.log(
        'warn',
        'bad-request',
        `ClusterWorker ignored a request it cannot read (protocol version ${String(request.version)}; this worker speaks ${PROTOCOL_VERSION}): are the primary and the workers running the same @servermetrics/cluster?`,
      );
      return;
    }
    const requestId = request.requestId as number;
    void refreshProducers(this.producers, { timeoutMs: this.refreshTimeoutMs, logger: this.logger }).then(
      () => this.send(requestId),
      () => this.send(requestId),
    );
  }

  private send(requestId: number | undefined): boolean {
    const channel = this.channel;
    if (channel === undefined || (this.stopListening === undefined && requestId !== undefined)) return false;
    let pending: ReturnType<DeltaTracker['build']>;
    try {
      pending = this.tracker.build(
        gatherFamilies(this.producers, { logger: this.logger }),
        requestId,
        requestId !== undefined || this.sendsCount === 0,
      );
    } catch (error) {
      this.reporter.log(
        'error',
        'collect',
        () => `ClusterWorker could not collect its metrics: ${String(error)}`,
      );
      return false;
    }
    if (pending === undefined) return true;
    if (!channel.send(pending.message)) {
      this.reporter.log(
        'warn',
        'send',
        'ClusterWorker could not reach the aggregator (channel closed); the changes are kept for the next send.',
      );
      return false;
    }
    pending.commit();
    this.sendsCount++;
    return true;
  }
}

/** Creates a ClusterWorker with `options` and starts it. */
export function startClusterWorker(options: ClusterWorkerOptions = {}): ClusterWorker {
  return new ClusterWorker(options).start();
}

/** Reads a duration option: a finite number >= 0 (>= 1 when zero is not allowed). */
export function readDuration(value: unknown, option: string, fallback: number, zeroAllowed: boolean): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < (zeroAllowed ? 0 : 1) ||
    value > 2_147_483_647
  ) {
    throw new InvalidOptionError(
      option,
      `${option} must be a number of milliseconds ${zeroAllowed ? '>= 0' : '>= 1'} (at most 2147483647), got ${describeValue(value)}.`,
    );
  }
  return value;
}
