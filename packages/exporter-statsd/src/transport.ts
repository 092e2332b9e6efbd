import dns from 'node:dns';
import { isIP } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { StatsD } from 'hot-shots';
import { toError, withTimeout } from './with-timeout.js';

/**
 * Everything the exporter does with hot-shots is in this file. It sends whole packets through
 * `sendMessage`, which hot-shots neither types nor documents: one datagram per call over UDP or
 * a Unix socket, a `\n`-terminated write over TCP, one callback per call without buffering. The
 * documented calls cannot do the job: `distribution(name, value, rate)` samples on the client
 * (`Math.random() < rate`) instead of sending the `|@rate` the Agent multiplies by, and with
 * buffering no call tells which lines went out, so failed sends could not keep their deltas.
 * hot-shots is pinned to one exact version, and `transport.test.ts` fails if it changes this.
 */
interface RawClient {
  sendMessage(message: string, callback: (error?: Error | null) => void): void;
}

/** Where the exporter's own clients send. */
export type Target =
  | { readonly protocol: 'udp' | 'tcp'; readonly host: string; readonly port: number }
  | { readonly protocol: 'uds'; readonly path: string };

/** What became of a packet or a close: undefined when done, the client's error, or `'unanswered'`. */
export type PacketOutcome = Error | 'unanswered' | undefined;

/** Options of a Transport. */
export interface TransportOptions {
  readonly target: Target;
  /** Sends through this client instead of one per send (never closed here). */
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
 * closed in the background after (or through the `client` given, left open). No socket outlives
 * a flush: hot-shots' Unix socket cannot be unref'd and would keep the process alive, and a new
 * socket reaches a restarted server without reconnect logic.
 */
export class Transport {
  private readonly closings = new Set<Promise<PacketOutcome>>();
  /** Closings `settle()` already counted as late. */
  private readonly counted = new WeakSet<Promise<PacketOutcome>>();
  private unclosed = 0;

  constructor(private readonly options: TransportOptions) {}

  /**
   * Sends `packets` and resolves with each one's outcome, in order; when no client can be opened
   * (a failed host lookup), with that error for each. Never rejects.
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
   * Waits at most `timeoutMs` for the clients still closing, then returns how many did not close
   * in time since the last call (within `closeTimeoutMs`, or before this wait ended), each
   * counted once. Never rejects.
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
 * Opens a hot-shots client for one flush: unbuffered, and with no `DD_*` variable changing where
 * it sends or adding tags or telemetry. A UDP host name is looked up here, once (IPv4, as
 * hot-shots would), or hot-shots would look it up for every packet sent before its first lookup
 * answered. Rejects with the resolver's error or a timeout.
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

/** `error` with its system error name: unix-dgram's bare `connect -2` becomes `connect -2 (ENOENT)`. */
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

/** True when `client` can send raw packets (a hot-shots 17 StatsD instance). */
export function canSendPackets(client: unknown): boolean {
  const candidate = client as Partial<RawClient & StatsD> | null;
  return typeof candidate?.sendMessage === 'function' && typeof candidate.close === 'function';
}

/** True when `client` writes text as ASCII, keeping each character's low byte (all but UDP and Unix sockets). */
export function writesAsciiOnly(client: StatsD): boolean {
  const protocol = (client as { protocol?: unknown }).protocol;
  return protocol !== 'udp' && protocol !== 'uds';
}

/**
 * Sends `packets` through `client`, all at once, and resolves with each one's outcome, in order:
 * `'unanswered'` when still unanswered after `timeoutMs` (a late answer is ignored).
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
      // hot-shots passes socket 'close' arguments through (TCP's `hadError`): only an Error fails.
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

/**
 * Closes `client`, waiting at most `timeoutMs`: hot-shots 17 first drains its sends, and never
 * calls back when closing a TCP client whose connection was refused. Never rejects.
 */
function closeClient(client: StatsD, timeoutMs: number): Promise<PacketOutcome> {
  return withTimeout<PacketOutcome>(timeoutMs, 'unanswered', (finish) => {
    try {
      client.close((error) => finish(error instanceof Error ? error : undefined));
    } catch (error) {
      finish(toError(error));
    }
  });
}
