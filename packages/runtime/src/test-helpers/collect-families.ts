import type { MetricFamily, MetricRegistry } from '@servermetrics/core';

/** Runs the registry's collect hooks (as an exporter does), then returns its families by name. */
export async function collectByName(registry: MetricRegistry): Promise<Map<string, MetricFamily>> {
  await registry.runCollectHooks();
  return new Map(registry.collect().map((family) => [family.name, family]));
}

/** The value of the only series of a counter or gauge family; throws when there is not exactly one. */
export function onlyValue(families: Map<string, MetricFamily>, name: string): number {
  const family = families.get(name);
  if (family === undefined) throw new Error(`no family ${name}`);
  if (family.type === 'histogram') throw new Error(`${name} is a histogram`);
  if (family.series.length !== 1) throw new Error(`${name} has ${family.series.length} series`);
  return family.series[0]!.value;
}

/** Blocks the event loop for `milliseconds`. */
export function blockEventLoop(milliseconds: number): void {
  const end = Date.now() + milliseconds;
  while (Date.now() < end) {
    // Busy on purpose.
  }
}

/** Resolves after `milliseconds` (a real timer, so the event loop turns). */
export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
