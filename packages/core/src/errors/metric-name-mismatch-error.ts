import { hasErrorName, ServerMetricsError } from './servermetrics-error.js';

const NAME = 'MetricNameMismatchError';

/**
 * MetricNameMismatchError is thrown when a metric that already has a name (fixed by its first
 * registration) is registered under a different one.
 */
export class MetricNameMismatchError extends ServerMetricsError {
  /** The name the metric already has. */
  readonly currentName: string;
  /** The name the caller tried to register it under. */
  readonly requestedName: string;

  constructor(currentName: string, requestedName: string) {
    super(
      NAME,
      `Cannot register metric "${currentName}" as "${requestedName}": a metric's name is fixed by its first ` +
        'registration. Register it under the same name, or create a new metric for the new name.',
    );
    this.currentName = currentName;
    this.requestedName = requestedName;
  }

  static override isInstance(error: unknown): error is MetricNameMismatchError {
    return hasErrorName(error, NAME);
  }
}
