import {
  consoleLogger,
  DEFAULT_REFRESH_TIMEOUT_MS,
  defaultRegistry,
  InvalidOptionError,
  type Logger,
  type MetricProducer,
  toProducerList,
} from '@servermetrics/core';
import type { StatsD } from 'hot-shots';
import { DIALECTS, type Dialect, type HistogramsAs, type LineFormat, lineFormat } from './format/dialect.js';
import { isStatsdExporterMetrics, StatsdExporterMetrics } from './self-metrics/statsd-exporter-metrics.js';
import type { StatsdExporterOptions } from './statsd-exporter-options.js';
import { canSendPackets, writesAsciiOnly } from './transport.js';

/** StatsdExporterOptions with defaults applied and every value checked. */
export interface ResolvedExporterOptions {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'udp' | 'tcp';
  readonly intervalMs: number;
  readonly dialect: Dialect;
  readonly format: LineFormat;
  readonly histogramsAs: HistogramsAs;
  /** Sanitised prefix with its trailing `.`, or `''`. */
  readonly prefix: string;
  readonly globalTags: readonly (readonly [string, string])[];
  /** The producers to export (the `registries` option), without repeats. */
  readonly producers: readonly MetricProducer[];
  readonly refreshTimeoutMs: number;
  readonly sendOlderThanMs: number;
  readonly maxPacketBytes: number;
  readonly logger: Logger;
  readonly client: StatsD | undefined;
  readonly name: string;
  readonly selfMetrics: StatsdExporterMetrics;
  readonly sendTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly now: () => number;
}

/** Largest UDP payload over IPv4. */
const MAX_DATAGRAM_BYTES = 65_507;
/** Smallest packet limit accepted: below this, ordinary lines would not fit. */
const MIN_PACKET_BYTES = 64;
const DATADOG_ENVIRONMENT_TAGS: readonly (readonly [string, string])[] = [
  ['env', 'DD_ENV'],
  ['service', 'DD_SERVICE'],
  ['version', 'DD_VERSION'],
];

/**
 * Applies the documented defaults to `options` and checks every value. Throws
 * InvalidOptionError naming the first invalid option and how to fix it.
 */
export function resolveExporterOptions(options: StatsdExporterOptions = {}): ResolvedExporterOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'options',
      `new StatsdExporter(options) needs an options object or nothing, got ${describe(options)}.`,
    );
  }
  const agent = options.datadogAgentEnvironment === true ? agentFromEnvironment() : {};
  const host = options.host ?? agent.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '') {
    throw new InvalidOptionError(
      'host',
      `host must be a non-empty host name or IP address such as '127.0.0.1', got ${describe(host)}.`,
    );
  }
  const port = options.port ?? agent.port ?? 8125;
  if (!(Number.isInteger(port) && port >= 1 && port <= 65_535)) {
    throw new InvalidOptionError(
      'port',
      `port must be an integer from 1 to 65535 (StatsD listens on 8125), got ${describe(port)}.`,
    );
  }
  const protocol = options.protocol ?? 'udp';
  if (protocol !== 'udp' && protocol !== 'tcp') {
    throw new InvalidOptionError('protocol', `protocol must be 'udp' or 'tcp', got ${describe(protocol)}.`);
  }
  const dialect = options.dialect ?? 'datadog';
  if (!DIALECTS.includes(dialect)) {
    throw new InvalidOptionError(
      'dialect',
      `dialect must be one of ${DIALECTS.map((known) => `'${known}'`).join(', ')}, got ${describe(dialect)}.`,
    );
  }
  const histogramsAs = options.histogramsAs ?? (dialect === 'datadog' ? 'distribution' : 'buckets');
  if (histogramsAs !== 'buckets' && !(histogramsAs === 'distribution' && dialect === 'datadog')) {
    throw new InvalidOptionError(
      'histogramsAs',
      `histogramsAs must be 'distribution' (datadog dialect only: only the Datadog Agent reads |d) or 'buckets', got ${describe(histogramsAs)} with dialect '${dialect}'.`,
    );
  }
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string') {
    throw new InvalidOptionError(
      'prefix',
      `prefix must be a string such as 'myapp', got ${describe(prefix)}.`,
    );
  }
  const client = options.client;
  if (client !== undefined && !canSendPackets(client)) {
    throw new InvalidOptionError(
      'client',
      `client must be a hot-shots 17 StatsD instance (new StatsD({...}) from 'hot-shots'), got ${describe(client)}. Or leave it out and set host and port.`,
    );
  }
  // hot-shots writes TCP (and stream) packets as ASCII: names and tags must not hold anything else.
  const format = lineFormat(dialect, client === undefined ? protocol === 'tcp' : writesAsciiOnly(client));
  const producers = toProducerList(options.registries ?? [defaultRegistry], 'registries');
  const logger = options.logger ?? consoleLogger;
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof logger.warn !== 'function' ||
    typeof logger.error !== 'function'
  ) {
    throw new InvalidOptionError(
      'logger',
      `logger must have warn(message) and error(message) methods (console works), got ${describe(logger)}.`,
    );
  }
  const selfMetrics = options.selfMetrics ?? new StatsdExporterMetrics();
  if (!isStatsdExporterMetrics(selfMetrics)) {
    throw new InvalidOptionError(
      'selfMetrics',
      `selfMetrics must be a StatsdExporterMetrics, got ${describe(selfMetrics)}.`,
    );
  }
  const name = options.name ?? `${host}:${port}`;
  if (typeof name !== 'string' || name === '') {
    throw new InvalidOptionError('name', `name must be a non-empty string, got ${describe(name)}.`);
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') {
    throw new InvalidOptionError(
      'now',
      `now must be a function returning milliseconds, like Date.now, got ${describe(now)}.`,
    );
  }
  const maxPacketBytes = options.maxPacketBytes ?? 1432;
  if (
    !(
      Number.isInteger(maxPacketBytes) &&
      maxPacketBytes >= MIN_PACKET_BYTES &&
      maxPacketBytes <= MAX_DATAGRAM_BYTES
    )
  ) {
    throw new InvalidOptionError(
      'maxPacketBytes',
      `maxPacketBytes must be an integer from ${MIN_PACKET_BYTES} to ${MAX_DATAGRAM_BYTES} (1432 across a network, 8192 for a local Datadog Agent), got ${describe(maxPacketBytes)}.`,
    );
  }
  return {
    host,
    port,
    protocol,
    intervalMs: positiveMilliseconds('intervalMs', options.intervalMs, 10_000),
    dialect,
    format,
    histogramsAs,
    prefix: prefix === '' ? '' : `${format.name(prefix.endsWith('.') ? prefix.slice(0, -1) : prefix)}.`,
    globalTags: resolveGlobalTags(options),
    producers,
    refreshTimeoutMs: positiveMilliseconds(
      'refreshTimeoutMs',
      options.refreshTimeoutMs,
      DEFAULT_REFRESH_TIMEOUT_MS,
    ),
    sendOlderThanMs: keepAliveMilliseconds(options.sendOlderThanMs),
    maxPacketBytes,
    logger,
    client,
    name,
    selfMetrics,
    sendTimeoutMs: positiveMilliseconds('sendTimeoutMs', options.sendTimeoutMs, 5000),
    stopTimeoutMs: positiveMilliseconds('stopTimeoutMs', options.stopTimeoutMs, 3000),
    now,
  };
}

