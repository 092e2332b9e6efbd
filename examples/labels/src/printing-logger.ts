import type { Logger } from '@servermetrics/core';

/** One message servermetrics reported. */
export interface LoggedMessage {
  readonly level: 'warn' | 'error';
  readonly message: string;
}

/**
 * PrintingLogger is a servermetrics Logger that prints each message (so you see what the library
 * reports) and keeps the most recent ones (so tests can read them). Any object with `warn` and
 * `error` works as a logger: `console`, pino, winston.
 */
export class PrintingLogger implements Logger {
  /** The most recent messages, oldest first (at most `keep`). */
  readonly messages: LoggedMessage[] = [];

  /**
   * @param print where each message goes. @default console.log
   * @param keep how many recent messages to keep. @default 100
   */
  constructor(
    private readonly print: (line: string) => void = console.log,
    private readonly keep = 100,
  ) {}

  warn(message: string): void {
    this.record('warn', message);
  }

  error(message: string): void {
    this.record('error', message);
  }

  private record(level: LoggedMessage['level'], message: string): void {
    this.messages.push({ level, message });
    if (this.messages.length > this.keep) this.messages.shift();
    this.print(`[servermetrics ${level}] ${message}`);
  }
}
