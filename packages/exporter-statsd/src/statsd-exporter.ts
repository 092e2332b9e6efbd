import {
  type BoundCounter,
  type BoundHistogram,
  gatherFamilies,
  RateLimitedLogger,
  refreshProducers,
} from '@servermetrics/core';
import type { StatsD } from 'hot-shots';
import { commitLines, failLines, finishPlan } from './flush/flush-plan.js';
import { FlushPlanner } from './flush/flush-planner.js';
import { packLines } from './flush/packets.js';
import { type ResolvedExporterOptions, resolveExporterOptions } from './resolve-exporter-options.js';
import type { StatsdExporterMetrics } from './self-metrics/statsd-exporter-metrics.js';
import type { FlushResult, StatsdExporterOptions } from './statsd-exporter-options.js';
import { closeClient, createHotShotsClient, sendPackets } from './transport.js';

/** At most this many errors are returned in a FlushResult. */
const MAX_REPORTED_ERRORS = 10;

interface SelfRecorders {
  readonly flushes: BoundCounter;
  readonly packetsSent: BoundCounter;
  readonly linesSent: BoundCounter;
  readonly bytesSent: BoundCounter;
  readonly sendErrors: BoundCounter;
  readonly droppedNonFinite: BoundCounter;
  readonly droppedOversize: BoundCounter;
  readonly duration: BoundHistogram;
}

/**
 * StatsdExporter pushes registries (or any MetricProducer) to a StatsD server, a Datadog Agent
 * (DogStatsD) or Telegraf, every `intervalMs` once started, over hot-shots.
 *
 * Each flush refreshes the producers (a registry's collect hooks) with core's
 * `refreshProducers`, gathers them with core's `gatherFamilies`, then sends the series that changed since this
 * exporter last sent them (plus idle series older than `sendOlderThanMs`): counters as the delta
 * since this exporter's last successful send, gauges as their value, histograms as DogStatsD
 * distributions (datadog dialect, `histogramsAs: 'distribution'`) or count, sum and cumulative
 * bucket deltas. Lines are batched into packets of at most `maxPacketBytes`.
 *
 * Faults never throw out of the exporter: a packet that fails (server down, DNS failure, a send
 * error from hot-shots) is logged at most once a minute per kind, and its counter deltas are
 * kept for the next flush, so nothing is lost or counted twice. A packet the client does not
 * answer for within `sendTimeoutMs` (over UDP or a Unix socket the answer comes at once; over
 * TCP a stalled connection can hold it) counts as sent: at most once, never twice. The
 * exporter's memory is its per-series state, which is dropped with the series (evicted or
 * removed series are forgotten). The timer never keeps the process alive.
 *
 * Construction only checks options (throwing core's InvalidOptionError); no socket is opened
 * before the first flush.
 */
export class StatsdExporter {
  private readonly options: ResolvedExporterOptions;
  private readonly planner: FlushPlanner;
  private readonly reporter: RateLimitedLogger;
  private readonly recorders: SelfRecorders;
  /** Closings of discarded clients still running in the background (stop() waits for them). */
  private readonly closings = new Set<Promise<void>>();
  private client: StatsD | undefined;
  /** True when the last flush (or a late answer since) left counter deltas unsent. */
  private unsent = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private pendingFlushes = 0;
  private stopping: Promise<void> | undefined;

  constructor(options: StatsdExporterOptions = {}) {
    const resolved = resolveExporterOptions(options);
    this.options = resolved;
    this.reporter = new RateLimitedLogger(() => resolved.logger, { now: resolved.now });
    this.planner = new FlushPlanner({
      format: resolved.format,
      prefix: resolved.prefix,
      globalTags: resolved.globalTags,
      histogramsAs: resolved.histogramsAs,
      sendOlderThanMs: resolved.sendOlderThanMs,
      onNonFinite: (metricName, value) =>
        this.reporter.log(
          'warn',
          `non-finite:${metricName}`,
          `${this.describe()} skipped the value ${value} of "${metricName}": StatsD cannot carry non-finite numbers.`,
        ),
    });
    const metrics = resolved.selfMetrics;
    const exporter = resolved.name;
    this.recorders = {
      flushes: metrics.statsd_exporter_flushes_total.with({ exporter }),
      packetsSent: metrics.statsd_exporter_packets_sent_total.with({ exporter }),
      linesSent: metrics.statsd_exporter_lines_sent_total.with({ exporter }),
      bytesSent: metrics.statsd_exporter_bytes_sent_total.with({ exporter }),
      sendErrors: metrics.statsd_exporter_send_errors_total.with({ exporter }),
      droppedNonFinite: metrics.statsd_exporter_dropped_lines_total.with({ exporter, reason: 'non_finite' }),
      droppedOversize: metrics.statsd_exporter_dropped_lines_total.with({ exporter, reason: 'oversize' }),
      duration: metrics.statsd_exporter_flush_duration_seconds.with({ exporter }),
    };
  }

