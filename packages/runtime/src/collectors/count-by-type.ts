import type { RuntimeGauge, StaticLabels } from '../static-labels.js';

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

/**
 * Replaces every series of a `{type}` gauge with `counts`: types seen at the previous
 * collection but gone now disappear instead of lingering at their old value.
 */
export function replaceTypeCounts(
  gauge: RuntimeGauge,
  labels: StaticLabels,
  counts: Map<string, number>,
): void {
  gauge.reset();
  for (const [type, count] of counts) gauge.set(labels.labelsWith({ type }), count);
}
