import { StatsD } from 'hot-shots';

/**
 * The transport: everything the exporter does with hot-shots is in this file.
 *
 * It sends whole packets through `sendMessage`, hot-shots' raw send (one datagram per call over
 * UDP, a `\n`-terminated write over TCP, one callback per call when buffering is off), which
 * hot-shots neither types nor documents. Why not the documented API: `distribution(name, value,
 * sampleRate)` samples on the client (it drops the line unless `Math.random() < sampleRate`), so
 * it cannot carry the `|@rate` that tells the Agent how many observations a value stands for;
 * and with buffering on, no documented call tells which lines went out, so failed sends could
 * not keep their deltas. hot-shots is therefore pinned to one exact version (package.json), and
 * `transport.test.ts` fails if that version stops sending one verbatim datagram per call with a
 * per-call error callback.
 */
interface RawClient {
  sendMessage(message: string, callback: (error?: Error | null) => void): void;
  close(callback?: (error?: Error) => void): void;
}

/** What became of one packet: undefined when sent, the error the client reported, or `'unanswered'` (no answer in time). */
export type PacketOutcome = Error | 'unanswered' | undefined;

/** How long the client reuses the address a host name resolved to. */
export const DNS_CACHE_TTL_MS = 60_000;

/** Options of createHotShotsClient. */
export interface HotShotsClientOptions {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'udp' | 'tcp';
  readonly telegraf: boolean;
  /** Receives errors hot-shots reports outside a send callback (socket errors, reconnects). */
  readonly onError: (error: Error) => void;
}

/**
 * Builds the hot-shots client the exporter sends through, with every option that hot-shots
 * would otherwise take from the environment set explicitly:
 * - `host`, `port` and `protocol` are given, so `DD_AGENT_HOST`, `DD_DOGSTATSD_PORT`,
 *   `DD_DOGSTATSD_URL` and `DD_DOGSTATSD_SOCKET` are ignored;
 * - `datadog`, `includeDataDogTags` and `includeDatadogTelemetry` are false, so no `DD_*`
 *   variable turns on Datadog mode (container-id fields, `env`/`service` tags, telemetry packets);
 * - `maxBufferSize` is 0: the exporter batches lines itself and needs one callback per packet;
 * - `cacheDns` is on, for a minute: a host name costs one lookup a minute, not one per packet;
 * - no prefix, global tags, sampling or client-side aggregation: the exporter writes whole lines.
 */
export function createHotShotsClient(options: HotShotsClientOptions): StatsD {
  return new StatsD({
    host: options.host,
    port: options.port,
    protocol: options.protocol,
    maxBufferSize: 0,
    prefix: '',
    suffix: '',
    globalTags: [],
    datadog: false,
    includeDataDogTags: false,
    includeDatadogTelemetry: false,
    originDetection: false,
    telegraf: options.telegraf,
    mock: false,
    globalize: false,
    aggregation: false,
    // One dns.lookup per host name and DNS_CACHE_TTL_MS instead of one per packet on the libuv
    // thread pool (an IP literal is never looked up). A failed lookup is not cached: its packet
    // fails with the resolver's error, and the next packet asks again.
    cacheDns: true,
    cacheDnsTtl: DNS_CACHE_TTL_MS,
    errorHandler: options.onError,
  });
}

/** Returns true when `client` can send raw packets (a hot-shots 17 StatsD instance). */
export function canSendPackets(client: unknown): boolean {
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof (client as Partial<RawClient>).sendMessage === 'function' &&
    typeof (client as Partial<RawClient>).close === 'function'
  );
}

/**
 * Returns true when `client` writes packets as ASCII text, which keeps only the low byte of each
 * character: hot-shots 17's TCP transport writes with the `'ascii'` encoding, and a stream
 * transport writes with whatever encoding its stream has. Only its UDP and Unix-socket
 * transports send the UTF-8 bytes; any other or unknown protocol counts as ASCII.
 */
export function writesAsciiOnly(client: StatsD): boolean {
  const protocol = (client as { protocol?: unknown }).protocol;
  return protocol !== 'udp' && protocol !== 'uds';
}

/**
 * Sends packets through `client`, all at once. Resolves, in packet order, with undefined for each
 * packet the client reported sent, the error it reported, or `'unanswered'` for a packet still
 * unanswered after `timeoutMs` (its late answer is ignored). One timer covers the whole batch.
 * Never rejects.
 */
export function sendPackets(
  client: StatsD,
  packets: readonly string[],
  timeoutMs: number,
): Promise<PacketOutcome[]> {
  const outcomes: PacketOutcome[] = new Array(packets.length).fill('unanswered');
  if (packets.length === 0) return Promise.resolve(outcomes);
  return new Promise((resolve) => {
    let pending = packets.length;
    let finished = false;
    const finish = (): void => {
      finished = true;
      clearTimeout(timer);
      resolve(outcomes);
    };
    const timer = setTimeout(finish, timeoutMs);
    timer.unref();
    const answer = (index: number, error: unknown): void => {
      if (finished || outcomes[index] !== 'unanswered') return;
      // hot-shots passes socket 'close' arguments through (TCP's `hadError` boolean): only an
      // Error counts as a failure.
      outcomes[index] = error instanceof Error ? error : undefined;
      if (--pending === 0) finish();
    };
    for (let index = 0; index < packets.length && !finished; index++) {
      try {
        (client as unknown as RawClient).sendMessage(packets[index]!, (error) => answer(index, error));
      } catch (error) {
        answer(index, error instanceof Error ? error : new Error(String(error)));
      }
    }
  });
}

/**
 * Closes `client`, waiting at most `timeoutMs` (hot-shots 17 never calls back when closing a TCP
 * client whose connection was refused). Resolves with the error close reported, a timeout
 * error, or undefined. Never rejects.
 */
export function closeClient(client: StatsD, timeoutMs: number): Promise<Error | undefined> {
  return awaitCallback(
    (done) => client.close(done),
    timeoutMs,
    `the StatsD client did not close within ${timeoutMs} ms`,
  );
}

/**
 * Runs a callback-style operation and resolves with the error it reports (undefined for none),
 * whatever comes first of its callback, a synchronous throw, or the timeout. Later callbacks
 * are ignored; the timer does not keep the process alive.
 */
function awaitCallback(
  operation: (done: (error?: Error | null) => void) => void,
  timeoutMs: number,
  timeoutMessage: string,
): Promise<Error | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(error);
    };
    const timer = setTimeout(() => settle(new Error(timeoutMessage)), timeoutMs);
    timer.unref();
    try {
      // hot-shots passes socket 'close' arguments through (TCP's `hadError` boolean): only an
      // Error counts as a failure.
      operation((error) => settle(error instanceof Error ? error : undefined));
    } catch (error) {
      settle(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
