import type { StatsD } from 'hot-shots';
import { commitLines, failLines, finishSeries, type PlannedSeries } from './flush-plan.js';
import type { Packet } from './packets.js';

/** A packet the client did not answer for within `sendTimeoutMs`. */
export interface InDoubtPacket {
  readonly packet: Packet;
  /** The client it was sent through. */
  readonly client: StatsD;
  /** Clock time of the flush that planned it (recorded as the send time when it is settled as sent). */
  readonly plannedAt: number;
}

/**
 * InDoubtPackets holds the packets that may or may not have gone out: the client gave no answer
 * within `sendTimeoutMs`. Re-sending their counter deltas could count them twice, and dropping
 * them could lose them, so their series are held instead: the planner skips a series while it
 * has a packet in doubt (its deltas keep growing in the registry), until the packet is settled by
 * the client's late answer: sent (the values are recorded as sent) or failed (the series is sent
 * again by the next flush).
 *
 * Cost: one entry per packet in doubt, and a counter on each of its series; nothing while every
 * packet is answered in time.
 */
export class InDoubtPackets {
  private readonly held = new Set<InDoubtPacket>();
  private readonly waiters = new Set<() => void>();

  /** Number of packets in doubt. */
  get size(): number {
    return this.held.size;
  }

  /** Holds `packet`, sent through `client` by the flush planned at `plannedAt`, and its series. */
  hold(packet: Packet, client: StatsD, plannedAt: number): InDoubtPacket {
    const entry: InDoubtPacket = { packet, client, plannedAt };
    this.held.add(entry);
    for (const series of seriesOf(packet)) {
      series.pendingPackets++;
      series.state.inDoubtPackets++;
    }
    return entry;
  }

  /**
   * Settles a held packet: `error` undefined means it was sent (its values are recorded), an
   * error means it was not (its series will be sent again). Returns false, doing nothing, when
   * the packet was already settled.
   */
  settle(entry: InDoubtPacket, error: Error | undefined): boolean {
    if (!this.held.delete(entry)) return false;
    if (error === undefined) commitLines(entry.packet.lines);
    else failLines(entry.packet.lines);
    for (const series of seriesOf(entry.packet)) {
      series.state.inDoubtPackets--;
      series.pendingPackets--;
      if (series.pendingPackets === 0) finishSeries(series, entry.plannedAt);
    }
    for (const waiter of [...this.waiters]) waiter();
    return true;
  }

  /** The packets in doubt that were sent through `client`. */
  sentThrough(client: StatsD): InDoubtPacket[] {
    return [...this.held].filter((entry) => entry.client === client);
  }

  /** Resolves once every one of `entries` is settled, or after `timeoutMs` (the timer is unref'd). */
  whenSettled(entries: readonly InDoubtPacket[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (entries.every((entry) => !this.held.has(entry))) done();
      };
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.waiters.add(check);
      check();
    });
  }
}

/** The distinct series with lines in `packet`. */
function seriesOf(packet: Packet): Set<PlannedSeries> {
  const series = new Set<PlannedSeries>();
  for (const line of packet.lines) series.add(line.series);
  return series;
}
