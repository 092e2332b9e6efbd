import type { StatsdTarget } from './start-demo-server.js';

/** What the command line of an example app asks for. */
export interface DemoArguments {
  port: number;
  host: string;
  /** Time between two simulated requests in milliseconds, or false for none. */
  traffic: number | false;
  statsd: StatsdTarget | false;
}

function parseStatsdTarget(text: string): StatsdTarget {
  if (text === '' || text === '1' || text === 'true') return {};
  const separator = text.lastIndexOf(':');
  const host = separator < 0 ? text : text.slice(0, separator);
  const port = separator < 0 ? undefined : Number(text.slice(separator + 1));
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new Error(`--statsd expects host:port, like 127.0.0.1:8125; got "${text}".`);
  }
  return { host: host || undefined, port };
}

/**
 * Reads an example app's options from its command line and environment:
 * `--statsd` or `--statsd=host:port` (or `STATSD=host:port`, `STATSD=1`) pushes to StatsD every
 * 2 s; `--no-traffic` turns the simulated traffic off; `PORT` and `HOST` say where to listen.
 * Throws with a usage message on a value it cannot read.
 */
export function parseDemoArguments(
  argv: readonly string[],
  environment: Readonly<Record<string, string | undefined>>,
  defaultPort: number,
): DemoArguments {
  const port = Number(environment.PORT ?? defaultPort);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new Error(`PORT must be a port number (0 picks a free one); got "${environment.PORT}".`);
  }
  const statsdFlag = argv.find((argument) => argument === '--statsd' || argument.startsWith('--statsd='));
  const statsdText = statsdFlag?.slice('--statsd='.length) ?? environment.STATSD;
  const statsd =
    statsdText === undefined || statsdText === '0' || statsdText === 'false'
      ? false
      : { ...parseStatsdTarget(statsdText), intervalMs: 2000 };
  return {
    port,
    host: environment.HOST ?? '127.0.0.1',
    traffic: argv.includes('--no-traffic') ? false : 100,
    statsd,
  };
}
