import { hasErrorName, ServerMetricsError } from './servermetrics-error.js';

const NAME = 'InvalidOptionError';

/**
 * InvalidOptionError is thrown at set-up when a metric or registry option is invalid:
 * unsorted or non-finite buckets, a label schema entry that is not a known type, a `maxCells`
 * that is not a positive integer, and so on. The message names the option and how to fix it.
 */
export class InvalidOptionError extends ServerMetricsError {
  /** The option that was rejected, e.g. `buckets`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(NAME, message);
    this.option = option;
  }

  static override isInstance(error: unknown): error is InvalidOptionError {
    return hasErrorName(error, NAME);
  }
}
