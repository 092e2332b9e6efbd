import type { MetricsRequest } from '../http/metrics-request.js';
import type { Authorizer } from './authorizer.js';

/** Default of `authorizeTimeoutMs`: the longest wait for an `authorize` hook, per scrape. */
export const DEFAULT_AUTHORIZE_TIMEOUT_MS = 5000;

/** What became of one call of an authorize hook. */
export type AuthorizeOutcome =
  | { readonly kind: 'verdict'; readonly verdict: unknown }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'timeout' };

const TIMED_OUT: AuthorizeOutcome = { kind: 'timeout' };

/**
 * Calls `authorize(request)` and waits at most `timeoutMs` for its answer. A hook that returns a
 * plain value is answered without a timer; one that throws, or whose promise rejects, gives
 * `failed`; one still pending after `timeoutMs` gives `timeout` (it is not cancelled: a late
 * rejection is absorbed, never an unhandled rejection). Never rejects.
 */
export async function runAuthorizer(
  authorize: Authorizer,
  request: MetricsRequest,
  timeoutMs: number,
): Promise<AuthorizeOutcome> {
  let pending: Promise<unknown>;
  try {
    const result: unknown = authorize(request);
    if (typeof (result as { then?: unknown } | null)?.then !== 'function') {
      return { kind: 'verdict', verdict: result };
    }
    pending = Promise.resolve(result);
  } catch (error) {
    return { kind: 'failed', error };
  }
  const settled = pending.then(
    (verdict): AuthorizeOutcome => ({ kind: 'verdict', verdict }),
    (error: unknown): AuthorizeOutcome => ({ kind: 'failed', error }),
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<AuthorizeOutcome>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
  });
  try {
    return await Promise.race([settled, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
