import { hasErrorName, ServerMetricsError } from './servermetrics-error.js';

const NAME = 'IncompatibleMetricError';

/**
 * IncompatibleMetricError is thrown at set-up when a component (such as an HTTP middleware)
 * wants to reuse a metric already registered under its name, but the registered metric has
 * another type, other labels or other buckets.
 */
export class IncompatibleMetricError extends ServerMetricsError {
  /** The metric name both want. */
  readonly metricName: string;

  constructor(metricName: string, wanted: string, difference: string) {
    super(
      NAME,
      `Metric "${metricName}" is already registered and cannot be reused: this component needs ${wanted}, ` +
        `but ${difference}. Give every component that shares a registry the same options, ` +
        'use a different prefix, or use a separate registry.',
    );
    this.metricName = metricName;
  }

  static override isInstance(error: unknown): error is IncompatibleMetricError {
    return hasErrorName(error, NAME);
  }
}
