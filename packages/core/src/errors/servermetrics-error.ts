const errorBrand: unique symbol = Symbol.for('servermetrics.error');

/**
 * ServerMetricsError is the base class of every error servermetrics throws.
 *
 * Each subclass has a stable `name` and carries a `Symbol.for` brand, so `isInstance` works
 * across the ESM and CJS builds and across duplicate copies of the package, where
 * `instanceof` does not.
 */
export class ServerMetricsError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
    (this as unknown as Record<symbol, boolean>)[errorBrand] = true;
  }

  /** Returns true when `error` is any servermetrics error, whichever copy of the package threw it. */
  static isInstance(error: unknown): error is ServerMetricsError {
    return (
      typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[errorBrand] === true
    );
  }
}

/** Brand check shared by the subclasses: a servermetrics error with the given stable name. */
export function hasErrorName(error: unknown, name: string): boolean {
  return ServerMetricsError.isInstance(error) && error.name === name;
}
