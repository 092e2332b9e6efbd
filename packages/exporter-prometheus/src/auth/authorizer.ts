import type { MetricsRequest } from '../http/metrics-request.js';

/**
 * Authorizer decides whether a scrape may see the metrics. It returns (or resolves to):
 * - `true`: serve the metrics;
 * - `false`: answer 401, with a `WWW-Authenticate: <challenge>` header when the authorizer has
 *   a `challenge` (the bearer and basic helpers do);
 * - a number from 400 to 599: answer with that status (403 to refuse a known client, 404 to hide
 *   the endpoint).
 * Anything else denies with 401. An authorizer that throws or rejects gives 500 and is logged;
 * one still pending after the handler's `authorizeTimeoutMs` (default 5000 ms) gives 503 and is
 * logged (rate-limited).
 */
export interface Authorizer {
  (request: MetricsRequest): boolean | number | Promise<boolean | number>;
  /** The `WWW-Authenticate` value sent with a 401, e.g. `Bearer realm="metrics"`. */
  readonly challenge?: string;
}
