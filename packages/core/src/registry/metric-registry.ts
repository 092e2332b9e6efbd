import type { CollectHookFailure, MetricFamily } from '../collect/metric-family.js';
import type { MetricProducer } from '../collect/metric-producer.js';
import { settleWithin } from '../collect/settle-within.js';
import { CollectTimeoutError } from '../errors/collect-timeout-error.js';
import { DuplicateMetricError } from '../errors/duplicate-metric-error.js';
import { InvalidNameError } from '../errors/invalid-name-error.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { MetricNameMismatchError } from '../errors/metric-name-mismatch-error.js';
import { MetricNotFoundError } from '../errors/metric-not-found-error.js';
import { describeValue } from '../labels/label-check.js';
import { assertMetricName } from '../labels/names.js';
import { consoleLogger, type Logger } from '../logging/logger.js';
import { RateLimitedLogger } from '../logging/rate-limited-logger.js';
import type { AnyMetric } from '../metrics/any-metric.js';
import { Counter } from '../metrics/counter.js';
import { DEFAULT_MAX_CELLS, isMetric } from '../metrics/metric.js';

/** Name of the counter a registry keeps of evicted series, labelled by metric. */
export const EVICTED_CELLS_METRIC = 'servermetrics_evicted_cells_total';

/** Options of a MetricRegistry. */
export interface MetricRegistryOptions {
  /**
   * Throw MetricUsageError on hot-path misuse by this registry's metrics, instead of logging.
   * @default true when the environment variable SERVERMETRICS_STRICT is "1", else false
   */
  strict?: boolean;
  /** Where this registry and its metrics log. @default console */
  logger?: Logger;
  /** `maxCells` for registered metrics that set none. @default 200 */
  defaultMaxCells?: number;
  /**
   * Longest wait for an async `collect` hook in `runCollectHooks`, in milliseconds; a later hook
   * is reported and its metric keeps its previous values.
   * @default 5000
   */
  collectTimeoutMs?: number;
}

/** Options of `register`. */
export interface RegisterOptions {
  /** Replace a metric already registered under the name (logged as a warning). @default false */
  overwrite?: boolean;
}

/** Options of `registerCollection`. */
export interface RegisterCollectionOptions extends RegisterOptions {
  /** Prepended verbatim to every field name, e.g. `'myapp_'`. @default '' */
  prefix?: string;
}

const registryBrand: unique symbol = Symbol.for('servermetrics.registry');

/**
 * MetricRegistry keeps metrics by name, for exporters to collect. It is a MetricProducer:
 * `collect()` lists its families, `refresh()` (also named `runCollectHooks()`) runs its metrics'
 * collect hooks.
 *
 * Registering validates names and throws typed errors (set-up mistakes); collecting never
 * throws for a metric's sake. Metrics are collected in name order (byte order).
 */
export class MetricRegistry implements MetricProducer {
  /** Logger of this registry and of metrics registered here first. */
  readonly logger: Logger;
  /** Strictness for metrics registered here first; undefined defers to SERVERMETRICS_STRICT. */
  readonly strict: boolean | undefined;
  /** `maxCells` for metrics that set none. */
  readonly defaultMaxCells: number;
  private readonly metrics = new Map<string, AnyMetric>();
  private sortedNames: string[] | undefined;
  private evictions: Counter<{ metric: 'string' }> | undefined;
  /** Longest wait for an async collect hook, in milliseconds. */
  readonly collectTimeoutMs: number;
  private readonly reporter: RateLimitedLogger;
  private readonly runningHooks = new Set<AnyMetric>();

  constructor(options: MetricRegistryOptions = {}) {
    (this as unknown as Record<symbol, boolean>)[registryBrand] = true;
    const defaultMaxCells = options.defaultMaxCells ?? DEFAULT_MAX_CELLS;
    if (!(Number.isInteger(defaultMaxCells) && defaultMaxCells >= 1)) {
      throw new InvalidOptionError(
        'defaultMaxCells',
        `defaultMaxCells must be a positive integer, got ${describeValue(defaultMaxCells)}.`,
      );
    }
    const collectTimeoutMs = options.collectTimeoutMs ?? 5000;
    if (!(Number.isFinite(collectTimeoutMs) && collectTimeoutMs > 0)) {
      throw new InvalidOptionError(
        'collectTimeoutMs',
        `collectTimeoutMs must be a positive number of milliseconds, got ${describeValue(collectTimeoutMs)}.`,
      );
    }
    this.collectTimeoutMs = collectTimeoutMs;
    this.logger = options.logger ?? consoleLogger;
    this.strict = options.strict;
    this.defaultMaxCells = defaultMaxCells;
    this.reporter = new RateLimitedLogger(() => this.logger);
  }

