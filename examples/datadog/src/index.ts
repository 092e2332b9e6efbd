export { CheckoutMetrics, PAYMENT_METHODS } from './checkout-metrics.js';
export type { DatadogExample, DatadogExampleOptions } from './datadog-example.js';
export { startDatadogExample } from './datadog-example.js';
