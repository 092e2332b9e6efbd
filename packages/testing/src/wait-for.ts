/** Options of `waitFor`. */
export interface WaitForOptions {
  /** Give up after this long, in milliseconds. @default 30000 */
  timeoutMs?: number;
  /** Time between two attempts, in milliseconds. @default 20 */
  intervalMs?: number;
  /** Called once on time-out; its JSON goes into the error message, to debug a failure. */
  describeState?: () => unknown;
}

/**
 * The one poller of the test suites: calls `probe` until it returns something other than
 * `undefined` or `false` (or resolves to it) and returns that value. A probe that throws is
 * retried; on time-out the error names `description`, the last error thrown and, when
 * `describeState` is given, the state it describes. Tests poll instead of sleeping, so a slow
 * machine waits longer instead of failing.
 */
export async function waitFor<T>(
  description: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await probe();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError === undefined ? '' : `; last error: ${String(lastError)}`;
      const state =
        options.describeState === undefined ? '' : `; last state: ${JSON.stringify(options.describeState())}`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${cause}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}
