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
import { agentFromEnvironment, datadogEnvironmentTags } from './datadog-agent-environment.js';
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

/** A check of one option value: true when valid. */
type Check = (value: unknown) => boolean;

const isText: Check = (value) => typeof value === 'string' && value.trim() !== '';
const isBoolean: Check = (value) => typeof value === 'boolean';
const isIntegerIn =
  (low: number, high: number): Check =>
  (value) =>
    Number.isInteger(value) && (value as number) >= low && (value as number) <= high;
const MILLISECONDS = [
  (value) => typeof value === 'number' && value > 0 && value <= 2 ** 31 - 1,
  'a positive number of milliseconds up to 2147483647',
] as const satisfies readonly [Check, string];

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
  histogramsAs: [(value) => value === 'distribution' || value === 'buckets', "'distribution' or 'buckets'"],
  datadogAgentEnvironment: [isBoolean, 'true or false'],
  datadogEnvironmentTags: [isBoolean, 'true or false'],
  intervalMs: MILLISECONDS,
  refreshTimeoutMs: MILLISECONDS,
  sendTimeoutMs: MILLISECONDS,
  stopTimeoutMs: MILLISECONDS,
} as const satisfies {
  [Key in keyof StatsdExporterOptions]?: readonly [Check, string];
};

/** `value`, or `fallback` when it is undefined, checked by the rule of `option`; throws InvalidOptionError (null too). */
function checked<Key extends keyof typeof RULES>(
  option: Key,
  value: StatsdExporterOptions[Key],
  fallback: StatsdExporterOptions[Key],
): NonNullable<StatsdExporterOptions[Key]> {
  const resolved = value === undefined ? fallback : value;
  const [valid, expected] = RULES[option];
  if (!passes(valid, resolved)) {
    throw new InvalidOptionError(option, `${option} must be ${expected}, got ${describeValue(resolved)}.`);
  }
  return resolved!;
}

/** True when `valid(value)` is; false when it is not or throws (a Proxy, a throwing getter). */
function passes(valid: Check, value: unknown): boolean {
  try {
    return valid(value);
  } catch {
    return false;
  }
}

/** Every option, read once from the caller's object (a getter or a Proxy trap that throws is invalid). */
const OPTION_NAMES: readonly (keyof StatsdExporterOptions)[] = [
  ...(Object.keys(RULES) as (keyof typeof RULES)[]),
  'registries',
  'globalTags',
];

function readOptions(options: unknown): StatsdExporterOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'options',
      `options must be an object or nothing, got ${describeValue(options)}.`,
    );
  }
  const copy: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    try {
      copy[name] = (options as Record<string, unknown>)[name];
    } catch {
      throw new InvalidOptionError(name, `${name} must be readable, but its getter or Proxy trap threw.`);
    }
  }
  return copy as StatsdExporterOptions;
}

/**
 * Applies the documented defaults to `options` and checks every value, reading each option
 * once. Throws InvalidOptionError naming the first invalid option and how to fix it.
 */
export function resolveExporterOptions(given: StatsdExporterOptions = {}): ResolvedExporterOptions {
  const options = readOptions(given);
  const target = resolveTarget(options);
  const address =
    target.protocol === 'uds'
      ? `unix://${target.path}`
      : `${target.protocol}://${target.host}:${target.port}`;
  const dialect = checked('dialect', options.dialect, 'datadog');
  const histogramsAs = checked(
    'histogramsAs',
    options.histogramsAs,
    dialect === 'datadog' ? 'distribution' : 'buckets',
  );
  if (histogramsAs === 'distribution' && dialect !== 'datadog') {
    throw new InvalidOptionError(
      'histogramsAs',
      `histogramsAs must be 'buckets' with dialect '${dialect}': only the Datadog Agent reads distributions (|d).`,
    );
  }
  const client = options.client === undefined ? undefined : checked('client', options.client, undefined);
  // hot-shots writes TCP (and stream) packets as ASCII: names and tags must not hold anything else.
  const format = lineFormat(
    dialect,
    client === undefined ? target.protocol === 'tcp' : clientWritesAscii(client),
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
    producers: toProducerList(
      options.registries === undefined ? [defaultRegistry] : options.registries,
      'registries',
    ),
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
    selfMetrics:
      options.selfMetrics === undefined
        ? new StatsdExporterMetrics()
        : checked('selfMetrics', options.selfMetrics, undefined),
    sendTimeoutMs: checked('sendTimeoutMs', options.sendTimeoutMs, 5000),
    stopTimeoutMs: checked('stopTimeoutMs', options.stopTimeoutMs, 3000),
    now: checked('now', options.now, Date.now),
  };
}

/** Whether a `client` writes text as ASCII; reading its protocol may throw (a Proxy). */
function clientWritesAscii(client: StatsD): boolean {
  try {
    return writesAsciiOnly(client);
  } catch {
    throw new InvalidOptionError(
      'client',
      'client must be a hot-shots 17 StatsD instance, but reading its protocol threw.',
    );
  }
}

/**
 * Where the exporter sends. `path` alone means the Unix socket. Explicit options win field by
 * field over the Datadog variables (read only when `datadogAgentEnvironment` is true); a socket
 * from the variables is used unless `host` or `port` is given or `protocol` is 'udp' or 'tcp'.
 * `host` or `port` with a Unix socket, or `path` with UDP or TCP, is a mistake and throws.
 */
function resolveTarget(options: StatsdExporterOptions): Target {
  const agent = checked('datadogAgentEnvironment', options.datadogAgentEnvironment, false)
    ? agentFromEnvironment()
    : {};
  const networkGiven = options.host !== undefined || options.port !== undefined;
  const implied = options.path !== undefined ? 'uds' : networkGiven ? undefined : agent.protocol;
  const protocol = checked('protocol', options.protocol, implied ?? 'udp');
  if (protocol === 'uds') {
    if (networkGiven) {
      throw new InvalidOptionError(
        options.host === undefined ? 'port' : 'host',
        "host and port must be left out with protocol 'uds': give path, the Agent's socket, instead.",
      );
    }
    return { protocol, path: checked('path', options.path, agent.path ?? DEFAULT_SOCKET_PATH) };
  }
  if (options.path !== undefined) {
    throw new InvalidOptionError(
      'path',
      `path must be left out with protocol '${protocol}' (it is the socket of protocol 'uds').`,
    );
  }
  return {
    protocol,
    host: checked('host', options.host, agent.host ?? '127.0.0.1'),
    port: checked('port', options.port, agent.port ?? 8125),
  };
}

function resolveGlobalTags(options: StatsdExporterOptions): (readonly [string, string])[] {
  const globalTags: unknown = options.globalTags === undefined ? {} : options.globalTags;
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
  if (!checked('datadogEnvironmentTags', options.datadogEnvironmentTags, false)) return tags;
  const given = new Set(tags.map(([key]) => key));
  return [...tags, ...datadogEnvironmentTags().filter(([key]) => !given.has(key))];
}
