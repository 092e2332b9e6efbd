import { hasErrorName, ServerMetricsError } from './servermetrics-error.js';

const NAME = 'MetricNotFoundError';

/** MetricNotFoundError is thrown by `unregister` when no metric has the given name. */
export class MetricNotFoundError extends ServerMetricsError {
  /** The name that was looked up. */
  readonly metricName: string;

  constructor(metricName: string) {
    super(NAME, `No metric named "${metricName}" is registered in this registry.`);
    this.metricName = metricName;
  }

  static override isInstance(error: unknown): error is MetricNotFoundError {
    return hasErrorName(error, NAME);
  }
}
