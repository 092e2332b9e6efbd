/**
 * Runs `operation` and resolves with the first value it passes to `finish`, or with `fallback`
 * after `timeoutMs` (a timer that does not keep the process alive). Later calls are ignored.
 */
export function withTimeout<T>(
  timeoutMs: number,
  fallback: T,
  operation: (finish: (value: T) => void) => void,
): Promise<T> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => finish(fallback), timeoutMs);
    timer.unref();
    operation(finish);
  });
}

/** `thrown` as an Error (anything else thrown becomes an Error with its text). */
export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
