import { consoleLogger, type Logger } from '../logging/logger.js';
import { EVICTED_CELLS_METRIC } from '../registry/metric-registry.js';
import type { MetricFamily, ValueSeries } from './metric-family.js';
import type { MetricProducer } from './metric-producer.js';

/** Options of gatherFamilies. */
export interface GatherFamiliesOptions {
  /** Where clashes are reported for a producer without a `logger`. @default console */
  logger?: Logger;
}

/** Clashes already reported per producer, so each is logged once per process. */
const reportedClashes = new WeakMap<MetricProducer, Set<string>>();

/**
 * Gathers the families of one or several producers into one list, the way every exporter
 * serves them:
 * - in name order (byte order); for equal names, producer order;
 * - a family seen twice (same `metric` object and name, e.g. a metric registered in two
 *   registries) is kept once;
 * - when two different families would occupy the same name in either Prometheus format (its
 *   own name, a counter's name with and without `_total`, a histogram's `_bucket`, `_sum` and
 *   `_count`), the first is kept and the later one is left out and reported once per process
 *   through the logger of the producer it came from, so the output stays valid;
 * - the `servermetrics_evicted_cells_total` families of several producers are merged into one
 *   (values for the same `metric` label summed) instead of clashing. The merged series are
 *   live views that stay the same objects from one gather to the next.
 *
 * Synchronous; runs no refresh (call `refreshProducers` first). Cost: one `collect` per
 * producer plus a sort of all families when there are several producers (a single producer's
 * list is only checked for order). Throws only what a producer's `collect` throws.
 */
export function gatherFamilies(
  producers: readonly MetricProducer[],
  options: GatherFamiliesOptions = {},
): MetricFamily[] {
  const fallbackLogger = options.logger ?? consoleLogger;
  if (producers.length === 1) {
    const producer = producers[0]!;
    const families = inNameOrder(producer.collect());
    return dropClashes(families, () => producer, fallbackLogger);
  }
  const all: MetricFamily[] = [];
  const owners = new Map<MetricFamily, MetricProducer>();
  for (const producer of producers) {
    for (const family of producer.collect()) {
      all.push(family);
      owners.set(family, producer);
    }
  }
  // Array.prototype.sort is stable: equal names keep producer order.
  all.sort(compareFamilies);
  return dropClashes(mergeEvictionCounts(all, owners), (family) => owners.get(family), fallbackLogger);
}

function compareFamilies(left: MetricFamily, right: MetricFamily): number {
  return left.name < right.name ? -1 : left.name > right.name ? 1 : 0;
}

/** The families as given when already in name order, else a sorted copy. */
function inNameOrder(families: readonly MetricFamily[]): MetricFamily[] {
  for (let index = 1; index < families.length; index++) {
    if (families[index - 1]!.name > families[index]!.name) return [...families].sort(compareFamilies);
  }
  return families as MetricFamily[];
}

/**
 * Every name a family occupies in either format: its own name, the OpenMetrics family name of a
 * counter (without `_total`) and its `_total` sample, and a histogram's `_bucket`, `_sum` and
 * `_count` series. Two families sharing any of these would make the exposition invalid.
 */
function occupiedNames(family: MetricFamily): string[] {
  const name = family.name;
  if (family.type === 'counter') {
    return name.endsWith('_total') ? [name, name.slice(0, -6)] : [name, `${name}_total`];
  }
  if (family.type === 'histogram') return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
  return [name];
}

function dropClashes(
  families: MetricFamily[],
  ownerOf: (family: MetricFamily) => MetricProducer | undefined,
  fallbackLogger: Logger,
): MetricFamily[] {
  const taken = new Map<string, MetricFamily>();
  const seen = new Map<object, Set<string>>();
  const result: MetricFamily[] = [];
  for (const family of families) {
    const seenNames = seen.get(family.metric);
    if (seenNames?.has(family.name)) continue;
    const names = occupiedNames(family);
    let clash: string | undefined;
    for (const name of names) {
      if (taken.has(name)) {
        clash = name;
        break;
      }
    }
    if (clash !== undefined) {
      reportClash(ownerOf(family), fallbackLogger, family, taken.get(clash)!, clash);
      continue;
    }
    if (seenNames === undefined) seen.set(family.metric, new Set([family.name]));
    else seenNames.add(family.name);
    for (const name of names) taken.set(name, family);
    result.push(family);
  }
  return result;
}

