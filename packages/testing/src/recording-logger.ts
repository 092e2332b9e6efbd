/** One message a RecordingLogger received. */
export interface RecordedMessage {
  readonly level: 'warn' | 'error';
  readonly message: string;
}

/**
 * A logger that keeps its messages, for assertions on log output. Structurally a
 * `@servermetrics/core` Logger (`warn` and `error`), so this kit depends on no package it tests.
 */
export interface RecordingLogger {
  warn(message: string): void;
  error(message: string): void;
  /** Every message in arrival order. */
  readonly messages: RecordedMessage[];
  /** The `warn` messages. */
  readonly warnings: string[];
  /** The `error` messages. */
  readonly errors: string[];
  /** Messages (of either level) containing `text`. */
  matching(text: string): string[];
}

/** Creates a logger that records instead of printing. */
export function createRecordingLogger(): RecordingLogger {
  const messages: RecordedMessage[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    messages,
    warnings,
    errors,
    warn(message: string): void {
      messages.push({ level: 'warn', message });
      warnings.push(message);
    },
    error(message: string): void {
      messages.push({ level: 'error', message });
      errors.push(message);
    },
    matching(text: string): string[] {
      return messages.filter((entry) => entry.message.includes(text)).map((entry) => entry.message);
    },
  };
}
