import { ServerMetricsError } from '@servermetrics/core';

const NAME = 'InvalidExporterOptionError';

/**
 * InvalidExporterOptionError is thrown by `new StatsdExporter(options)` when an option is
 * invalid: a port outside 1..65535, an unknown dialect, a registry that is not a
 * MetricRegistry, and so on. The message names the option, what was given and how to fix it.
 */
export class InvalidExporterOptionError extends ServerMetricsError {
  /** The option that was rejected, e.g. `port`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(NAME, message);
    this.option = option;
  }

  /** Returns true when `error` is an InvalidExporterOptionError from any copy of the package. */
  static override isInstance(error: unknown): error is InvalidExporterOptionError {
    return ServerMetricsError.isInstance(error) && error.name === NAME;
  }
}
