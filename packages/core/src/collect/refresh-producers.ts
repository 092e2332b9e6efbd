import { CollectTimeoutError } from '../errors/collect-timeout-error.js';
import { consoleLogger, type Logger } from '../logging/logger.js';
import { RateLimitedLogger } from '../logging/rate-limited-logger.js';
import type { CollectHookFailure } from './metric-family.js';
import type { MetricProducer } from './metric-producer.js';
import { settleWithin } from './settle-within.js';

/** Default of `refreshProducers`' `timeoutMs`, in milliseconds. */
export const DEFAULT_REFRESH_TIMEOUT_MS = 10_000;

/** Options of refreshProducers. */
export interface RefreshProducersOptions {
  /**
   * Longest wait for one producer's `refresh`, in milliseconds. A later refresh is reported as a
   * CollectTimeoutError and the producer is collected with the values it has. A registry's own
   * hooks are bounded by its `collectTimeoutMs`; keep this above it.
   * @default 10000
   */
  timeoutMs?: number;
  /** Where a failed refresh is reported for a producer without a `logger`. @default console */
  logger?: Logger;
}

/** Refreshes still running, per producer: a producer is never refreshed twice at once. */
const runningRefreshes = new WeakMap<MetricProducer, Promise<unknown>>();
/** Rate-limited reporting of failed refreshes, per producer. */
const reporters = new WeakMap<MetricProducer, RateLimitedLogger>();

/**
 * Runs the `refresh` of every producer that has one, concurrently, and resolves to every failure
 * they report, in producer order. Guards against producers that break the `refresh` contract: a
 * refresh that throws, rejects, or does not settle within `timeoutMs` is logged (rate-limited,
 * through the producer's logger) and reported as a failure; one still running from an earlier
 * call is not started again (reported as late). Failures a refresh resolves to were logged by
 * the producer itself and are passed on as they are.
 *
 * Never rejects; resolves within about `timeoutMs`. Call it before `gatherFamilies`.
 */
export async function refreshProducers(
  producers: readonly MetricProducer[],
  options: RefreshProducersOptions = {},
): Promise<CollectHookFailure[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS;
  const fallbackLogger = options.logger ?? consoleLogger;
  const results = await Promise.all(
    producers.map((producer) => refreshOne(producer, timeoutMs, fallbackLogger)),
  );
  return results.flat();
}

async function refreshOne(
  producer: MetricProducer,
  timeoutMs: number,
  fallbackLogger: Logger,
): Promise<readonly CollectHookFailure[]> {
  if (typeof producer.refresh !== 'function') return [];
  const name = `${describeProducer(producer)}.refresh`;
  const failure = (error: unknown): CollectHookFailure[] => {
    let reporter = reporters.get(producer);
    if (reporter === undefined) {
      reporter = new RateLimitedLogger(() => producer.logger ?? fallbackLogger);
      reporters.set(producer, reporter);
    }
    reporter.log('error', 'refresh', () => `${name}() failed: ${String(error)}`);
    return [{ name, error }];
  };
  if (runningRefreshes.has(producer)) {
    return failure(new CollectTimeoutError(name, `${name}() is still running from an earlier call`));
  }
  let result: Promise<readonly CollectHookFailure[]>;
  try {
    result = Promise.resolve(producer.refresh());
  } catch (error) {
    return failure(error);
  }
  const settled = result.then(
    (failures): { failures: readonly CollectHookFailure[] } => ({
      failures: Array.isArray(failures) ? failures : [],
    }),
    (error: unknown): { error: unknown } => ({ error: error ?? new Error('rejected') }),
  );
  runningRefreshes.set(producer, settled);
  void settled.finally(() => {
    if (runningRefreshes.get(producer) === settled) runningRefreshes.delete(producer);
  });
  const outcome = await settleWithin(settled, timeoutMs, (): { error: unknown } => ({
    error: new CollectTimeoutError(name, `${name}() did not settle within ${timeoutMs} ms`),
  }));
  return 'error' in outcome ? failure(outcome.error) : outcome.failures;
}

function describeProducer(producer: MetricProducer): string {
  const constructorName = (producer as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof constructorName === 'string' && constructorName !== '' && constructorName !== 'Object'
    ? constructorName
    : 'producer';
}
