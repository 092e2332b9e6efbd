import { type DemoServer, type StatsdTarget, startDemoServer } from '@internal/demo-harness';
import { defaultRegistry, type MetricRegistry } from '@servermetrics/core';
import { createKoaApp } from './koa-app.js';

/** Options of the Koa example. */
export interface KoaExampleOptions {
  /** TCP port of the app; 0 picks a free one. @default 3000 */
  port?: number;
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
  /** Registry of the HTTP metrics. @default defaultRegistry */
  registry?: MetricRegistry;
  /** Send simulated traffic: true, or the time between two requests in milliseconds. @default false */
  traffic?: boolean | number;
  /** Also push the metrics to StatsD / DogStatsD. @default false */
  statsd?: StatsdTarget | false;
}

/**
 * Starts the Koa example app on `http://<host>:<port>` with its metrics on `/metrics`, plus
 * simulated traffic and a StatsD push when asked. `close()` stops all of it.
 */
export function startKoaExample(options: KoaExampleOptions = {}): Promise<DemoServer> {
  const registry = options.registry ?? defaultRegistry;
  return startDemoServer({
    name: 'koa-example',
    listener: createKoaApp({ registry }).callback(),
    registry,
    port: options.port,
    host: options.host,
    traffic: options.traffic,
    statsd: options.statsd,
  });
}
