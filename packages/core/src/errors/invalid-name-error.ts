import { hasErrorName, ServerMetricsError } from './servermetrics-error.js';

const NAME = 'InvalidNameError';

/**
 * InvalidNameError is thrown at set-up when a metric name or a label name breaks the naming
 * rules (`^[a-zA-Z_:][a-zA-Z0-9_:]*$` for metrics, `^[a-zA-Z_][a-zA-Z0-9_]*$` without a `__`
 * prefix for labels, at most 200 characters, `le` reserved for histograms).
 */
export class InvalidNameError extends ServerMetricsError {
  /** The rejected name. */
  readonly invalidName: string;

  constructor(message: string, invalidName: string) {
    super(NAME, message);
    this.invalidName = invalidName;
  }

  static override isInstance(error: unknown): error is InvalidNameError {
    return hasErrorName(error, NAME);
  }
}
