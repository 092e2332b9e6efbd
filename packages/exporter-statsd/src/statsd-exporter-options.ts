import type { Logger, MetricProducer } from '@servermetrics/core';
import type { StatsD } from 'hot-shots';
import type { Dialect, HistogramsAs } from './format/dialect.js';
import type { StatsdExporterMetrics } from './self-metrics/statsd-exporter-metrics.js';

/** Options of a StatsdExporter. Every field is optional. */
export interface StatsdExporterOptions {
  /**
   * Host of the StatsD server or Datadog Agent: an IP literal, or a host name, which is looked
   * up (`dns.lookup`) once a minute and whenever its lookup failed (a failed lookup fails the
   * packet, whose deltas are kept).
   * @default '127.0.0.1'
   */
  host?: string;
  /** Port of the StatsD server. @default 8125 */
  port?: number;
  /**
   * Transport. UDP is fire-and-forget (a server that is down loses packets silently); TCP
   * reports connection errors, and hot-shots reconnects at most once a second. hot-shots writes
   * TCP packets as ASCII, so over TCP every character of a name or tag outside printable ASCII
   * becomes `_` (over UDP, tags keep their UTF-8 text).
   * @default 'udp'
   */
  protocol?: 'udp' | 'tcp';
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
   * within about 5%; a classic histogram gives its bucket midpoints (percentiles off by up to
   * half a bucket width). Cost: lines per flush grow with the buckets used, not the
   * observations. `'buckets'`: `.count`, `.sum` and `.bucket` (tagged `le`) counter deltas.
   * @default 'distribution' with the datadog dialect, otherwise 'buckets'
   */
  histogramsAs?: HistogramsAs;
  /**
   * Datadog Agent address from the environment, as Datadog's clients read it: when true and
   * `host`/`port` are not given, `DD_DOGSTATSD_URL` (`udp://host:port`), else `DD_AGENT_HOST`
   * and `DD_DOGSTATSD_PORT` (read once, at construction). Without it, `DD_*` variables never
   * change where the exporter sends.
   * @default false
   */
  datadogAgentEnvironment?: boolean;
  /** Prepended to every metric name, followed by `.` (e.g. `'myapp'` gives `myapp.requests_total`). @default '' */
  prefix?: string;
  /**
   * Tags added to every line after the metric's own labels (a label with the same key wins).
   * Values are sanitised like label values; an empty value omits the tag.
   * @default {}
   */
  globalTags?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Datadog unified service tagging: when true, adds `env`, `service` and `version` tags from
   * the `DD_ENV`, `DD_SERVICE` and `DD_VERSION` variables that are set (read once, at
   * construction; a key already in `globalTags` wins). Without it, `DD_*` variables never
   * change what the exporter sends.
   * @default false
   */
  datadogEnvironmentTags?: boolean;
  /**
   * Registries to export, in order; any MetricProducer from @servermetrics/core works too (an
   * object with `collect()` and optionally `refresh()`), alone or in the list. Gathered with
   * core's `gatherFamilies`: a metric registered in several of them is sent once, a metric
   * whose name clashes with an earlier one is left out (logged once), the registries' eviction
   * counters are merged.
   * @default [defaultRegistry]
   */
  registries?: MetricProducer | readonly MetricProducer[];
  /**
   * Longest wait, per flush, for one producer's `refresh()` (a registry's collect hooks), in
   * milliseconds; the flush then goes on with the values the producer has, and the late or
   * failed refresh is logged. A registry bounds its own hooks by its `collectTimeoutMs`.
   * @default 10000
   */
  refreshTimeoutMs?: number;
  /**
   * Keep-alive: a series that did not change is re-sent once its last successful send is at
   * least this old (counters as a delta of 0, gauges with their value). 0 disables it: only
   * changed series are sent.
   * @default 60000
   */
  sendOlderThanMs?: number;
  /**
   * Largest datagram, in bytes. Lines are batched into packets up to this size and never split;
   * a single line longer than this is dropped (logged and counted). 1432 fits a 1500-byte
   * Ethernet MTU; use 8192 for a Datadog Agent on the same host (the Agent reads 8 KiB datagrams).
   * @default 1432
   */
  maxPacketBytes?: number;
  /**
   * Where the exporter logs send failures and skipped values, at most once a minute per kind of
   * problem.
   * @default console (with a `[servermetrics]` prefix)
   */
  logger?: Logger;
  /**
   * A hot-shots client to send through instead of one the exporter creates. The exporter only
   * uses its transport (it writes whole packets): the client's `prefix`, `globalTags`, buffering
   * and Datadog options do not apply, and `stop()` does not close it (its owner does).
   * `host`, `port` and `protocol` are then ignored. Unless the client's protocol is `udp` or
   * `uds`, names and tags are limited to printable ASCII, as with `protocol: 'tcp'`.
   * @default a client built from `host`, `port` and `protocol`
   */
  client?: StatsD;
  /**
   * Name of this exporter in its self-metrics (the `exporter` label).
   * @default `${host}:${port}`
   */
  name?: string;
  /**
   * Where the exporter counts its own packets, lines, send errors and flush durations. Share
   * one StatsdExporterMetrics between several exporters (they differ by `name`) and register it
   * in a registry to export these numbers.
   * @default a new StatsdExporterMetrics per exporter, available as `exporter.selfMetrics`
   */
  selfMetrics?: StatsdExporterMetrics;
  /**
   * How long a flush waits for the client to report on a packet. UDP and Unix-socket sends are
   * answered at once; over TCP a connection whose server stopped reading can hold a packet: it
   * then counts as sent (at most once: never sent twice, lost if the connection drops it).
   * @default 5000
   */
  sendTimeoutMs?: number;
  /** Upper bound of `stop()`: its final flush and closing the client together. @default 3000 */
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
