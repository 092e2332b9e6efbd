/** Options of waitFor. */
export interface WaitForOptions {
  /** Give up after this long, in milliseconds. @default 20000 */
  timeoutMs?: number;
  /** Time between two attempts, in milliseconds. @default 100 */
  intervalMs?: number;
}

/**
 * Calls `attempt` until it returns a value other than undefined (or resolves to one), and
 * returns that value. Throws after `timeoutMs`, naming `description` and the last error the
 * attempt threw, so a test polls for a condition instead of sleeping a fixed time.
 */
export async function waitFor<T>(
  description: string,
  attempt: () => T | undefined | Promise<T | undefined>,
  options: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let lastError: unknown;
  for (;;) {
    try {
      const result = await attempt();
      if (result !== undefined) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError === undefined ? '' : ` (last error: ${String(lastError)})`;
      throw new Error(`Timed out waiting for ${description}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
