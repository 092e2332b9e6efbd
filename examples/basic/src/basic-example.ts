import { defaultRegistry, type MetricRegistry, publishMetricsFrom } from '@servermetrics/core';
import { type MetricsServer, startMetricsServer } from '@servermetrics/exporter-prometheus';
import { LunchMetrics } from './lunch-metrics.js';

/** Options of the basic example. */
export interface BasicExampleOptions {
  /** Port of the metrics server; 0 picks a free one. @default 9464 */
  port?: number;
  /** How often the simulated module eats or gets hungrier, in milliseconds. @default 1000 */
  tickMs?: number;
}

/** The running example: its metrics, its server and a way to stop both. */
export interface BasicExample {
  readonly metrics: LunchMetrics;
  readonly registry: MetricRegistry;
  readonly server: MetricsServer;
  /** Runs one step of the simulation (the timer calls it too). */
  tick(): void;
  close(): Promise<void>;
}

/**
 * Publishes the lunch module's metrics into the default registry, serves them on
 * `http://127.0.0.1:<port>/metrics`, and simulates the module: each tick it gets hungrier, and
 * when hunger reaches 8 it eats (hunger drops by 6).
 */
export async function startBasicExample(options: BasicExampleOptions = {}): Promise<BasicExample> {
  const metrics = publishMetricsFrom(new LunchMetrics());
  const server = await startMetricsServer({ port: options.port ?? 9464, registry: defaultRegistry });
  const tick = (): void => {
    metrics.hunger_level.inc();
    if ((metrics.hunger_level.value() ?? 0) >= 8) {
      metrics.lunches_consumed_total.inc();
      metrics.hunger_level.dec(6);
    }
  };
  const timer = setInterval(tick, options.tickMs ?? 1000);
  timer.unref();
  return {
    metrics,
    registry: defaultRegistry,
    server,
    tick,
    async close(): Promise<void> {
      clearInterval(timer);
      await server.close();
      for (const name of Object.keys(metrics)) defaultRegistry.unregister(name);
    },
  };
}
