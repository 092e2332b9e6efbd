import { hasErrorName, ServerMetricsError } from './servermetrics-error.js';

const NAME = 'DuplicateMetricError';

/**
 * DuplicateMetricError is thrown when a name is already taken in a registry. It carries the
 * metric already registered under that name, so the caller can reuse it instead.
 */
export class DuplicateMetricError extends ServerMetricsError {
  /** The metric name that is already taken. */
  readonly metricName: string;
  /** The metric currently registered under `metricName`. */
  readonly existing: unknown;

  constructor(metricName: string, existing: unknown) {
    super(
      NAME,
      `A metric named "${metricName}" is already registered in this registry. ` +
        'Reuse the existing metric (error.existing), unregister it first, or pass { overwrite: true }.',
    );
    this.metricName = metricName;
    this.existing = existing;
  }

  static override isInstance(error: unknown): error is DuplicateMetricError {
    return hasErrorName(error, NAME);
  }
}
