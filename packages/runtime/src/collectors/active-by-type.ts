import { Gauge } from '@servermetrics/core';
import type { RuntimeCollector } from '../runtime-collector.js';
import type { RuntimeGauge, StaticLabels } from '../static-labels.js';

/** What an "active things by type" gauge pair reads and how it is named. */
export interface ActiveByTypeSource<T> {
  /** Family name of the `{type}` gauge; the total is `<name>_total`. */
  readonly name: string;
  /** Help of the `{type}` gauge (prom-client's text). */
  readonly help: string;
  /** Help of the `_total` gauge (prom-client's text). */
  readonly totalHelp: string;
  /** Reads the current items; called once per collection. */
  list(): readonly T[];
  /** The type label of an item, or undefined to leave it out of the `{type}` gauge. */
  typeOf(item: T): string | undefined;
}

/**
 * A `<name>{type}` gauge and a `<name>_total` gauge filled from one `list()` per collection
 * (so the two always agree). Types seen at the previous collection but gone now disappear
 * instead of lingering at their old value.
 */
export function createActiveByTypeCollector<T>(
  labels: StaticLabels,
  source: ActiveByTypeSource<T>,
): RuntimeCollector {
  const byType: RuntimeGauge = new Gauge({
    help: source.help,
    labels: labels.schemaWith({ type: 'string' }),
    collect: () => {
      const items = source.list();
      byType.reset();
      for (const [type, count] of countByType(items, (item) => source.typeOf(item))) {
        byType.set(labels.labelsWith({ type }), count);
      }
      totalSeries.set(items.length);
    },
  });
  const total: RuntimeGauge = new Gauge({ help: source.totalHelp, labels: labels.schemaWith() });
  const totalSeries = labels.bindGauge(total);
  return {
    metrics: [
      { name: source.name, metric: byType },
      { name: `${source.name}_total`, metric: total },
    ],
    start: () => {},
    stop: () => {},
  };
}

/** Counts `items` by the type name `typeOf` gives; items without a type name are skipped. */
export function countByType<T>(
  items: readonly T[],
  typeOf: (item: T) => string | undefined,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const type = typeOf(item);
    if (type === undefined) continue;
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** The constructor name of a libuv handle or request object, as prom-client labels it. */
export function constructorName(item: unknown): string | undefined {
  if (item === null || item === undefined) return undefined;
  const name = (item as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
