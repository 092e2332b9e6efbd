/**
 * Polls `condition` every 20 ms until it returns true, or rejects after `timeoutMs` with an error
 * naming `description` (and the last value `describeState` returns, to debug a failure).
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  description: string,
  options: { timeoutMs?: number; describeState?: () => unknown } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      const state =
        options.describeState === undefined ? '' : ` Last state: ${JSON.stringify(options.describeState())}`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}.${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
