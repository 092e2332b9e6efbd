/**
 * Waits at most `timeoutMs` for `promise`: resolves to its value if it resolves first, else to
 * `timedOut()` (called only then). The timer is unref'd (it never keeps the process alive) and
 * cleared as soon as either side wins. Rejects only if `promise` rejects first: callers pass a
 * promise that already turns its rejection into a value. The late promise is not cancelled.
 * @internal Not exported from the package: the shared timeout of collect hooks and refreshes.
 */
export async function settleWithin<T, U>(
  promise: Promise<T>,
  timeoutMs: number,
  timedOut: () => U,
): Promise<T | U> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(timedOut()), timeoutMs);
    timer.unref?.();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
