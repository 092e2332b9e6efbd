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
import { DIALECTS, type Dialect, type LineFormat, lineFormat } from './format/dialect.js';
import { isStatsdExporterMetrics, StatsdExporterMetrics } from './self-metrics/statsd-exporter-metrics.js';
import type { StatsdExporterOptions } from './statsd-exporter-options.js';
import { canSendPackets, type Target, writesAsciiOnly } from './transport.js';

/** StatsdExporterOptions with defaults applied and every value checked. */
export type ResolvedExporterOptions = Readonly<Required<Omit<StatsdExporterOptions, NotAsGiven>>> & {
  readonly target: Target;
  /** The target as a URL (`udp://127.0.0.1:8125`, `unix:///var/run/datadog/dsd.socket`), for messages. */
  readonly address: string;
  readonly format: LineFormat;
  readonly globalTags: readonly (readonly [string, string])[];
  /** The producers to export (the `registries` option), without repeats. */
  readonly producers: readonly MetricProducer[];
  readonly client: StatsD | undefined;
};

/** Options read into another shape (`target`, `producers`, `globalTags`) or still optional (`client`). */
type NotAsGiven =
  | 'host'
  | 'port'
  | 'protocol'
  | 'path'
  | 'registries'
  | 'globalTags'
  | 'client'
  | 'datadogAgentEnvironment'
  | 'datadogEnvironmentTags';

/** The Datadog Agent's default DogStatsD socket. */
export const DEFAULT_SOCKET_PATH = '/var/run/datadog/dsd.socket';
const DATADOG_ENVIRONMENT_TAGS = [
  ['env', 'DD_ENV'],
  ['service', 'DD_SERVICE'],
  ['version', 'DD_VERSION'],
] as const;

const isText = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '';
const isIntegerIn = (low: number, high: number) => (value: unknown) =>
  Number.isInteger(value) && (value as number) >= low && (value as number) <= high;
const MILLISECONDS = [
  (value: unknown) => typeof value === 'number' && value > 0 && value <= 2 ** 31 - 1,
  'a positive number of milliseconds up to 2147483647',
] as const;

/** How each option is checked: a test, and what the option must be (for the error message). */
const RULES = {
  protocol: [
    (value) => ['udp', 'tcp', 'uds'].includes(value as string),
    "'udp', 'tcp' or 'uds' (a Unix socket)",
  ],
  path: [isText, `a socket path such as '${DEFAULT_SOCKET_PATH}'`],
  host: [isText, "a host name or IP such as '127.0.0.1'"],
  port: [isIntegerIn(1, 65_535), 'an integer from 1 to 65535 (StatsD listens on 8125)'],
  dialect: [(value) => DIALECTS.includes(value as Dialect), `one of '${DIALECTS.join("', '")}'`],
  prefix: [(value) => typeof value === 'string', "a string such as 'myapp'"],
  client: [
    canSendPackets,
    'a hot-shots 17 StatsD instance (new StatsD({...})), or left out to use host and port',
  ],
  logger: [
    (value) =>
      typeof (value as Logger | null)?.warn === 'function' && typeof (value as Logger).error === 'function',
    'an object with warn(message) and error(message) methods (console works)',
  ],
  sendOlderThanMs: [
    (value) => typeof value === 'number' && value >= 0 && value < Number.POSITIVE_INFINITY,
    '0 (no keep-alive) or a positive number of milliseconds',
  ],
  maxPacketBytes: [
    isIntegerIn(64, 65_507),
    'an integer from 64 to 65507 (1432 across a network, 8192 to a local Agent)',
  ],
  name: [isText, 'a non-empty string'],
  selfMetrics: [isStatsdExporterMetrics, 'a StatsdExporterMetrics'],
  now: [(value) => typeof value === 'function', 'a function returning milliseconds, like Date.now'],
  intervalMs: MILLISECONDS,
  refreshTimeoutMs: MILLISECONDS,
  sendTimeoutMs: MILLISECONDS,
  stopTimeoutMs: MILLISECONDS,
} as const satisfies {
  [Key in keyof StatsdExporterOptions]?: readonly [(value: unknown) => boolean, string];
};

/** `value`, or `fallback` when it is undefined, checked by the rule of `option`; throws InvalidOptionError. */
function checked<Key extends keyof typeof RULES>(
  option: Key,
  value: StatsdExporterOptions[Key],
  fallback: StatsdExporterOptions[Key],
): NonNullable<StatsdExporterOptions[Key]> {
  const resolved = value ?? fallback;
  const [valid, expected] = RULES[option];
  if (!passes(valid, resolved)) {
    throw new InvalidOptionError(option, `${option} must be ${expected}, got ${describeValue(resolved)}.`);
  }
  return resolved!;
}

