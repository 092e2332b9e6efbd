export { CheckoutMetrics, PAYMENT_METHODS } from './checkout-metrics.js';
export type { DatadogExample, DatadogExampleOptions } from './datadog-example.js';
export { startDatadogExample } from './datadog-example.js';
export type { StatsdListener, StatsdListenerOptions } from './statsd-listener.js';
export { listenForStatsd } from './statsd-listener.js';
