import {
  consoleLogger,
  DEFAULT_REFRESH_TIMEOUT_MS,
  defaultRegistry,
  describeValue,
  InvalidOptionError,
  type Logger,
  type MetricProducer,
  toProducerList,
} from '@servermetrics/core';
import type { StatsD } from 'hot-shots';
import { DIALECTS, type Dialect, type HistogramsAs, type LineFormat, lineFormat } from './format/dialect.js';
import { isStatsdExporterMetrics, StatsdExporterMetrics } from './self-metrics/statsd-exporter-metrics.js';
import type { StatsdExporterOptions } from './statsd-exporter-options.js';
import { canSendPackets, type Target, writesAsciiOnly } from './transport.js';

/** StatsdExporterOptions with defaults applied and every value checked. */
export interface ResolvedExporterOptions {
  readonly target: Target;
  /** The target as a URL (`udp://127.0.0.1:8125`, `unix:///var/run/datadog/dsd.socket`), for messages. */
  readonly address: string;
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

/** The Datadog Agent's default DogStatsD socket. */
export const DEFAULT_SOCKET_PATH = '/var/run/datadog/dsd.socket';
const MAX_TIMER_MS = 2 ** 31 - 1;
const DATADOG_ENVIRONMENT_TAGS = [
  ['env', 'DD_ENV'],
  ['service', 'DD_SERVICE'],
  ['version', 'DD_VERSION'],
] as const;

const isText = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '';
const isMilliseconds = (value: unknown): boolean =>
  typeof value === 'number' && value > 0 && value <= MAX_TIMER_MS;

/** Returns `value` when `valid(value)`, else throws InvalidOptionError: "`option` must be `expected`, got ...". */
function check<T>(option: string, value: unknown, valid: (value: unknown) => boolean, expected: string): T {
  if (!valid(value)) {
    throw new InvalidOptionError(option, `${option} must be ${expected}, got ${describeValue(value)}.`);
  }
  return value as T;
}

function milliseconds(option: keyof StatsdExporterOptions, value: unknown, fallback: number): number {
  return check(
    option,
    value ?? fallback,
    isMilliseconds,
    'a positive number of milliseconds up to 2147483647',
  );
}

/**
 * Applies the documented defaults to `options` and checks every value. Throws
 * InvalidOptionError naming the first invalid option and how to fix it.
 */
export function resolveExporterOptions(options: StatsdExporterOptions = {}): ResolvedExporterOptions {
  check('options', options, (value) => typeof value === 'object' && value !== null, 'an object or nothing');
  const target = resolveTarget(options);
  const address =
    target.protocol === 'uds'
      ? `unix://${target.path}`
      : `${target.protocol}://${target.host}:${target.port}`;
  const dialect = check<Dialect>(
    'dialect',
    options.dialect ?? 'datadog',
    (value) => DIALECTS.includes(value as Dialect),
    `one of '${DIALECTS.join("', '")}'`,
  );
  const histogramsAs = check<HistogramsAs>(
    'histogramsAs',
    options.histogramsAs ?? (dialect === 'datadog' ? 'distribution' : 'buckets'),
    (value) => value === 'buckets' || (value === 'distribution' && dialect === 'datadog'),
    `'distribution' (datadog dialect only: only the Datadog Agent reads |d) or 'buckets' with dialect '${dialect}'`,
  );
  const client = check<StatsD | undefined>(
    'client',
    options.client,
    (value) => value === undefined || canSendPackets(value),
    "a hot-shots 17 StatsD instance (new StatsD({...}) from 'hot-shots'), or left out to use host and port",
  );
  // hot-shots writes TCP (and stream) packets as ASCII: names and tags must not hold anything else.
  const format = lineFormat(
    dialect,
    client === undefined ? target.protocol === 'tcp' : writesAsciiOnly(client),
  );
  const prefix = check<string>(
    'prefix',
    options.prefix ?? '',
    (value) => typeof value === 'string',
    "a string such as 'myapp'",
  );
  const logger = check<Logger>(
    'logger',
    options.logger ?? consoleLogger,
    (value) =>
      typeof (value as Logger | null)?.warn === 'function' && typeof (value as Logger).error === 'function',
    'an object with warn(message) and error(message) methods (console works)',
  );
  const defaultPacketBytes = target.protocol === 'uds' ? 8192 : 1432;
  return {
    target,
    address,
    intervalMs: milliseconds('intervalMs', options.intervalMs, 10_000),
    dialect,
    format,
    histogramsAs,
    prefix: prefix === '' ? '' : `${format.name(prefix.replace(/\.$/u, ''))}.`,
    globalTags: resolveGlobalTags(options),
    producers: toProducerList(options.registries ?? [defaultRegistry], 'registries'),
    refreshTimeoutMs: milliseconds('refreshTimeoutMs', options.refreshTimeoutMs, DEFAULT_REFRESH_TIMEOUT_MS),
    sendOlderThanMs: check(
      'sendOlderThanMs',
      options.sendOlderThanMs ?? 60_000,
      (value) => typeof value === 'number' && value >= 0 && value < Number.POSITIVE_INFINITY,
      '0 (no keep-alive) or a positive number of milliseconds',
    ),
    maxPacketBytes: check(
      'maxPacketBytes',
      options.maxPacketBytes ?? defaultPacketBytes,
      (value) => Number.isInteger(value) && (value as number) >= 64 && (value as number) <= 65_507,
      'an integer from 64 to 65507 (1432 across a network, 8192 for a local Datadog Agent)',
    ),
    logger,
    client,
    name: check(
      'name',
      options.name ?? address.replace(/^(udp|tcp):\/\//u, ''),
      isText,
      'a non-empty string',
    ),
    selfMetrics: check(
      'selfMetrics',
      options.selfMetrics ?? new StatsdExporterMetrics(),
      isStatsdExporterMetrics,
      'a StatsdExporterMetrics',
    ),
    sendTimeoutMs: milliseconds('sendTimeoutMs', options.sendTimeoutMs, 5000),
    stopTimeoutMs: milliseconds('stopTimeoutMs', options.stopTimeoutMs, 3000),
    now: check(
      'now',
      options.now ?? Date.now,
      (value) => typeof value === 'function',
      'a function returning milliseconds, like Date.now',
    ),
  };
}

/**
 * Where the exporter sends. Explicit options win field by field over the Datadog variables
 * (read only when `datadogAgentEnvironment` is true); a socket from the variables is used only
 * when neither `host`, `port` nor `protocol` is given.
 */
function resolveTarget(options: StatsdExporterOptions): Target {
  const agent = options.datadogAgentEnvironment === true ? agentFromEnvironment() : {};
  const networkGiven = options.host !== undefined || options.port !== undefined;
  const protocol = check<Target['protocol']>(
    'protocol',
    options.protocol ?? (networkGiven ? undefined : agent.protocol) ?? 'udp',
    (value) => value === 'udp' || value === 'tcp' || value === 'uds',
    "'udp', 'tcp' or 'uds' (a Unix socket)",
  );
  if (protocol === 'uds') {
    const path = options.path ?? agent.path ?? DEFAULT_SOCKET_PATH;
    return { protocol, path: check('path', path, isText, `a socket path such as '${DEFAULT_SOCKET_PATH}'`) };
  }
  return {
    protocol,
    host: check(
      'host',
      options.host ?? agent.host ?? '127.0.0.1',
      isText,
      "a host name or IP such as '127.0.0.1'",
    ),
    port: check(
      'port',
      options.port ?? agent.port ?? 8125,
      (value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65_535,
      'an integer from 1 to 65535 (StatsD listens on 8125)',
    ),
  };
}

/**
 * The Agent address as Datadog's clients read it: `DD_DOGSTATSD_URL` (`udp://host:port`,
 * `unix:///path` or `unixgram:///path`), else `DD_DOGSTATSD_SOCKET` (a socket path), else
 * `DD_AGENT_HOST` and `DD_DOGSTATSD_PORT`. Throws InvalidOptionError for a URL it cannot use.
 */
function agentFromEnvironment(): Partial<StatsdExporterOptions> {
  const variable = (name: string): string | undefined => process.env[name]?.trim() || undefined;
  const url = variable('DD_DOGSTATSD_URL');
  const socket = url === undefined ? undefined : /^unix(?:gram)?:\/\/(\/.+)$/u.exec(url);
  if (socket) return { protocol: 'uds', path: socket[1]! };
  const match = url === undefined ? undefined : /^udp:\/\/(\[[^\]]+\]|[^:/[\]]+)(?::(\d+))?\/?$/u.exec(url);
  if (match === null) {
    throw new InvalidOptionError(
      'datadogAgentEnvironment',
      `DD_DOGSTATSD_URL must be udp://host:port, unix:///path or unixgram:///path (unixstream:// is not supported), got ${JSON.stringify(url)}.`,
    );
  }
  if (match !== undefined) {
    return { protocol: 'udp', host: match[1]!.replace(/^\[|\]$/gu, ''), port: Number(match[2] ?? 8125) };
  }
  const path = variable('DD_DOGSTATSD_SOCKET');
  if (path !== undefined) return { protocol: 'uds', path };
  const host = variable('DD_AGENT_HOST');
  const port = variable('DD_DOGSTATSD_PORT');
  return { ...(host === undefined ? {} : { host }), ...(port === undefined ? {} : { port: Number(port) }) };
}

function resolveGlobalTags(options: StatsdExporterOptions): (readonly [string, string])[] {
  const globalTags = check<Record<string, unknown>>(
    'globalTags',
    options.globalTags ?? {},
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    "an object of tag names to values, like { region: 'eu' }",
  );
  const tags = Object.entries(globalTags).map(([key, value]) => {
    if (key === '' || !['string', 'number', 'boolean'].includes(typeof value)) {
      throw new InvalidOptionError(
        'globalTags',
        `globalTags["${key}"] must have a non-empty name and a string, number or boolean value, got ${describeValue(value)}.`,
      );
    }
    return [key, String(value)] as const;
  });
  if (options.datadogEnvironmentTags !== true) return tags;
  for (const [key, variable] of DATADOG_ENVIRONMENT_TAGS) {
    const value = process.env[variable];
    if (value !== undefined && value !== '' && !(key in globalTags)) tags.push([key, value]);
  }
  return tags;
}
