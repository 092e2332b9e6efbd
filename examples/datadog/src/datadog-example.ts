import { MetricRegistry } from '@servermetrics/core';
import { StatsdExporter } from '@servermetrics/exporter-statsd';
import { CheckoutMetrics } from './checkout-metrics.js';

/** Options of the Datadog example. */
export interface DatadogExampleOptions {
  /** Host of the Datadog Agent's DogStatsD server. @default '127.0.0.1' */
  host?: string;
  /** DogStatsD port. @default 8125 */
  port?: number;
  /** Time between two pushes, in milliseconds. @default 10000 (the Agent's own flush interval) */
  intervalMs?: number;
  /** How often the simulated checkout takes orders, in milliseconds. @default 500 */
  tickMs?: number;
  /** Tags on every line. @default { env: 'dev', service: 'checkout', version: '1.0.0' } */
  globalTags?: Readonly<Record<string, string>>;
}

/** The running example: its metrics, registry, exporter and a way to stop them. */
export interface DatadogExample {
  readonly metrics: CheckoutMetrics;
  /** A registry of its own: only what is registered here is pushed. */
  readonly registry: MetricRegistry;
  readonly exporter: StatsdExporter;
  /** Takes one round of simulated orders (the timer calls it too). */
  tick(): void;
  /** Stops the simulation and the exporter, which pushes one last time. */
  close(): Promise<void>;
}

/** Simulated answer time of the payment provider, per method, in seconds. */
const PAYMENT_SECONDS = { card: 0.08, paypal: 0.3, invoice: 0.7 } as const;

/**
 * Registers the checkout metrics in a registry of their own and pushes that registry to
 * DogStatsD on `host:port` every `intervalMs`, named `checkout.<metric>` and tagged with the
 * labels plus `globalTags`. Tick `n` takes 2 card orders and 1 PayPal order, plus an invoice
 * order when `n` is a multiple of 3, and sets the queue depth to `n mod 5`.
 */
export function startDatadogExample(options: DatadogExampleOptions = {}): DatadogExample {
  const registry = new MetricRegistry();
  const metrics = registry.registerCollection(new CheckoutMetrics());
  const exporter = new StatsdExporter({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8125,
    dialect: 'datadog',
    prefix: 'checkout',
    globalTags: options.globalTags ?? { env: 'dev', service: 'checkout', version: '1.0.0' },
    registries: [registry],
    intervalMs: options.intervalMs ?? 10_000,
    // A Datadog Agent on the same host reads datagrams of up to 8 KiB.
    maxPacketBytes: 8192,
  });
  let ticks = 0;
  const order = (paymentMethod: keyof typeof PAYMENT_SECONDS): void => {
    metrics.orders_total.inc({ payment_method: paymentMethod });
    metrics.payment_duration_seconds.observe(
      { payment_method: paymentMethod },
      PAYMENT_SECONDS[paymentMethod],
    );
  };
  const tick = (): void => {
    ticks++;
    order('card');
    order('card');
    order('paypal');
    if (ticks % 3 === 0) order('invoice');
    metrics.queue_depth.set(ticks % 5);
  };
  const timer = setInterval(tick, options.tickMs ?? 500);
  timer.unref();
  exporter.start();
  return {
    metrics,
    registry,
    exporter,
    tick,
    async close(): Promise<void> {
      clearInterval(timer);
      await exporter.stop();
    },
  };
}
