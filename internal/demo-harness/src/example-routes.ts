// The example apps (Express and Koa) serve the same routes, listed with the labels they must
// get in example-requests.ts, so one traffic generator, one dashboard and one set of tests fit
// both. Every route accepts `?delay_ms=<n>` to simulate work.

/** Users the example apps know: ids 1 to USER_COUNT. */
export const USER_COUNT = 10;

/** Longest simulated delay the apps accept, in milliseconds. */
export const MAX_DELAY_MS = 5000;

/**
 * Reads `delay_ms` from a query string value: a whole number of milliseconds from 0 to
 * MAX_DELAY_MS, else 0.
 */
export function parseDelay(value: unknown): number {
  const delay = typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(delay) && delay >= 0 && delay <= MAX_DELAY_MS ? delay : 0;
}
