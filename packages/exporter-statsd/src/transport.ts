import dns from 'node:dns';
import { isIP } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { StatsD } from 'hot-shots';
import { toError, withTimeout } from './with-timeout.js';

/**
 * The transport: everything the exporter does with hot-shots is in this file. It sends whole
 * packets through `sendMessage`, hot-shots' raw send (one datagram per call over UDP or a Unix
 * socket, a `\n`-terminated write over TCP, one callback per call when buffering is off), which
 * hot-shots neither types nor documents. The documented API cannot do the job: `distribution(
 * name, value, sampleRate)` samples on the client (it drops the line unless `Math.random() <
 * sampleRate`), so it cannot carry the `|@rate` that tells the Agent how many observations a
 * value stands for; and with buffering on, no documented call tells which lines went out, so
 * failed sends could not keep their deltas. hot-shots is therefore pinned to one exact version
 * (package.json), and `transport.test.ts` fails if that version stops sending one verbatim
 * datagram per call with a per-call callback.
 */
interface RawClient {
  sendMessage(message: string, callback: (error?: Error | null) => void): void;
}

/** Where the exporter's own clients send. */
export type Target =
  | { readonly protocol: 'udp' | 'tcp'; readonly host: string; readonly port: number }
  | { readonly protocol: 'uds'; readonly path: string };

/** What became of one packet: undefined when sent, the error the client reported, or `'unanswered'`. */
export type PacketOutcome = Error | 'unanswered' | undefined;

/** Options of a Transport. */
export interface TransportOptions {
  readonly target: Target;
  /** Sends through this client instead of opening one per send (never closed here). */
  readonly client: StatsD | undefined;
  /** Longest wait for a host name's lookup and for the answer to a packet. */
  readonly sendTimeoutMs: number;
  /** Longest wait for a client to close. */
  readonly closeTimeoutMs: number;
  /** Receives errors hot-shots reports outside a send callback. */
  readonly onError: (error: Error) => void;
  /** Receives the error of a client whose close failed. */
  readonly onCloseError: (error: Error) => void;
}

/**
 * Transport sends the packets of each flush through a hot-shots client opened for them and
 * closed in the background after (or through the `client` given, left open), so no socket
 * outlives a flush: hot-shots' Unix-socket transport cannot be unref'd and would keep the
 * process alive, and a new socket reaches a restarted server without reconnect logic.
 */
export class Transport {
  private readonly closings = new Set<Promise<CloseOutcome>>();
  /** Closings `settle()` already counted as late, so they are not counted again. */
  private readonly counted = new WeakSet<Promise<CloseOutcome>>();
  private unclosed = 0;

  constructor(private readonly options: TransportOptions) {}

  /**
   * Sends `packets` and resolves with each one's outcome, in order. When no client can be
   * opened (a failed host lookup), every packet fails with that error. Never rejects.
   */
  async send(packets: readonly string[]): Promise<PacketOutcome[]> {
    const { target, client, sendTimeoutMs, closeTimeoutMs, onError, onCloseError } = this.options;
    if (client !== undefined) return sendPackets(client, packets, sendTimeoutMs);
    let opened: StatsD;
    try {
      opened = await openClient(target, onError, sendTimeoutMs);
    } catch (error) {
      return packets.map(() => toError(error));
    }
    const outcomes = await sendPackets(opened, packets, sendTimeoutMs);
    const closing = closeClient(opened, closeTimeoutMs).then((outcome) => {
      this.closings.delete(closing);
      if (outcome === 'unanswered' && !this.counted.has(closing)) this.unclosed++;
      if (outcome instanceof Error) onCloseError(outcome);
      return outcome;
    });
    this.closings.add(closing);
    return outcomes;
  }

  /**
   * Waits at most `timeoutMs` for the clients still closing, then returns how many clients did
   * not close in time since the last call: within `closeTimeoutMs`, or before this wait ended
   * (hot-shots 17 never calls back when closing a TCP client whose connection was refused).
   * Each late client is counted once. Never rejects.
   */
  async settle(timeoutMs: number): Promise<number> {
    await withTimeout<unknown>(timeoutMs, undefined, (finish) => {
      void Promise.all(this.closings).then(finish);
    });
    for (const closing of this.closings) this.counted.add(closing);
    const unclosed = this.unclosed + this.closings.size;
    this.unclosed = 0;
    return unclosed;
  }
}