/** True when `valid(value)` is; false when it is not or throws (a Proxy, a throwing getter). */
function passes(valid: (value: unknown) => boolean, value: unknown): boolean {
  try {
    return valid(value);
  } catch {
    return false;
  }
}

/**
 * Applies the documented defaults to `options` and checks every value. Throws
 * InvalidOptionError naming the first invalid option and how to fix it.
 */
export function resolveExporterOptions(options: StatsdExporterOptions = {}): ResolvedExporterOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'options',
      `options must be an object or nothing, got ${describeValue(options)}.`,
    );
  }
  const target = resolveTarget(options);
  const address =
    target.protocol === 'uds'
      ? `unix://${target.path}`
      : `${target.protocol}://${target.host}:${target.port}`;
  const dialect = checked('dialect', options.dialect, 'datadog');
  const histogramsAs = options.histogramsAs ?? (dialect === 'datadog' ? 'distribution' : 'buckets');
  if (histogramsAs !== 'buckets' && !(histogramsAs === 'distribution' && dialect === 'datadog')) {
    throw new InvalidOptionError(
      'histogramsAs',
      `histogramsAs must be 'distribution' (datadog dialect only: only the Datadog Agent reads |d) or 'buckets', got ${describeValue(histogramsAs)} with dialect '${dialect}'.`,
    );
  }
  const givenClient = options.client;
  const client = givenClient === undefined ? undefined : checked('client', givenClient, undefined);
  // hot-shots writes TCP (and stream) packets as ASCII: names and tags must not hold anything else.
  const format = lineFormat(
    dialect,
    client === undefined ? target.protocol === 'tcp' : writesAsciiOnly(client),
  );
  const prefix = checked('prefix', options.prefix, '');
  return {
    target,
    address,
    intervalMs: checked('intervalMs', options.intervalMs, 10_000),
    dialect,
    format,
    histogramsAs,
    prefix: prefix === '' ? '' : `${format.name(prefix.replace(/\.$/u, ''))}.`,
    globalTags: resolveGlobalTags(options),
    producers: toProducerList(options.registries ?? [defaultRegistry], 'registries'),
    refreshTimeoutMs: checked('refreshTimeoutMs', options.refreshTimeoutMs, DEFAULT_REFRESH_TIMEOUT_MS),
    sendOlderThanMs: checked('sendOlderThanMs', options.sendOlderThanMs, 60_000),
    maxPacketBytes: checked(
      'maxPacketBytes',
      options.maxPacketBytes,
      target.protocol === 'uds' ? 8192 : 1432,
    ),
    logger: checked('logger', options.logger, consoleLogger),
    client,
    name: checked('name', options.name, address.replace(/^(udp|tcp):\/\//u, '')),
    selfMetrics: checked('selfMetrics', options.selfMetrics ?? new StatsdExporterMetrics(), undefined),
    sendTimeoutMs: checked('sendTimeoutMs', options.sendTimeoutMs, 5000),
    stopTimeoutMs: checked('stopTimeoutMs', options.stopTimeoutMs, 3000),
    now: checked('now', options.now, Date.now),
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
  const protocol = checked(
    'protocol',
    options.protocol,
    (networkGiven ? undefined : agent.protocol) ?? 'udp',
  );
  if (protocol === 'uds')
    return { protocol, path: checked('path', options.path, agent.path ?? DEFAULT_SOCKET_PATH) };
  return {
    protocol,
    host: checked('host', options.host, agent.host ?? '127.0.0.1'),
    port: checked('port', options.port, agent.port ?? 8125),
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
  const globalTags: Record<string, unknown> = options.globalTags ?? {};
  const tags: (readonly [string, string])[] = [];
  let invalid: string | undefined;
  try {
    if (typeof globalTags !== 'object' || globalTags === null || Array.isArray(globalTags)) {
      invalid = `globalTags must be an object of tag names to values, like { region: 'eu' }, got ${describeValue(globalTags)}.`;
    } else {
      for (const [key, value] of Object.entries(globalTags)) {
        if (key === '' || !['string', 'number', 'boolean'].includes(typeof value)) {
          invalid = `globalTags["${key}"] must have a non-empty name and a string, number or boolean value, got ${describeValue(value)}.`;
          break;
        }
        tags.push([key, String(value)]);
      }
    }
  } catch {
    invalid =
      'globalTags must be a plain object of tag names to values; reading it threw (a getter or a Proxy).';
  }
  if (invalid !== undefined) throw new InvalidOptionError('globalTags', invalid);
  if (options.datadogEnvironmentTags !== true) return tags;
  for (const [key, variable] of DATADOG_ENVIRONMENT_TAGS) {
    const value = process.env[variable];
    if (value !== undefined && value !== '' && !(key in globalTags)) tags.push([key, value]);
  }
  return tags;
}
