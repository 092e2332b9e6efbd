/**
 * Logger receives servermetrics' diagnostics. Any object with `warn` and `error` works
 * (`console`, pino, winston). Implementations should not throw.
 */
export interface Logger {
  warn(message: string): void;
  error(message: string): void;
}

/** The default logger: `console.warn` / `console.error`, prefixed with `[servermetrics]`. */
export const consoleLogger: Logger = {
  warn(message: string): void {
    console.warn(`[servermetrics] ${message}`);
  },
  error(message: string): void {
    console.error(`[servermetrics] ${message}`);
  },
};