/**
 * Opens a hot-shots client for one flush: no `DD_*` variable changes where it sends or adds
 * Datadog fields, tags or telemetry, and no buffering (one callback per packet). A UDP host
 * name is looked up here, once and within `timeoutMs` (IPv4, as hot-shots would): hot-shots
 * would otherwise look it up for every packet sent before its first lookup answers. Rejects
 * with the resolver's error or a timeout. A Unix socket needs hot-shots' optional `unix-dgram`.
 */
async function openClient(
  target: Target,
  onError: (error: Error) => void,
  timeoutMs: number,
): Promise<StatsD> {
  const resolved =
    target.protocol === 'udp' && isIP(target.host) === 0
      ? { ...target, host: await lookUpIpv4(target.host, timeoutMs) }
      : target;
  return new StatsD({
    ...resolved,
    maxBufferSize: 0,
    datadog: false,
    includeDataDogTags: false,
    includeDatadogTelemetry: false,
    originDetection: false,
    // close() first waits for sends to drain: 11 ticks at most, 1 ms each (50 ms by default).
    closingFlushInterval: 1,
    errorHandler: (error: Error) => onError(withErrorName(error)),
  });
}

/**
 * `error` with its system error name: unix-dgram reports a bare negative errno (`connect -2`),
 * which becomes `connect -2 (ENOENT)`.
 */
function withErrorName(error: Error): Error {
  const errno = (error as { errno?: unknown }).errno;
  if (typeof errno !== 'number' || errno >= 0) return error;
  try {
    return new Error(`${error.message} (${getSystemErrorName(errno)})`, { cause: error });
  } catch {
    return error;
  }
}

async function lookUpIpv4(host: string, timeoutMs: number): Promise<string> {
  const timedOut = new Error(`looking up ${host} took longer than ${timeoutMs} ms (sendTimeoutMs)`);
  const answer = await withTimeout<Error | string>(timeoutMs, timedOut, (finish) => {
    dns.lookup(host, { family: 4 }, (error, address) => finish(error ?? address));
  });
  if (answer instanceof Error) throw answer;
  return answer;
}

/** Returns true when `client` can send raw packets (a hot-shots 17 StatsD instance). */
export function canSendPackets(client: unknown): boolean {
  const candidate = client as Partial<RawClient & StatsD> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.sendMessage === 'function' &&
    typeof candidate.close === 'function'
  );
}

/** True when `client` writes text as ASCII, keeping the low byte of each character (all but UDP and Unix sockets). */
export function writesAsciiOnly(client: StatsD): boolean {
  const protocol = (client as { protocol?: unknown }).protocol;
  return protocol !== 'udp' && protocol !== 'uds';
}

/**
 * Sends packets through `client`, all at once. Resolves with each packet's outcome, in order;
 * `'unanswered'` for one still unanswered after `timeoutMs` (its late answer is ignored).
 */
function sendPackets(
  client: StatsD,
  packets: readonly string[],
  timeoutMs: number,
): Promise<PacketOutcome[]> {
  const outcomes: PacketOutcome[] = new Array(packets.length).fill('unanswered');
  let pending = packets.length;
  return withTimeout<PacketOutcome[]>(timeoutMs, outcomes, (finish) => {
    const answer = (index: number, error: unknown): void => {
      if (outcomes[index] !== 'unanswered') return;
      // hot-shots passes socket 'close' arguments through (TCP's `hadError` boolean): only an
      // Error counts as a failure.
      outcomes[index] = error instanceof Error ? error : undefined;
      if (--pending === 0) finish(outcomes);
    };
    if (pending === 0) finish(outcomes);
    packets.forEach((packet, index) => {
      try {
        (client as unknown as RawClient).sendMessage(packet, (error) => answer(index, error));
      } catch (error) {
        answer(index, toError(error));
      }
    });
  }).then((settled) => [...settled]);
}

/** What became of closing a client: undefined when closed, the error close reported, or `'unanswered'`. */
type CloseOutcome = Error | 'unanswered' | undefined;

/**
 * Closes `client`, waiting at most `timeoutMs`: hot-shots 17 first waits for its sends to drain
 * (longer while the event loop is busy) and never calls back when closing a TCP client whose
 * connection was refused. Never rejects.
 */
function closeClient(client: StatsD, timeoutMs: number): Promise<CloseOutcome> {
  return withTimeout<CloseOutcome>(timeoutMs, 'unanswered', (finish) => {
    try {
      client.close((error) => finish(error instanceof Error ? error : undefined));
    } catch (error) {
      finish(toError(error));
    }
  });
}
