import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricRegistry } from '@servermetrics/core';
import { StatsdExporter } from '@servermetrics/exporter-statsd';
import { type RuntimeMetrics, startRuntimeMetrics } from '@servermetrics/runtime';
import { startTraffic, type Traffic } from './traffic.js';

/** Where and how often to push to StatsD / DogStatsD. */
export interface StatsdTarget {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 8125 */
  port?: number;
  /** Time between two pushes, in milliseconds. @default 10000 */
  intervalMs?: number;
}

/** Options of startDemoServer. */
export interface DemoServerOptions {
  /** The app as a `node:http` request listener: an Express app, or Koa's `app.callback()`. */
  listener: RequestListener;
  /** The registry the app records into and serves on `/metrics`; the one pushed to StatsD. */
  registry: MetricRegistry;
  /** Name of the app, sent to StatsD as the `service` tag. */
  name: string;
  /** TCP port; 0 picks a free one. @default 3000 */
  port?: number;
  /** Address to listen on (`'0.0.0.0'` to be scraped from a container). @default '127.0.0.1' */
  host?: string;
  /** Send simulated traffic to the app: true, or the time between two requests in milliseconds. @default false */
  traffic?: boolean | number;
  /** Also push the registry to StatsD / DogStatsD. @default false */
  statsd?: StatsdTarget | false;
  /**
   * Register the process and Node.js runtime metrics (`@servermetrics/runtime`, prom-client's
   * names) in the registry while the demo runs. @default true
   */
  runtimeMetrics?: boolean;
}

/** A running demo app. */
export interface DemoServer {
  /** Base URL of the app, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  /** URL of its metrics, `<url>/metrics`. */
  readonly metricsUrl: string;
  readonly port: number;
  readonly server: Server;
  readonly registry: MetricRegistry;
  /** The simulated traffic, when asked for. */
  readonly traffic: Traffic | undefined;
  /** The StatsD exporter, when asked for. */
  readonly statsd: StatsdExporter | undefined;
  /** The runtime metrics, unless turned off. */
  readonly runtime: RuntimeMetrics | undefined;
  /** Stops the traffic (waiting for requests in flight), pushes to StatsD once more, and closes the server. */
  close(): Promise<void>;
}

/**
 * Serves `listener` on `host:port`, then starts the simulated traffic and the StatsD push when
 * asked. Rejects when the port cannot be bound.
 */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const server = createServer(options.listener);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const runtime =
    options.runtimeMetrics === false ? undefined : startRuntimeMetrics({ registry: options.registry });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const statsd =
    options.statsd === undefined || options.statsd === false
      ? undefined
      : new StatsdExporter({
          host: options.statsd.host ?? '127.0.0.1',
          port: options.statsd.port ?? 8125,
          intervalMs: options.statsd.intervalMs ?? 10_000,
          dialect: 'datadog',
          globalTags: { service: options.name },
          registries: [options.registry],
        });
  statsd?.start();
  const traffic =
    options.traffic === undefined || options.traffic === false
      ? undefined
      : startTraffic({
          baseUrl: url,
          intervalMs: typeof options.traffic === 'number' ? options.traffic : undefined,
        });
  let closing: Promise<void> | undefined;
  return {
    url,
    metricsUrl: `${url}/metrics`,
    port,
    server,
    registry: options.registry,
    traffic,
    statsd,
    runtime,
    close(): Promise<void> {
      closing ??= (async (): Promise<void> => {
        await traffic?.stop();
        await statsd?.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        runtime?.stop();
      })();
      return closing;
    },
  };
}