  /** Where this exporter counts its packets, lines, errors and flush durations (register it to export them). */
  get selfMetrics(): StatsdExporterMetrics {
    return this.options.selfMetrics;
  }

  /** True between `start()` and `stop()`. */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /**
   * Starts flushing every `intervalMs` (the first flush comes one interval after the call). A tick
   * that finds a flush still running is skipped. Calling it while running does nothing; after
   * `stop()` it starts again.
   */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.pendingFlushes === 0) void this.flush();
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /**
   * Sends what is due now and resolves with what was sent. Flushes never overlap: a call while
   * one runs waits for it. Never rejects; failures are in the result and in the log. Opens the
   * client on first use (also after `stop()`, which closes it: call `stop()` again when done).
   */
  flush(): Promise<FlushResult> {
    this.pendingFlushes++;
    const result = this.queue.then(() => this.flushNow());
    this.queue = result;
    return result.finally(() => {
      this.pendingFlushes--;
    });
  }

  /**
   * Stops the timer; flushes one last time if the exporter was running, has a client open (it
   * flushed since the last `stop()`) or has deltas left unsent; then closes the client the
   * exporter created (never one passed as `client`). Takes at most `stopTimeoutMs`: a final
   * flush or a close that takes longer is abandoned (logged), and the unsent deltas stay
   * pending. Calling it again is harmless; on an exporter that never flushed it does nothing
   * (no flush, no socket). Never rejects.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private async stopNow(): Promise<void> {
    const finalFlush = this.timer !== undefined || this.client !== undefined || this.unsent;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const deadline = performance.now() + this.options.stopTimeoutMs;
    if (finalFlush && !(await settlesWithin(this.flush(), this.options.stopTimeoutMs))) {
      this.reporter.log(
        'warn',
        'stop',
        `${this.describe()}: the final flush did not finish within stopTimeoutMs (${this.options.stopTimeoutMs} ms).`,
      );
    }
    const client = this.client;
    this.client = undefined;
    if (client !== undefined && client !== this.options.client) {
      this.closeInBackground(client, Math.max(1, deadline - performance.now()));
    }
    // Also waits for clients discarded by earlier flushes.
    if (this.closings.size > 0) {
      await settlesWithin(Promise.all(this.closings), Math.max(1, deadline - performance.now()));
    }
  }

  private async flushNow(): Promise<FlushResult> {
    const started = performance.now();
    const errors: Error[] = [];
    let linesSent = 0;
    let packetsSent = 0;
    let bytesSent = 0;
    let linesFailed = 0;
    let packetsFailed = 0;
    let packetsUnanswered = 0;
    let linesDropped = 0;
    let failed = false;
    try {
      // Taken before any await, so a stop() that closes it meanwhile fails these sends (their
      // deltas stay pending) instead of this flush opening a client nobody closes.
      const client = this.openClient();
      const { producers, logger } = this.options;
      await refreshProducers(producers, { timeoutMs: this.options.refreshTimeoutMs, logger });
      const now = this.options.now();
      const plan = this.planner.plan(gatherFamilies(producers, { logger }), now);
      const { packets, oversize } = packLines(plan.lines, this.options.maxPacketBytes);
      for (const line of oversize) {
        linesDropped += line.lineCount;
        this.reporter.log(
          'warn',
          'oversize',
          `${this.describe()} dropped a ${line.bytes}-byte line longer than maxPacketBytes (${this.options.maxPacketBytes}): ` +
            `${line.text.slice(0, 100)}... Raise maxPacketBytes or shorten names and labels.`,
        );
      }
      failLines(oversize);
      const outcomes = await sendPackets(
        client,
        packets.map((packet) => packet.text),
        this.options.sendTimeoutMs,
      );
      outcomes.forEach((error, index) => {
        const packet = packets[index]!;
        if (error === 'unanswered') packetsUnanswered++;
        if (error === undefined || error === 'unanswered') {
          commitLines(packet.lines);
          packetsSent++;
          linesSent += packet.lineCount;
          bytesSent += packet.bytes;
          return;
        }
        failLines(packet.lines);
        packetsFailed++;
        linesFailed += packet.lineCount;
        if (errors.length < MAX_REPORTED_ERRORS) errors.push(error);
      });
      finishPlan(plan, now);
      linesDropped += plan.nonFinite;
      this.recordDropped(plan.nonFinite, linesDropped - plan.nonFinite);
      if (packetsUnanswered > 0) {
        this.reporter.log(
          'warn',
          'unanswered',
          `${this.describe()}: no answer from the StatsD client within ${this.options.sendTimeoutMs} ms (sendTimeoutMs) ` +
            `for ${packetsUnanswered} packets; they count as sent (at most once), so if they were lost their deltas are too.`,
        );
      }
      if (packetsFailed > 0) this.discardClient(client);
      if (packetsFailed > 0) {
        this.reporter.log(
          'error',
          'send',
          `${this.describe()}: ${packetsFailed} of ${packets.length} packets failed (${errors[0]!.message}); ` +
            'their counter deltas are kept for the next flush.',
        );
      }
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      failed = true;
      errors.push(failure);
      this.reporter.log('error', 'flush', `${this.describe()}: flush failed: ${failure.message}`);
    }
    this.unsent = failed || packetsFailed > 0;
    const recorders = this.recorders;
    recorders.flushes.inc();
    if (packetsSent > 0) recorders.packetsSent.inc(packetsSent);
    if (linesSent > 0) recorders.linesSent.inc(linesSent);
    if (bytesSent > 0) recorders.bytesSent.inc(bytesSent);
    if (packetsFailed > 0) recorders.sendErrors.inc(packetsFailed);
    recorders.duration.observe((performance.now() - started) / 1000);
    return {
      linesSent,
      packetsSent,
      bytesSent,
      linesFailed,
      packetsFailed,
      packetsUnanswered,
      linesDropped,
      errors,
    };
  }

  private recordDropped(nonFinite: number, oversize: number): void {
    if (nonFinite > 0) this.recorders.droppedNonFinite.inc(nonFinite);
    if (oversize > 0) this.recorders.droppedOversize.inc(oversize);
  }

  /**
   * After a failed send, drops the client this exporter created so the next flush builds a new
   * one: hot-shots never reconnects a TCP socket the server closed, and a fresh UDP socket costs
   * little. The old
   * client is closed in the background, within `stopTimeoutMs`. A client passed as `client` is
   * kept: its owner manages it.
   */
  private discardClient(client: StatsD): void {
    if (client === this.options.client || client !== this.client) return;
    this.client = undefined;
    this.closeInBackground(client, this.options.stopTimeoutMs);
  }

  /** Starts closing a client this exporter created; `stop()` waits for the closings under way. */
  private closeInBackground(client: StatsD, timeoutMs: number): void {
    const closing: Promise<void> = closeClient(client, timeoutMs).then((error) => {
      this.closings.delete(closing);
      if (error !== undefined)
        this.reporter.log('warn', 'close', `${this.describe()}: closing the client failed: ${error.message}`);
    });
    this.closings.add(closing);
  }

  /** The client to send through: the one passed as `client`, or one this exporter creates when it has none. */
  private openClient(): StatsD {
    this.client ??=
      this.options.client ??
      createHotShotsClient({
        host: this.options.host,
        port: this.options.port,
        protocol: this.options.protocol,
        telegraf: this.options.dialect === 'telegraf',
        onError: (error) =>
          this.reporter.log('error', 'client', `${this.describe()}: StatsD client error: ${error.message}`),
      });
    return this.client;
  }

  private describe(): string {
    const options = this.options;
    return `StatsD exporter "${options.name}" (${options.protocol}://${options.host}:${options.port})`;
  }
}

/** Resolves true when `promise` settles within `timeoutMs`, false otherwise (the timer is unref'd). */
function settlesWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}
