import { gatherFamilies, RateLimitedLogger, refreshProducers } from '@servermetrics/core';
import { commitLines, failLines, finishPlan } from './flush/flush-plan.js';
import { FlushPlanner } from './flush/flush-planner.js';
import { type Packet, packLines } from './flush/packets.js';
import { type ResolvedExporterOptions, resolveExporterOptions } from './resolve-exporter-options.js';
import {
  type FlushRecorder,
  flushRecorder,
  type StatsdExporterMetrics,
} from './self-metrics/statsd-exporter-metrics.js';
import type { FlushResult, StatsdExporterOptions } from './statsd-exporter-options.js';
import { type PacketOutcome, Transport } from './transport.js';
import { toError, withTimeout } from './with-timeout.js';

/** At most this many errors are returned in a FlushResult. */
const MAX_REPORTED_ERRORS = 10;

type MutableFlushResult = { -readonly [Key in keyof FlushResult]: FlushResult[Key] } & { errors: Error[] };

/**
 * StatsdExporter pushes registries (or any MetricProducer) to a StatsD server, a Datadog Agent
 * (DogStatsD, over UDP or its Unix socket) or Telegraf, every `intervalMs` once started.
 *
 * A flush refreshes and gathers the producers (core's `refreshProducers` and `gatherFamilies`)
 * and sends the series that changed since this exporter last sent them, plus idle ones older
 * than `sendOlderThanMs`: counters as deltas since this exporter's last successful send, gauges
 * as values, histograms as distributions or bucket deltas (`histogramsAs`), in packets of at most
 * `maxPacketBytes`, through a client opened for the flush and closed after it.
 *
 * Faults never throw out of it: a failed packet is logged (at most once a minute per kind) and
 * its deltas are kept, so nothing is lost or counted twice; a packet unanswered within
 * `sendTimeoutMs` (a stalled TCP connection) counts as sent, at most once. Its memory is its
 * per-series state, dropped with the series; its timer never keeps the process alive.
 * Construction only checks options (throwing core's InvalidOptionError).
 */
export class StatsdExporter {
  private readonly options: ResolvedExporterOptions;
  private readonly planner: FlushPlanner;
  private readonly reporter: RateLimitedLogger;
  private readonly recordFlush: FlushRecorder;
  private readonly transport: Transport;
  /** True when a flush ran since the last stop() or left deltas unsent: stop() then flushes. */
  private owesFinalFlush = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private pendingFlushes = 0;
  private stopping: Promise<void> | undefined;

