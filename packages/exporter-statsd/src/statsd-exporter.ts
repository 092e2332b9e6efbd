import {
  type BoundCounter,
  type BoundHistogram,
  gatherFamilies,
  RateLimitedLogger,
  refreshProducers,
} from '@servermetrics/core';
import type { StatsD } from 'hot-shots';
import {
  closeClient,
  createHotShotsClient,
  destroyTransport,
  sendPackets,
} from './client/hot-shots-client.js';
import { UnansweredPacket } from './client/unanswered-packet.js';
import { commitLines, failLines, finishPlan } from './flush/flush-plan.js';
import { FlushPlanner } from './flush/flush-planner.js';
import { type InDoubtPacket, InDoubtPackets } from './flush/in-doubt-packets.js';
import { packLines } from './flush/packets.js';
import { type ResolvedExporterOptions, resolveExporterOptions } from './resolve-exporter-options.js';
import type { StatsdExporterMetrics } from './self-metrics/statsd-exporter-metrics.js';
import type { FlushResult, StatsdExporterOptions } from './statsd-exporter-options.js';

/** At most this many errors are returned in a FlushResult. */
const MAX_REPORTED_ERRORS = 10;
/**
 * After destroying a client's transport, how long its packets in doubt may take to be answered
 * (Node answers pending TCP writes within a tick or two of the destroy); later, they count as
 * not sent, since a destroyed transport sends nothing more.
 */
const ANSWERS_AFTER_DESTROY_MS = 1000;

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
 * since this exporter's last successful send, gauges as their value, histograms as count, sum
 * and cumulative bucket deltas. Lines are batched into packets of at most `maxPacketBytes`.
 *
 * Faults never throw out of the exporter: a packet that fails (server down, DNS failure, a send
 * error from hot-shots) is logged at most once a minute per kind, and its counter deltas are
 * kept for the next flush, so nothing is lost or counted twice. A packet the client does not
 * answer for within `sendTimeoutMs` is in doubt: its series are held (not sent again) until the
 * client's late answer settles it, or until the exporter closes the client it created (on
 * `stop()`, or to replace it after a failed send): it then destroys the transport first, so
 * nothing more can leave, and goes by the answers Node gives on destroying (see closeOwnClient).
 * The exporter's memory is its per-series state, which is dropped with the series (evicted or
 * removed series are forgotten), plus the packets in doubt. The timer never keeps the process
 * alive.
 *
 * Construction only checks options (throwing core's InvalidOptionError); no socket is opened
 * before the first flush.
 */
export class StatsdExporter {
  private readonly options: ResolvedExporterOptions;
  private readonly planner: FlushPlanner;
  private readonly reporter: RateLimitedLogger;
  private readonly recorders: SelfRecorders;
  private readonly inDoubt = new InDoubtPackets();
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
    const finalFlush =
      this.timer !== undefined || this.client !== undefined || this.unsent || this.inDoubt.size > 0;
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
    // Also waits for clients discarded by earlier flushes, so their packets in doubt are settled.
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
    let linesInDoubt = 0;
    let packetsInDoubt = 0;
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
        if (error instanceof UnansweredPacket) {
          packetsInDoubt++;
          linesInDoubt += packet.lineCount;
          const entry = this.inDoubt.hold(packet, client, now);
          error.onAnswer((lateError) => this.settleInDoubt(entry, lateError));
          return;
        }
        if (error === undefined) {
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
      if (packetsInDoubt > 0) {
        const timeout = new Error(
          `no answer from the StatsD client within ${this.options.sendTimeoutMs} ms (sendTimeoutMs) for ${packetsInDoubt} packets`,
        );
        if (errors.length < MAX_REPORTED_ERRORS) errors.push(timeout);
        this.reporter.log(
          'warn',
          'in-doubt',
          `${this.describe()}: ${timeout.message}; they may have gone out, so their series are held, not sent again, ` +
            'until the client answers for them, or until the exporter closes a client it created.',
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
      linesInDoubt,
      packetsInDoubt,
      linesDropped,
      errors,
    };
  }

  /** Settles a packet in doubt by the client's late answer, and counts it in the self-metrics. */
  private settleInDoubt(entry: InDoubtPacket, error: Error | undefined): void {
    if (!this.inDoubt.settle(entry, error)) return;
    const recorders = this.recorders;
    if (error !== undefined) {
      this.unsent = true;
      recorders.sendErrors.inc();
      return;
    }
    recorders.packetsSent.inc();
    recorders.linesSent.inc(entry.packet.lineCount);
    recorders.bytesSent.inc(entry.packet.bytes);
  }

  private recordDropped(nonFinite: number, oversize: number): void {
    if (nonFinite > 0) this.recorders.droppedNonFinite.inc(nonFinite);
    if (oversize > 0) this.recorders.droppedOversize.inc(oversize);
  }

  /**
   * After a failed send, drops the client this exporter created so the next flush builds a new
   * one: hot-shots never reconnects a TCP socket the server closed, and a fresh UDP socket costs
   * little. (A packet in doubt alone does not: its answer comes through this client.) The old
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
    const closing: Promise<void> = this.closeOwnClient(client, timeoutMs).finally(() => {
      this.closings.delete(closing);
    });
    this.closings.add(closing);
  }

  /**
   * Closes a client this exporter created, within `timeoutMs`. Without packets in doubt it is
   * hot-shots' ordinary close. With packets in doubt, the rule is: destroy the transport first,
   * so no byte of them can leave later; then take the answers Node gives on destroying, and
   * count a packet still unanswered a second later as not sent (a destroyed socket sends
   * nothing). Node answers "sent" for every packet of the write it had under way (on a TCP
   * connection whose server stopped reading, that is all the packets queued after the first
   * stall, although the kernel took only part of them) and an error for the packets it had not
   * started. So nothing is ever counted twice; what a stalled TCP connection held when it was
   * destroyed is lost.
   */
  private async closeOwnClient(client: StatsD, timeoutMs: number): Promise<void> {
    const held = this.inDoubt.sentThrough(client);
    if (held.length === 0) {
      const error = await closeClient(client, timeoutMs);
      if (error !== undefined)
        this.reporter.log('warn', 'close', `${this.describe()}: closing the client failed: ${error.message}`);
      return;
    }
    destroyTransport(client);
    await this.inDoubt.whenSettled(held, Math.min(timeoutMs, ANSWERS_AFTER_DESTROY_MS));
    const closed = new Error('the client was closed before it answered for this packet');
    for (const entry of held) this.settleInDoubt(entry, closed);
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
