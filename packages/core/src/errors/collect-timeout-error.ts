import { hasErrorName, ServerMetricsError } from './servermetrics-error.js';

const NAME = 'CollectTimeoutError';

/**
 * CollectTimeoutError is what `runCollectHooks` reports for a metric whose `collect` hook did
 * not settle within the registry's `collectTimeoutMs`, or was still running from an earlier
 * collection. The metric keeps its previous values; the collection goes on without waiting.
 */
export class CollectTimeoutError extends ServerMetricsError {
  /** The metric whose hook is late. */
  readonly metricName: string;

  constructor(metricName: string, message: string) {
    super(NAME, message);
    this.metricName = metricName;
  }

  static override isInstance(error: unknown): error is CollectTimeoutError {
    return hasErrorName(error, NAME);
  }
}