function resolveGlobalTags(options: StatsdExporterOptions): (readonly [string, string])[] {
  const globalTags = options.globalTags ?? {};
  if (typeof globalTags !== 'object' || globalTags === null || Array.isArray(globalTags)) {
    throw new InvalidOptionError(
      'globalTags',
      `globalTags must be an object of tag names to values, like { region: 'eu' }, got ${describe(globalTags)}.`,
    );
  }
  const tags: (readonly [string, string])[] = [];
  for (const [key, value] of Object.entries(globalTags)) {
    if (key === '' || !['string', 'number', 'boolean'].includes(typeof value)) {
      throw new InvalidOptionError(
        'globalTags',
        `globalTags["${key}"] must have a non-empty name and a string, number or boolean value, got ${describe(value)}.`,
      );
    }
    tags.push([key, String(value)]);
  }
  if (options.datadogEnvironmentTags === true) {
    for (const [key, variable] of DATADOG_ENVIRONMENT_TAGS) {
      const value = process.env[variable];
      if (value !== undefined && value !== '' && !(key in globalTags)) tags.push([key, value]);
    }
  }
  return tags;
}

/**
 * The Agent address from `DD_DOGSTATSD_URL` (`udp://host:port`), else `DD_AGENT_HOST` and
 * `DD_DOGSTATSD_PORT`, as Datadog's clients read them. Throws InvalidOptionError for a URL or
 * port the exporter cannot use (a `unix://` socket needs hot-shots' native `unix-dgram`).
 */
function agentFromEnvironment(): { host?: string; port?: number } {
  const url = process.env.DD_DOGSTATSD_URL;
  if (url !== undefined && url !== '') {
    const match = /^udp:\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/u.exec(url);
    if (match === null) {
      throw new InvalidOptionError(
        'datadogAgentEnvironment',
        `DD_DOGSTATSD_URL must be udp://host:port (Unix sockets are not supported), got ${JSON.stringify(url)}.`,
      );
    }
    return {
      host: match[1]!.replace(/^\[|\]$/gu, ''),
      port: match[2] === undefined ? 8125 : Number(match[2]),
    };
  }
  const host = process.env.DD_AGENT_HOST;
  const portText = process.env.DD_DOGSTATSD_PORT;
  return {
    ...(host !== undefined && host !== '' ? { host } : {}),
    ...(portText !== undefined && portText !== '' ? { port: Number(portText) } : {}),
  };
}

function positiveMilliseconds(option: string, value: number | undefined, fallback: number): number {
  const milliseconds = value ?? fallback;
  if (
    !(
      typeof milliseconds === 'number' &&
      Number.isFinite(milliseconds) &&
      milliseconds > 0 &&
      milliseconds <= 2 ** 31 - 1
    )
  ) {
    throw new InvalidOptionError(
      option,
      `${option} must be a positive number of milliseconds (at most 2147483647), got ${describe(milliseconds)}.`,
    );
  }
  return milliseconds;
}

function keepAliveMilliseconds(value: number | undefined): number {
  const milliseconds = value ?? 60_000;
  if (!(typeof milliseconds === 'number' && Number.isFinite(milliseconds) && milliseconds >= 0)) {
    throw new InvalidOptionError(
      'sendOlderThanMs',
      `sendOlderThanMs must be 0 (no keep-alive) or a positive number of milliseconds, got ${describe(milliseconds)}.`,
    );
  }
  return milliseconds;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null)
    return `an object (${value.constructor?.name ?? 'no prototype'})`;
  return String(value);
}
