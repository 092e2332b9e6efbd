import { InvalidOptionError } from '@servermetrics/core';

/** Where the Datadog variables say the Agent listens: a socket path, or a host and a port. */
export interface AgentAddress {
  readonly protocol?: 'udp' | 'uds';
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
}

/**
 * The Agent address as Datadog's clients read it: `DD_DOGSTATSD_URL` (`udp://host:port`,
 * `unix:///path` or `unixgram:///path`), else `DD_DOGSTATSD_SOCKET` (a socket path), else
 * `DD_AGENT_HOST` and `DD_DOGSTATSD_PORT`. Throws InvalidOptionError (option
 * `datadogAgentEnvironment`) for a URL or port it cannot use, naming the variable.
 */
export function agentFromEnvironment(): AgentAddress {
  const url = variable('DD_DOGSTATSD_URL');
  if (url !== undefined) {
    const socket = /^unix(?:gram)?:\/\/(\/.+)$/u.exec(url);
    if (socket !== null) return { protocol: 'uds', path: socket[1]! };
    const match = /^udp:\/\/(\[[^\]]+\]|[^:/[\]]+)(?::(\d+))?\/?$/u.exec(url);
    if (match === null) {
      throw new InvalidOptionError(
        'datadogAgentEnvironment',
        `DD_DOGSTATSD_URL must be udp://host:port, unix:///path or unixgram:///path (unixstream:// is not supported), got ${JSON.stringify(url)}.`,
      );
    }
    const host = match[1]!.replace(/^\[|\]$/gu, '');
    return { protocol: 'udp', host, port: portNumber('DD_DOGSTATSD_URL', match[2] ?? '8125') };
  }
  const path = variable('DD_DOGSTATSD_SOCKET');
  if (path !== undefined) return { protocol: 'uds', path };
  const host = variable('DD_AGENT_HOST');
  const port = variable('DD_DOGSTATSD_PORT');
  return {
    ...(host === undefined ? {} : { host }),
    ...(port === undefined ? {} : { port: portNumber('DD_DOGSTATSD_PORT', port) }),
  };
}

/** `env`, `service` and `version` tags from `DD_ENV`, `DD_SERVICE` and `DD_VERSION`, when set. */
export function datadogEnvironmentTags(): [string, string][] {
  const tags: [string, string][] = [];
  for (const [key, name] of [
    ['env', 'DD_ENV'],
    ['service', 'DD_SERVICE'],
    ['version', 'DD_VERSION'],
  ] as const) {
    const value = process.env[name];
    if (value !== undefined && value !== '') tags.push([key, value]);
  }
  return tags;
}

function variable(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value === '' ? undefined : value;
}

function portNumber(name: string, text: string): number {
  const port = Number(text);
  if (!(/^\d+$/u.test(text) && port >= 1 && port <= 65_535)) {
    throw new InvalidOptionError(
      'datadogAgentEnvironment',
      `${name} must give a port from 1 to 65535 (the Agent listens on 8125), got ${JSON.stringify(text)}.`,
    );
  }
  return port;
}
