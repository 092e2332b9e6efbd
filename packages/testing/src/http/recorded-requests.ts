/**
 * The collect side of a registry, as the helpers below read it. A MetricRegistry from the built
 * `@servermetrics/core` an adapter test runs against satisfies it, so tests never mix copies.
 */
export interface CollectingRegistry {
  collect(): readonly {
    readonly name: string;
    readonly series: readonly { readonly labelValues: readonly unknown[] }[];
  }[];
}

/**
 * The recorded requests as `method route status -> count`, read from the counter `name`
 * (default `http_requests_total`) through `collect()`; series differing only in extra labels
 * are added up. Empty when the counter is not registered.
 */
export function recordedRequests(
  registry: CollectingRegistry,
  name = 'http_requests_total',
): Record<string, number> {
  const family = registry.collect().find((candidate) => candidate.name === name);
  const table: Record<string, number> = {};
  for (const series of family?.series ?? []) {
    const [method, route, status] = series.labelValues;
    const key = `${String(method)} ${String(route)} ${String(status)}`;
    table[key] = (table[key] ?? 0) + (series as unknown as { value: number }).value;
  }
  return table;
}

/** How many requests the counter `name` (default `http_requests_total`) counted in all. */
export function recordedTotal(registry: CollectingRegistry, name = 'http_requests_total'): number {
  return Object.values(recordedRequests(registry, name)).reduce((sum, value) => sum + value, 0);
}