  /** Returns true when `value` is a MetricRegistry from any copy of the package. */
  static isInstance(value: unknown): value is MetricRegistry {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[registryBrand] === true
    );
  }

  /**
   * Registers `metric` under `name` and returns it. The first registration fixes the metric's
   * name; the same metric may sit in several registries under that name.
   *
   * Throws InvalidNameError (bad or reserved name, or a unit the name does not end with),
   * DuplicateMetricError (name taken and no `overwrite`; carries the existing metric),
   * MetricNameMismatchError (the metric already has another name), InvalidOptionError (not a metric).
   */
  register<M extends AnyMetric>(name: string, metric: M, options: RegisterOptions = {}): M {
    this.checkRegistration(name, metric, options.overwrite === true);
    this.commit(name, metric);
    return metric;
  }

  /**
   * Registers every metric field of `collection` (a MetricCollection or any object) under its
   * field name, with `prefix` prepended. Other fields are ignored; nested objects are not
   * searched. Atomic: when any field fails, nothing is registered and the error is thrown.
   * Returns the collection.
   */
  registerCollection<T extends object>(collection: T, options: RegisterCollectionOptions = {}): T {
    if (typeof collection !== 'object' || collection === null) {
      throw new InvalidOptionError(
        'collection',
        `registerCollection needs an object whose fields are metrics, got ${describeValue(collection)}.`,
      );
    }
    const prefix = options.prefix ?? '';
    const entries: [string, AnyMetric][] = [];
    const seen = new Set<string>();
    for (const [field, value] of Object.entries(collection)) {
      if (!isMetric(value)) continue;
      const name = prefix + field;
      if (seen.has(name))
        throw new DuplicateMetricError(name, entries.find(([other]) => other === name)?.[1]);
      seen.add(name);
      this.checkRegistration(name, value as AnyMetric, options.overwrite === true);
      entries.push([name, value as AnyMetric]);
    }
    const seenMetrics = new Set<AnyMetric>();
    for (const [name, metric] of entries) {
      if (seenMetrics.has(metric)) {
        throw new MetricNameMismatchError(entries.find(([, other]) => other === metric)![0], name);
      }
      seenMetrics.add(metric);
    }
    for (const [name, metric] of entries) this.commit(name, metric);
    return collection;
  }

  /** Removes the metric registered under `name`; it keeps its name. Throws MetricNotFoundError when absent. */
  unregister(name: string): void {
    const metric = this.metrics.get(name);
    if (metric === undefined) throw new MetricNotFoundError(name);
    this.metrics.delete(name);
    this.sortedNames = undefined;
    metric.detach(this);
  }

  /** The metric registered under `name`, or undefined. */
  get(name: string): AnyMetric | undefined {
    return this.metrics.get(name);
  }

  /** Registered names in collection (byte) order. */
  names(): readonly string[] {
    this.sortedNames ??= [...this.metrics.keys()].sort();
    return this.sortedNames;
  }

  /** Removes every metric (they keep their names) and the eviction counts. */
  clear(): void {
    for (const metric of this.metrics.values()) metric.detach(this);
    this.metrics.clear();
    this.sortedNames = undefined;
    this.evictions = undefined;
  }

  /**
   * The collect side for exporters: one MetricFamily per registered metric, in name order, plus
   * `servermetrics_evicted_cells_total` once a series was evicted. Synchronous and cheap (an
   * array of live series views per metric; no copying of values). Runs no collect hooks: call
   * `refresh()` first when the registry has any. MetricProducer's `collect`.
   */
  collect(): MetricFamily[] {
    const families: MetricFamily[] = [];
    for (const name of this.names()) families.push(this.metrics.get(name)!.collectFamily(name));
    if (this.evictions !== undefined) {
      const family = this.evictions.collectFamily(EVICTED_CELLS_METRIC);
      const index = families.findIndex((other) => other.name > EVICTED_CELLS_METRIC);
      families.splice(index < 0 ? families.length : index, 0, family);
    }
    return families;
  }

  /**
   * Runs every registered metric's `collect` hook, concurrently for async ones. A hook that
   * throws or rejects, or does not settle within `collectTimeoutMs`, is logged (rate-limited)
   * and reported in the result; its metric keeps its previous values and the others are not
   * held up. A hook still running from an earlier collection is not started again (reported as
   * late). Never rejects; resolves within about `collectTimeoutMs`.
   */
  async runCollectHooks(): Promise<CollectHookFailure[]> {
    const pending: Promise<CollectHookFailure | undefined>[] = [];
    for (const name of this.names()) {
      const metric = this.metrics.get(name)!;
      const hook = metric.collectHook as ((metric: AnyMetric) => void | Promise<void>) | undefined;
      if (hook !== undefined) pending.push(this.runHook(name, metric, hook));
    }
    const results = await Promise.all(pending);
    return results.filter((result): result is CollectHookFailure => result !== undefined);
  }

  /**
   * MetricProducer's `refresh`: the same as `runCollectHooks()` (runs every collect hook;
   * never rejects; resolves within about `collectTimeoutMs`). Exporters call it through
   * `refreshProducers` before every scrape or flush.
   */
  refresh(): Promise<CollectHookFailure[]> {
    return this.runCollectHooks();
  }

  private async runHook(
    name: string,
    metric: AnyMetric,
    hook: (metric: AnyMetric) => void | Promise<void>,
  ): Promise<CollectHookFailure | undefined> {
    const failure = (error: unknown): CollectHookFailure => {
      this.reporter.log('error', `collect:${name}`, `collect hook of "${name}" failed: ${String(error)}`);
      return { name, error };
    };
    if (this.runningHooks.has(metric)) {
      return failure(
        new CollectTimeoutError(
          name,
          `the collect hook of "${name}" is still running from an earlier collection`,
        ),
      );
    }
    let result: void | Promise<void>;
    try {
      result = hook.call(metric, metric);
    } catch (error) {
      return failure(error);
    }
    if (typeof (result as PromiseLike<void> | undefined)?.then !== 'function') return undefined;
    this.runningHooks.add(metric);
    const settled = Promise.resolve(result).then(
      () => undefined,
      (error: unknown) => error ?? new Error('rejected'),
    );
    void settled.finally(() => this.runningHooks.delete(metric));
    const error = await settleWithin(
      settled,
      this.collectTimeoutMs,
      (): CollectTimeoutError =>
        new CollectTimeoutError(
          name,
          `the collect hook of "${name}" did not settle within ${this.collectTimeoutMs} ms (collectTimeoutMs)`,
        ),
    );
    return error === undefined ? undefined : failure(error);
  }

  /** @internal Counts one evicted series of `metricName`. */
  recordEviction(metricName: string): void {
    this.evictions ??= new Counter({
      help: 'Series evicted because a metric reached its maxCells limit.',
      labels: { metric: 'string' },
      maxCells: 10_000,
      logger: this.logger,
      strict: false,
    });
    this.evictions.inc({ metric: metricName });
  }

  private checkRegistration(name: string, metric: AnyMetric, overwrite: boolean): void {
    if (!isMetric(metric)) {
      throw new InvalidOptionError(
        'metric',
        `register("${name}", metric) needs a Counter, Gauge or Histogram, got ${describeValue(metric)}.`,
      );
    }
    assertMetricName(name);
    if (name === EVICTED_CELLS_METRIC) {
      throw new InvalidNameError(
        `"${EVICTED_CELLS_METRIC}" is reserved for the registry's own eviction counter.`,
        name,
      );
    }
    if (metric.unit !== undefined) {
      const suffix = `_${metric.unit}`;
      if (!name.endsWith(suffix) && !(metric.type === 'counter' && name.endsWith(`${suffix}_total`))) {
        throw new InvalidNameError(
          `Metric "${name}" declares unit "${metric.unit}", so its name must end in "${suffix}".`,
          name,
        );
      }
    }
    if (metric.name !== undefined && metric.name !== name)
      throw new MetricNameMismatchError(metric.name, name);
    const existing = this.metrics.get(name);
    if (existing !== undefined && !overwrite) throw new DuplicateMetricError(name, existing);
  }

  private commit(name: string, metric: AnyMetric): void {
    const existing = this.metrics.get(name);
    if (existing === metric) return; // overwrite with the very same metric: nothing changes
    if (existing !== undefined) {
      this.logger.warn(
        `Metric "${name}" was registered again with { overwrite: true }; the previous metric was replaced.`,
      );
      existing.detach(this);
    }
    this.metrics.set(name, metric);
    this.sortedNames = undefined;
    metric.attach(this, name);
  }
}
