import type { Logger } from '@servermetrics/core';

/** MemoryLogger records what it is told, for assertions on log output. */
export interface MemoryLogger extends Logger {
  readonly messages: { level: 'warn' | 'error'; message: string }[];
  /** Messages containing `text`. */
  matching(text: string): string[];
}

export function memoryLogger(): MemoryLogger {
  const messages: { level: 'warn' | 'error'; message: string }[] = [];
  return {
    messages,
    warn: (message) => messages.push({ level: 'warn', message }),
    error: (message) => messages.push({ level: 'error', message }),
    matching: (text) =>
      messages.filter((entry) => entry.message.includes(text)).map((entry) => entry.message),
  };
}
