import {
  EVICTED_CELLS_METRIC,
  InvalidOptionError,
  type MetricFamily,
  MetricRegistry,
  type ValueSeries,
} from '@servermetrics/core';

/** Names already reported per registry, so each clash is logged once per process. */
const reportedClashes = new WeakMap<MetricRegistry, Set<string>>();

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

function reportClash(
  registry: MetricRegistry,
  dropped: MetricFamily,
  kept: MetricFamily,
  clash: string,
): void {
  let reported = reportedClashes.get(registry);
  if (reported === undefined) {
    reported = new Set();
    reportedClashes.set(registry, reported);
  }
  const key = `${dropped.name}\u0000${kept.name}`;
  if (reported.has(key)) return;
  reported.add(key);
  const what =
    dropped.name === kept.name
      ? `another metric is exported under the same name`
      : `its series name "${clash}" is also used by ${kept.type} "${kept.name}"`;
  try {
    registry.logger.warn(
      `${dropped.type} "${dropped.name}" is left out of the Prometheus exposition: ${what}. ` +
        'Rename one of them (each metric name, and the _total/_bucket/_sum/_count names it implies, must be unique across the registries a scrape serves).',
    );
  } catch {
    // A logger that throws must not break a scrape.
  }
}

/**
 * Collects the families of one or several registries, in name order (byte order; for equal
 * names, registry order). A metric present in several registries is rendered once. When two
 * different metrics would produce the same series name, the first one is kept and the other is
 * logged once through its registry's logger and left out, so the output stays valid.
 */
export function collectFamilies(registries: readonly MetricRegistry[]): MetricFamily[] {
  if (registries.length === 1) return dropClashes(registries[0]!.collect(), registries);
  const all: MetricFamily[] = [];
  const owners = new Map<MetricFamily, MetricRegistry>();
  for (const registry of registries) {
    for (const family of registry.collect()) {
      all.push(family);
      owners.set(family, registry);
    }
  }
  all.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  return dropClashes(mergeEvictionCounts(all), registries, owners);
}

/**
 * Each registry counts the evictions of the metrics it registered first in its own
 * `servermetrics_evicted_cells_total`. When several registries are served together, their
 * families are merged into one (values for the same `metric` label summed), instead of the
 * second being dropped as a name clash.
 */
function mergeEvictionCounts(families: MetricFamily[]): MetricFamily[] {
  const evictionFamilies = families.filter((family) => family.name === EVICTED_CELLS_METRIC);
  if (evictionFamilies.length < 2) return families;
  const totals = new Map<unknown, ValueSeries>();
  for (const family of evictionFamilies) {
    for (const series of family.series as readonly ValueSeries[]) {
      const key = series.labelValues[0];
      const previous = totals.get(key);
      totals.set(key, {
        labelValues: series.labelValues,
        value: (previous?.value ?? 0) + series.value,
        updateCount: (previous?.updateCount ?? 0) + series.updateCount,
      });
    }
  }
  const merged = { ...evictionFamilies[0]!, series: [...totals.values()] } as MetricFamily;
  const firstIndex = families.indexOf(evictionFamilies[0]!);
  const rest = families.filter((family) => family.name !== EVICTED_CELLS_METRIC);
  rest.splice(firstIndex, 0, merged);
  return rest;
}

function dropClashes(
  families: MetricFamily[],
  registries: readonly MetricRegistry[],
  owners?: Map<MetricFamily, MetricRegistry>,
): MetricFamily[] {
  const taken = new Map<string, MetricFamily>();
  const seenMetrics = new Set<object>();
  const result: MetricFamily[] = [];
  for (const family of families) {
    if (seenMetrics.has(family.metric)) continue;
    const names = occupiedNames(family);
    let clash: string | undefined;
    for (const name of names) {
      if (taken.has(name)) {
        clash = name;
        break;
      }
    }
    if (clash !== undefined) {
      reportClash(owners?.get(family) ?? registries[0]!, family, taken.get(clash)!, clash);
      continue;
    }
    seenMetrics.add(family.metric);
    for (const name of names) taken.set(name, family);
    result.push(family);
  }
  return result;
}

/** Normalises the `registry` argument: one registry or a list, de-duplicated. Throws InvalidOptionError otherwise. */
export function toRegistryList(value: unknown, option: string): MetricRegistry[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((registry) => MetricRegistry.isInstance(registry))) {
    throw new InvalidOptionError(
      option,
      `${option} must be a MetricRegistry or a non-empty array of them (from @servermetrics/core), got ${describe(value)}.`,
    );
  }
  return [...new Set(list as MetricRegistry[])];
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array holding something else';
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