function reportClash(
  producer: MetricProducer | undefined,
  fallbackLogger: Logger,
  dropped: MetricFamily,
  kept: MetricFamily,
  clash: string,
): void {
  if (producer !== undefined) {
    let reported = reportedClashes.get(producer);
    if (reported === undefined) {
      reported = new Set();
      reportedClashes.set(producer, reported);
    }
    const key = `${dropped.name}\u0000${kept.name}`;
    if (reported.has(key)) return;
    reported.add(key);
  }
  const what =
    dropped.name === kept.name
      ? 'another metric is exported under the same name'
      : `its series name "${clash}" is also used by ${kept.type} "${kept.name}"`;
  try {
    (producer?.logger ?? fallbackLogger).warn(
      `${dropped.type} "${dropped.name}" is left out of the exported metrics: ${what}. ` +
        'Rename one of them (each metric name, and the _total/_bucket/_sum/_count names it implies, must be unique across the registries and producers an exporter serves).',
    );
  } catch {
    // A logger that throws must not break a scrape or a flush.
  }
}

/**
 * A merged eviction series: the sum of the same `metric` label's series in several families.
 * Live (reads its sources on access) and kept from one gather to the next, so exporters that
 * key state on series views (the StatsD exporter's deltas) see one stable series.
 */
class MergedValueSeries implements ValueSeries {
  sources: ValueSeries[] = [];

  constructor(readonly labelValues: ValueSeries['labelValues']) {}

  get value(): number {
    let total = 0;
    for (const source of this.sources) total += source.value;
    return total;
  }

  get updateCount(): number {
    let total = 0;
    for (const source of this.sources) total += source.updateCount;
    return total;
  }
}

/** Merged eviction series, per the first eviction family's metric object, by label value. */
const mergedEvictionSeries = new WeakMap<object, Map<unknown, MergedValueSeries>>();

/**
 * Each registry counts the evictions of the metrics it registered first in its own
 * `servermetrics_evicted_cells_total`. When several producers are gathered together, their
 * families are merged into one (values for the same `metric` label summed), instead of the
 * second being dropped as a name clash. The merged family belongs to the first one's producer.
 */
function mergeEvictionCounts(
  families: MetricFamily[],
  owners: Map<MetricFamily, MetricProducer>,
): MetricFamily[] {
  const evictionFamilies = families.filter(
    (family) => family.name === EVICTED_CELLS_METRIC && family.type === 'counter',
  );
  const distinct = [...new Map(evictionFamilies.map((family) => [family.metric, family])).values()];
  if (distinct.length < 2) return families;
  const first = distinct[0]!;
  let cache = mergedEvictionSeries.get(first.metric);
  if (cache === undefined) {
    cache = new Map();
    mergedEvictionSeries.set(first.metric, cache);
  }
  const sources = new Map<unknown, ValueSeries[]>();
  for (const family of distinct) {
    for (const series of family.series as readonly ValueSeries[]) {
      const key = series.labelValues[0];
      const list = sources.get(key);
      if (list === undefined) sources.set(key, [series]);
      else list.push(series);
    }
  }
  const series: MergedValueSeries[] = [];
  for (const [key, list] of sources) {
    let merged = cache.get(key);
    if (merged === undefined) {
      merged = new MergedValueSeries(list[0]!.labelValues);
      cache.set(key, merged);
    }
    merged.sources = list;
    series.push(merged);
  }
  for (const key of cache.keys()) if (!sources.has(key)) cache.delete(key);
  const mergedFamily = { ...first, series } as MetricFamily;
  owners.set(mergedFamily, owners.get(first)!);
  const firstIndex = families.indexOf(evictionFamilies[0]!);
  const rest = families.filter((family) => !evictionFamilies.includes(family));
  rest.splice(firstIndex, 0, mergedFamily);
  return rest;
}
