import type { Logger, MetricProducer } from '@servermetrics/core';
import type { StatsD } from 'hot-shots';
import type { Dialect, HistogramsAs } from './format/dialect.js';
import type { StatsdExporterMetrics } from './self-metrics/statsd-exporter-metrics.js';

/** Options of a StatsdExporter. Every field is optional. */
export interface StatsdExporterOptions {
  /**
   * Host of the StatsD server or Datadog Agent (UDP and TCP): an IP literal, or a host name. Over
   * UDP a name is looked up once per flush (a failed or slow lookup fails the flush's packets,
   * whose deltas are kept); over TCP the connection looks it up.
   * @default '127.0.0.1'
   */
  host?: string;
  /** Port of the StatsD server (UDP and TCP). @default 8125 */
  port?: number;
  /**
   * Transport. `'udp'` is fire-and-forget (a server that is down loses packets silently).
   * `'uds'` sends datagrams to the Datadog Agent's Unix socket at `path`, which reports a
   * missing or full socket as a send error (deltas kept); it needs hot-shots' optional native
   * dependency `unix-dgram` (built by node-gyp on install). `'tcp'` reports connection errors;
   * hot-shots writes TCP as ASCII, so every character of a name or tag outside printable ASCII
   * becomes `_`. Each flush opens its own socket and closes it after sending. `host` and `port`
   * with `'uds'`, or `path` with `'udp'` or `'tcp'`, throw InvalidOptionError.
   * @default 'uds' when `path` is given, otherwise 'udp'
   */
  protocol?: 'udp' | 'tcp' | 'uds';
  /** Path of the Unix socket (`protocol: 'uds'`, which giving it implies). @default '/var/run/datadog/dsd.socket' */
  path?: string;
  /** Time between two flushes once `start()` was called, in milliseconds. @default 10000 */
  intervalMs?: number;
  /**
   * Line syntax: `'datadog'` (DogStatsD `|#key:value` tags), `'statsd'` (plain StatsD, tags as
   * Graphite `;key=value` in the name) or `'telegraf'` (Influx `,key=value` in the name).
   * @default 'datadog'
   */
  dialect?: Dialect;
  /**
   * How histograms go out. `'distribution'` (datadog dialect only): DogStatsD distributions, so
   * Datadog computes p50/p95/p99/max across hosts. Each flush sends, per series, one line per
   * bucket that received observations since this exporter's last successful send: the bucket's
   * representative value with a sample rate of 1/(new observations), which the Agent counts that
   * many times. The count is exact; a native histogram (`native: true` in core) gives percentiles
   * within about 5%, a classic one its bucket midpoints (off by up to half a bucket width).
   * Lines per flush grow with the buckets used, not the observations. `'buckets'`: `.count`,
   * `.sum` and `.bucket` (tagged `le`) counter deltas.
   * @default 'distribution' with the datadog dialect, otherwise 'buckets'
   */
  histogramsAs?: HistogramsAs;
  /**
   * Datadog Agent address from the environment, as Datadog's clients read it (once, at
   * construction): `DD_DOGSTATSD_URL` (`udp://host:port`, `unix:///path`, `unixgram:///path`),
   * else `DD_DOGSTATSD_SOCKET`, else `DD_AGENT_HOST` and `DD_DOGSTATSD_PORT`. `host`, `port`,
   * `protocol` and `path` given here win. Without it, `DD_*` variables never change where the
   * exporter sends.
   * @default false
   */
  datadogAgentEnvironment?: boolean;
  /** Prepended to every metric name, followed by `.` (`'myapp'` gives `myapp.requests_total`). @default '' */
  prefix?: string;
  /**
   * Tags added to every line after the metric's own labels (a label with the same key wins).
   * Values are sanitised like label values; an empty value omits the tag.
   * @default {}
   */
  globalTags?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Datadog unified service tagging: adds `env`, `service` and `version` tags from the `DD_ENV`,
   * `DD_SERVICE` and `DD_VERSION` variables that are set (once, at construction; a key already
   * in `globalTags` wins).
   * @default false
   */
  datadogEnvironmentTags?: boolean;
  /**
   * Registries to export, in order, or any MetricProducer from @servermetrics/core (an object
   * with `collect()` and optionally `refresh()`). Gathered with core's `gatherFamilies`: a metric
   * in several of them is sent once; a name clashing with an earlier one is left out (logged).
   * @default [defaultRegistry]
   */
  registries?: MetricProducer | readonly MetricProducer[];
  /**
   * Longest wait, per flush, for one producer's `refresh()` (a registry's collect hooks), in
   * milliseconds; the flush then goes on with the values the producer has (logged).
   * @default 10000
   */
  refreshTimeoutMs?: number;
  /**
   * Keep-alive: a series that did not change is re-sent once its last successful send is at
   * least this old (counters as a delta of 0, gauges with their value). 0 disables it.
   * @default 60000
   */
  sendOlderThanMs?: number;
  /**
   * Largest datagram, in bytes. Lines are batched into packets up to this size and never split;
   * a single longer line is dropped (logged and counted). 1432 fits a 1500-byte Ethernet MTU;
   * the Agent reads 8 KiB datagrams, so use 8192 for an Agent on the same host.
   * @default 8192 with `protocol: 'uds'`, otherwise 1432
   */
  maxPacketBytes?: number;
  /**
   * Where send failures and skipped values are logged, at most once a minute per kind of problem.
   * @default console (with a `[servermetrics]` prefix)
   */
  logger?: Logger;
  /**
   * A hot-shots client to send through instead of the ones the exporter opens. Only its
   * transport is used (the exporter writes whole packets: the client's prefix, tags, buffering
   * and Datadog options do not apply), `host`, `port`, `protocol` and `path` are ignored, and the
   * exporter never closes it. Unless its protocol is `udp` or `uds`, names and tags are limited
   * to printable ASCII, as with `protocol: 'tcp'`.
   * @default a client per flush, built from `host`, `port`, `protocol` and `path`
   */
  client?: StatsD;
  /** Name of this exporter in its self-metrics and logs. @default `host:port`, or `unix://path` (set it with `client`) */
  name?: string;
  /**
   * Where the exporter counts its own packets, lines, send errors and flush durations. Share one
   * between several exporters (they differ by `name`) and register it to export these numbers.
   * @default a new StatsdExporterMetrics per exporter, available as `exporter.selfMetrics`
   */
  selfMetrics?: StatsdExporterMetrics;
  /**
   * How long a flush waits for a UDP host name's lookup (longer fails the packets, deltas
   * kept) and for the client to answer for a packet. UDP answers within a tick, a full Unix
   * socket after hot-shots' retries (under a second); over TCP a connection whose server stopped
   * reading can hold a packet: it then counts as sent (at most once: never sent twice, lost if
   * the connection drops it).
   * @default 5000
   */
  sendTimeoutMs?: number;
  /** Upper bound of `stop()`: its final flush and closing the sockets together. @default 3000 */
  stopTimeoutMs?: number;
  /** Clock in milliseconds, for the keep-alive and log rate limits (tests inject one). @default Date.now */
  now?: () => number;
}

/** FlushResult tells what one flush sent. */
export interface FlushResult {
  /** Lines sent in packets the client reported as sent. */
  readonly linesSent: number;
  /** Packets the client reported as sent (over UDP that does not mean received). */
  readonly packetsSent: number;
  /** Bytes in those packets. */
  readonly bytesSent: number;
  /** Lines in packets that failed; their counter deltas are kept for the next flush. */
  readonly linesFailed: number;
  /** Packets that failed (an error from the client). */
  readonly packetsFailed: number;
  /** Packets the client did not answer for within `sendTimeoutMs`; counted as sent (at most once). */
  readonly packetsUnanswered: number;
  /** Lines not sent at all: non-finite values, or a line longer than `maxPacketBytes`. */
  readonly linesDropped: number;
  /** The first few errors of this flush (at most 10). */
  readonly errors: readonly Error[];
}
