import { describeValue, InvalidOptionError, isMetric } from '@servermetrics/core';

/**
 * How the aggregator merges one gauge across workers:
 * - `sum`: the sum of the live workers' values (in-flight requests, memory). The default.
 * - `min` / `max`: the smallest / largest live value (oldest start time, deepest queue).
 * - `last`: the value most recently updated by any live worker (a configuration value).
 * - `worker`: no merging: one series per worker, with a `worker` label.
 *
 * Counters and histograms always add; they accept `worker` only (per-worker series).
 */
export type MergeRule = 'sum' | 'min' | 'max' | 'last' | 'worker';

/** Every merge rule. */
export const MERGE_RULES: readonly MergeRule[] = ['sum', 'min', 'max', 'last', 'worker'];

/** Default rule of a gauge that declares none (prom-client's default too). */
export const DEFAULT_GAUGE_MERGE: MergeRule = 'sum';

/** Where `clusterMerge` stores the rule on the metric: one key for every copy of this package. */
const MERGE_KEY: unique symbol = Symbol.for('servermetrics.cluster.merge');

/** Returns true when `value` is a MergeRule. */
export function isMergeRule(value: unknown): value is MergeRule {
  return typeof value === 'string' && (MERGE_RULES as readonly string[]).includes(value);
}

/**
 * Declares how a metric merges across workers, where the metric is declared, and returns the
 * metric unchanged:
 *
 * ```ts
 * queue_depth = clusterMerge(new Gauge({ help: 'Jobs waiting' }), 'max');
 * ```
 *
 * Gauges take any rule; counters and histograms only `'worker'` (they always add otherwise).
 * In a process that never starts a ClusterWorker the rule is never read: nothing changes. The
 * rule is stored on the metric under a `Symbol.for` key (non-enumerable), so it survives a
 * second copy of this package. Calling it again replaces the rule.
 *
 * Throws InvalidOptionError when `metric` is not a servermetrics metric, when `rule` is not a
 * MergeRule, or when a counter or histogram is given a rule other than `'worker'`.
 */
export function clusterMerge<M extends object>(metric: M, rule: MergeRule): M {
  if (!isMetric(metric)) {
    throw new InvalidOptionError(
      'metric',
      `clusterMerge(metric, rule) takes a Counter, Gauge or Histogram, got ${describeValue(metric)}.`,
    );
  }
  if (!isMergeRule(rule)) {
    throw new InvalidOptionError(
      'rule',
      `clusterMerge rule must be one of ${MERGE_RULES.map((name) => `'${name}'`).join(', ')}, got ${describeValue(rule)}.`,
    );
  }
  if (metric.type !== 'gauge' && rule !== 'worker') {
    throw new InvalidOptionError(
      'rule',
      `a ${metric.type} always adds across workers; clusterMerge accepts only 'worker' (one series per worker) for it, got '${rule}'.`,
    );
  }
  Object.defineProperty(metric, MERGE_KEY, {
    value: rule,
    configurable: true,
    enumerable: false,
    writable: false,
  });
  return metric;
}

/** The rule `clusterMerge` declared on `metric`, or undefined. Never throws. */
export function declaredMergeRule(metric: unknown): MergeRule | undefined {
  if (typeof metric !== 'object' || metric === null) return undefined;
  try {
    const rule = (metric as Record<symbol, unknown>)[MERGE_KEY];
    return isMergeRule(rule) ? rule : undefined;
  } catch {
    return undefined;
  }
}
