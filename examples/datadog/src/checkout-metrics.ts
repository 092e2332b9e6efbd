import { Counter, Gauge, Histogram, MetricCollection } from '@servermetrics/core';

/** Payment methods of the simulated checkout, as an enum label. */
export const PAYMENT_METHODS = ['card', 'paypal', 'invoice'] as const;

/** The checkout service's metrics. With the exporter's prefix they arrive as `checkout.<field>`. */
export class CheckoutMetrics extends MetricCollection {
  orders_total: Counter<{ payment_method: typeof PAYMENT_METHODS }> = new Counter({
    help: 'Orders placed, by payment method',
    labels: { payment_method: PAYMENT_METHODS },
  });
  queue_depth: Gauge = new Gauge({ help: 'Orders waiting for a payment answer' });
  payment_duration_seconds: Histogram<{ payment_method: typeof PAYMENT_METHODS }> = new Histogram({
    help: 'Time the payment provider took to answer',
    labels: { payment_method: PAYMENT_METHODS },
    // Native (sparse exponential) buckets: the exporter sends them as DogStatsD distributions,
    // so Datadog computes p50/p95/p99 within a few percent; the classic buckets serve Prometheus.
    native: true,
    buckets: [0.05, 0.1, 0.25, 0.5, 1],
  });
}
