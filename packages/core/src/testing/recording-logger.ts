import type { Logger } from '../logging/logger.js';

/** A Logger that keeps its messages, for tests. */
export interface RecordingLogger extends Logger {
  readonly warnings: string[];
  readonly errors: string[];
}

/** Creates a logger that records instead of printing. */
export function createRecordingLogger(): RecordingLogger {
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    warn(message: string): void {
      warnings.push(message);
    },
    error(message: string): void {
      errors.push(message);
    },
  };
}
