import { MetricRegistry, type RegisterCollectionOptions } from './metric-registry.js';

const defaultRegistryKey: unique symbol = Symbol.for('servermetrics.defaultRegistry');

type GlobalWithRegistry = typeof globalThis & { [defaultRegistryKey]?: MetricRegistry };

/** Returns the registry stored under the global key, creating and storing it on first call. */
function sharedDefaultRegistry(): MetricRegistry {
  const shared = globalThis as GlobalWithRegistry;
  const existing = shared[defaultRegistryKey];
  if (existing !== undefined) return existing;
  const created = new MetricRegistry();
  shared[defaultRegistryKey] = created;
  return created;
}

/**
 * The process-wide default registry. There is one per process even when both the ESM and the
 * CJS build of this package are loaded: it lives under a `Symbol.for` key on `globalThis`.
 * Creating it registers nothing and starts nothing.
 */
export const defaultRegistry: MetricRegistry = sharedDefaultRegistry();

/**
 * Registers every metric field of `collection` into `defaultRegistry` (see
 * `MetricRegistry.registerCollection`) and returns the collection. Throws like it.
 */
export function publishMetricsFrom<T extends object>(collection: T, options?: RegisterCollectionOptions): T {
  return defaultRegistry.registerCollection(collection, options);
}
