import { MetricRegistry, refreshProducers } from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import { startRuntimeMetrics } from '@servermetrics/runtime';
import * as promClient from 'prom-client';

/** The three processes the runtime suite compares. */
export const RUNTIME_CONFIGURATIONS = ['none', 'servermetrics', 'prom-client'] as const;

/** One of the runtime configurations. */
export type RuntimeConfiguration = (typeof RUNTIME_CONFIGURATIONS)[number];

/** Scrape interval inside the measured processes: short, so scrape cost shows in the figures. */
export const IN_PROCESS_SCRAPE_INTERVAL_MS = 1000;

/** RunningRuntime is a configuration's runtime metrics, started. */
export interface RunningRuntime {
  /** Renders the runtime families once, the way the library's /metrics does. */
  scrape(): Promise<string>;
  /**
   * Stops what can be stopped: ours stops; prom-client's registry is cleared, but its
   * event-loop monitor and GC observer cannot be stopped and keep running.
   */
  stop(): void;
}

/**
 * Starts a configuration's runtime metrics in a private registry, with its defaults, and
 * returns one scrape of them:
 * - `servermetrics`: `startRuntimeMetrics()`; a scrape runs the collect hooks
 *   (`refreshProducers`) and `renderMetrics`, as `metricsHandler` does;
 * - `prom-client`: `collectDefaultMetrics()`; a scrape is `await register.metrics()`;
 * - `none`: nothing; a scrape returns `''`.
 */
export function startRuntimeConfiguration(configuration: RuntimeConfiguration): RunningRuntime {
  if (configuration === 'servermetrics') {
    const registry = new MetricRegistry();
    const runtime = startRuntimeMetrics({ registry });
    return {
      async scrape(): Promise<string> {
        await refreshProducers([registry]);
        return renderMetrics(registry);
      },
      stop: () => runtime.stop(),
    };
  }
  if (configuration === 'prom-client') {
    const register = new promClient.Registry();
    promClient.collectDefaultMetrics({ register });
    return { scrape: () => register.metrics(), stop: () => register.clear() };
  }
  return { scrape: () => Promise.resolve(''), stop: () => undefined };
}

/**
 * Starts a configuration and scrapes it every `IN_PROCESS_SCRAPE_INTERVAL_MS` on an unref'd
 * timer, as if Prometheus scraped the process (without the HTTP cost, which is the same for
 * every library).
 */
export function runRuntimeConfiguration(configuration: RuntimeConfiguration): void {
  const runtime = startRuntimeConfiguration(configuration);
  setInterval(() => {
    void runtime.scrape().then((text) => Buffer.byteLength(text));
  }, IN_PROCESS_SCRAPE_INTERVAL_MS).unref();
}

/** Reads `--runtime=<configuration>` from the arguments; `none` when absent. */
export function runtimeArgument(arguments_: readonly string[]): RuntimeConfiguration {
  const value = arguments_.find((argument) => argument.startsWith('--runtime='))?.slice('--runtime='.length);
  if (value === undefined) return 'none';
  if (!(RUNTIME_CONFIGURATIONS as readonly string[]).includes(value))
    throw new Error(`--runtime must be one of ${RUNTIME_CONFIGURATIONS.join(', ')}, got ${value}`);
  return value as RuntimeConfiguration;
}
