import type { Logger } from '../logging/logger.js';
import type { CollectHookFailure, MetricFamily } from './metric-family.js';

/**
 * MetricProducer is the collect side that exporters read: anything that can list metric
 * families. `MetricRegistry` implements it; so can a runtime collector, a cluster aggregate or a
 * user's own class (see "Serve your own producer" in the README). client_golang calls this a
 * Gatherer.
 *
 * Exporters take one producer or a list, call `refreshProducers` (which calls each `refresh`),
 * then `gatherFamilies` (which calls each `collect` and applies the multi-producer rules).
 *
 * What a family and its series must satisfy, for a producer written by hand:
 * - `family.metric` is an object that stays the same for that family from one `collect` to the
 *   next (the metric object, a constant, or the producer itself). Two families with the same
 *   `metric` and the same `name`, from any producers, are one family, exported once. Exporters
 *   also key per-family caches on it, so a fresh object per collect works but costs a rebuild.
 * - A series view (`ValueSeries`, `HistogramSeries`) is the same object in every `collect` for
 *   as long as the series lives. A different object is a different series: the StatsD exporter
 *   sends a new counter's whole value as its first delta. Keep one view object per series and
 *   update its fields (or give it getters).
 * - `updateCount` changes whenever the series' values change (growing by one per update is the
 *   convention). The StatsD exporter sends a series only when its `updateCount` differs from the
 *   one it last sent (or after `sendOlderThanMs`); a producer that reads a value at collect time
 *   bumps `updateCount` when the value read differs from the previous one.
 */
export interface MetricProducer {
  /**
   * The current families, in name order (byte order, as `a < b` compares strings), each name at
   * most once. Synchronous and cheap: views of live values, no copying, no I/O. Must not throw;
   * an exporter answers a scrape with an error (HTTP 500) or skips a flush when it does.
   */
  collect(): readonly MetricFamily[];
  /**
   * Brings values up to date before a `collect`: runs collect hooks, reads `/proc`, asks a
   * worker. Optional. Must never reject and must resolve in bounded time; it resolves to the
   * failures it met (already logged). `refreshProducers` still guards against a refresh that
   * throws, rejects or hangs. For a MetricRegistry this is `runCollectHooks`.
   */
  refresh?(): Promise<readonly CollectHookFailure[]>;
  /**
   * Where problems found while gathering this producer are reported (a name clash that leaves
   * one of its families out, a failed refresh). Optional; `gatherFamilies` and
   * `refreshProducers` fall back to their `logger` option, then to the console.
   */
  readonly logger?: Logger;
}