  constructor(options: StatsdExporterOptions = {}) {
    const resolved = resolveExporterOptions(options);
    this.options = resolved;
    this.reporter = new RateLimitedLogger(() => resolved.logger, { now: resolved.now });
    this.recordFlush = flushRecorder(resolved.selfMetrics, resolved.name);
    this.transport = new Transport({
      ...resolved,
      closeTimeoutMs: resolved.stopTimeoutMs,
      onError: (error) =>
        this.reporter.log('error', 'client', `${this.describe()}: StatsD client error: ${error.message}`),
      onCloseError: (error) => this.warn('close', `closing the client failed: ${error.message}`),
    });
    this.planner = new FlushPlanner({
      ...resolved,
      onNonFinite: (metricName, value) =>
        this.warn(
          `non-finite:${metricName}`,
          () => `skipped the value ${value} of "${metricName}": StatsD cannot carry non-finite numbers.`,
        ),
    });
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
   * one runs waits for it. Never rejects; failures are in the result and in the log.
   */
  flush(): Promise<FlushResult> {
    this.pendingFlushes++;
    // A flush that throws anyway (a `now` or a logger that throws) still resolves, so the queue
    // never holds a rejection that would fail every later flush.
    const result = this.queue.then(() => this.flushNow()).catch(failedFlush);
    this.queue = result;
    return result.finally(() => {
      this.pendingFlushes--;
    });
  }

  /**
   * Stops the timer and flushes one last time if the exporter was running, has a flush under
   * way, flushed since the last `stop()` or has deltas left unsent, then waits for the sockets
   * to close. Takes at most `stopTimeoutMs`: it stops waiting for a final flush that takes longer
   * (logged), which then finishes in the background, what it could not send staying pending.
   * Calling it again is harmless; on an exporter that never flushed it does nothing (no flush,
   * no socket). Never rejects.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private async stopNow(): Promise<void> {
    const { stopTimeoutMs } = this.options;
    const finalFlush = this.timer !== undefined || this.owesFinalFlush || this.pendingFlushes > 0;
    clearInterval(this.timer);
    this.timer = undefined;
    const deadline = performance.now() + stopTimeoutMs;
    if (finalFlush) {
      const result = await withTimeout<FlushResult | undefined>(stopTimeoutMs, undefined, (finish) => {
        void this.flush().then(finish);
      });
      if (result === undefined) {
        this.warn('stop', `the final flush did not finish within stopTimeoutMs (${stopTimeoutMs} ms).`);
      }
      this.owesFinalFlush = result === undefined || result.errors.length > 0;
    }
    const unclosed = await this.transport.settle(Math.max(1, deadline - performance.now()));
    if (unclosed > 0) {
      this.warn(
        'close',
        `${unclosed} StatsD clients did not close within stopTimeoutMs (${stopTimeoutMs} ms).`,
      );
    }
  }

  private async flushNow(): Promise<FlushResult> {
    const started = performance.now();
    const result = emptyResult();
    let nonFinite = 0;
    try {
      const { producers, logger, maxPacketBytes } = this.options;
      await refreshProducers(producers, { timeoutMs: this.options.refreshTimeoutMs, logger });
      const now = this.options.now();
      const plan = this.planner.plan(gatherFamilies(producers, { logger }), now);
      const { packets, oversize } = packLines(plan.lines, maxPacketBytes);
      for (const line of oversize) {
        result.linesDropped += line.lineCount;
        this.warn(
          'oversize',
          `dropped a ${line.bytes}-byte line longer than maxPacketBytes (${maxPacketBytes}): ` +
            `${line.text.slice(0, 100)}... Raise maxPacketBytes or shorten names and labels.`,
        );
      }
      failLines(oversize);
      if (packets.length > 0) {
        const outcomes = await this.transport.send(packets.map((packet) => packet.text));
        outcomes.forEach((outcome, index) => {
          this.account(result, packets[index]!, outcome);
        });
        this.reportSendProblems(result, packets.length);
      }
      finishPlan(plan, now);
      nonFinite = plan.nonFinite;
      result.linesDropped += nonFinite;
    } catch (error) {
      const failure = toError(error);
      result.errors.push(failure);
      this.reporter.log('error', 'flush', `${this.describe()}: flush failed: ${failure.message}`);
    }
    this.owesFinalFlush = true;
    this.recordFlush(result, nonFinite, (performance.now() - started) / 1000);
    return result;
  }

  /** Adds one packet's outcome to `result`: sent (or unanswered) lines are committed, failed ones kept. */
  private account(result: MutableFlushResult, packet: Packet, outcome: PacketOutcome): void {
    if (outcome instanceof Error) {
      failLines(packet.lines);
      result.packetsFailed++;
      result.linesFailed += packet.lineCount;
      if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push(outcome);
      return;
    }
    if (outcome === 'unanswered') result.packetsUnanswered++;
    commitLines(packet.lines);
    result.packetsSent++;
    result.linesSent += packet.lineCount;
    result.bytesSent += packet.bytes;
  }

  private reportSendProblems(result: FlushResult, packets: number): void {
    if (result.packetsFailed > 0) {
      this.reporter.log(
        'error',
        'send',
        `${this.describe()}: ${result.packetsFailed} of ${packets} packets failed (${result.errors[0]!.message}); ` +
          'their counter deltas are kept for the next flush.',
      );
    }
    if (result.packetsUnanswered > 0) {
      this.warn(
        'unanswered',
        `no answer from the StatsD client within ${this.options.sendTimeoutMs} ms (sendTimeoutMs) for ${result.packetsUnanswered} ` +
          'packets; they count as sent (at most once), so if they were lost their deltas are too.',
      );
    }
  }

  /** Logs a warning, rate-limited per kind; a message given as a function is built only when logged. */
  private warn(kind: string, message: string | (() => string)): void {
    this.reporter.log(
      'warn',
      kind,
      () => `${this.describe()}: ${typeof message === 'string' ? message : message()}`,
    );
  }

  private describe(): string {
    return `StatsD exporter "${this.options.name}" (${this.options.address})`;
  }
}

/** A FlushResult of nothing sent yet. */
function emptyResult(): MutableFlushResult {
  return {
    linesSent: 0,
    packetsSent: 0,
    bytesSent: 0,
    linesFailed: 0,
    packetsFailed: 0,
    packetsUnanswered: 0,
    linesDropped: 0,
    errors: [],
  };
}

/** The result of a flush that threw outside its own error handling: nothing sent. */
function failedFlush(error: unknown): FlushResult {
  const result = emptyResult();
  result.errors.push(toError(error));
  return result;
}
