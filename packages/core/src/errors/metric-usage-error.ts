import { hasErrorName, ServerMetricsError } from './servermetrics-error.js';

const NAME = 'MetricUsageError';

/** The message of a MetricUsageError, also what is logged outside strict mode. */
export function formatUsageMessage(metricName: string, operation: string, problem: string): string {
  return `${metricName}.${operation}(): ${problem}; the call was dropped`;
}

/**
 * MetricUsageError describes a misuse on the hot path (`inc`, `set`, `observe`, `with`, ...):
 * missing, unknown or wrongly typed labels, or an invalid amount.
 *
 * Outside strict mode it is never thrown: the operation is dropped and the message is logged
 * (rate-limited). In strict mode (`SERVERMETRICS_STRICT=1` or `new MetricRegistry({ strict: true })`)
 * it is thrown, so tests catch instrumentation bugs. When the misuse is an exception thrown by the
 * caller's own code (a label getter or a Proxy trap), that exception is the error's `cause`.
 */
export class MetricUsageError extends ServerMetricsError {
  /** The metric's registered name, or `<unregistered counter>` and the like before registration. */
  readonly metricName: string;
  /** The operation that was called: `inc`, `dec`, `set`, `observe`, `with`, `startTimer`. */
  readonly operation: string;
  /** What was wrong, e.g. `missing label "action"`. */
  readonly problem: string;

  constructor(metricName: string, operation: string, problem: string, options?: { cause?: unknown }) {
    super(NAME, formatUsageMessage(metricName, operation, problem), options);
    this.metricName = metricName;
    this.operation = operation;
    this.problem = problem;
  }

  static override isInstance(error: unknown): error is MetricUsageError {
    return hasErrorName(error, NAME);
  }
}
