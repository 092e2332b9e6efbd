import { DuplicateMetricError } from '../errors/duplicate-metric-error.js';
import { IncompatibleMetricError } from '../errors/incompatible-metric-error.js';
import type { LabelType } from '../labels/label-schema.js';
import type { AnyMetric } from '../metrics/any-metric.js';
import { Histogram } from '../metrics/histogram.js';
import { isMetric } from '../metrics/metric.js';
import type { MetricRegistry } from './metric-registry.js';

/**
 * Registers `metric` under `name`, or returns the metric already registered there when it is
 * compatible: same type, same label names and label types, and for histograms the same buckets.
 * Help text and unit may differ. This is what lets two middlewares (or two apps) share a
 * registry. Throws IncompatibleMetricError when the existing metric differs, and whatever
 * `register` throws for other set-up mistakes.
 */
export function registerOrReuse<M extends AnyMetric>(registry: MetricRegistry, name: string, metric: M): M {
  try {
    return registry.register(name, metric);
  } catch (error) {
    if (!DuplicateMetricError.isInstance(error)) throw error;
    const existing = error.existing;
    const difference = describeDifference(existing, metric);
    if (difference !== undefined) throw new IncompatibleMetricError(name, describeMetric(metric), difference);
    return existing as M;
  }
}

/**
 * registerOrReuse for several metrics, all or nothing: when one fails, the metrics this call
 * registered are unregistered again before the error is thrown. Returns the metrics in order.
 */
export function registerOrReuseAll(
  registry: MetricRegistry,
  entries: readonly (readonly [name: string, metric: AnyMetric])[],
): AnyMetric[] {
  const results: AnyMetric[] = [];
  const added: string[] = [];
  try {
    for (const [name, metric] of entries) {
      const result = registerOrReuse(registry, name, metric);
      if (result === metric) added.push(name);
      results.push(result);
    }
  } catch (error) {
    for (const name of added) registry.unregister(name);
    throw error;
  }
  return results;
}

function describeDifference(existing: unknown, wanted: AnyMetric): string | undefined {
  if (!isMetric(existing)) return 'the registered value is not a servermetrics metric';
  if (existing.type !== wanted.type) return `it is a ${existing.type}`;
  if (!sameList(existing.labelNames, wanted.labelNames))
    return `its labels are [${existing.labelNames.join(', ')}]`;
  const existingTypes = labelTypesOf(existing as AnyMetric);
  const wantedTypes = labelTypesOf(wanted);
  for (let index = 0; index < wantedTypes.length; index++) {
    const existingType = existingTypes[index];
    const wantedType = wantedTypes[index]!;
    const same =
      typeof wantedType === 'string'
        ? existingType === wantedType
        : Array.isArray(existingType) && sameList(existingType, wantedType);
    if (!same) return `its label "${wanted.labelNames[index]}" has type ${JSON.stringify(existingType)}`;
  }
  if (wanted instanceof Histogram) {
    const buckets = (existing as Histogram<any>).buckets;
    if (!sameList(buckets, wanted.buckets)) return `its buckets are [${buckets.join(', ')}]`;
  }
  return undefined;
}

function describeMetric(metric: AnyMetric): string {
  const labels = metric.labelNames.join(', ');
  const buckets = metric instanceof Histogram ? ` and buckets [${metric.buckets.join(', ')}]` : '';
  return `a ${metric.type} with labels [${labels}]${buckets}`;
}

/** Label types are kept by the metric for validation; reading them here stays inside core. */
function labelTypesOf(metric: AnyMetric): readonly LabelType[] {
  return (metric as unknown as { labelTypes: readonly LabelType[] }).labelTypes;
}

function sameList(left: readonly unknown[], right: readonly unknown[]): boolean {
  return left.length === right.length && left.every((value, index) => value === right[index]);
}
