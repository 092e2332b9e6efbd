import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { describeValue } from '../labels/label-check.js';
import type { MetricProducer } from './metric-producer.js';

/** Returns true when `value` has what a MetricProducer needs: a `collect` function, and a `refresh` function if any. */
export function isMetricProducer(value: unknown): value is MetricProducer {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { collect?: unknown; refresh?: unknown };
  return (
    typeof candidate.collect === 'function' &&
    (candidate.refresh === undefined || typeof candidate.refresh === 'function')
  );
}

/**
 * Normalises an exporter's producer option (`registry`, `registries`): one producer or a
 * non-empty array of them, returned as a new array without repeats, in the given order. Any
 * object with a `collect` function is accepted (a MetricRegistry from any copy of core, or a
 * user's class); nothing is called. Throws InvalidOptionError naming `optionName` otherwise.
 */
export function toProducerList(value: unknown, optionName: string): MetricProducer[] {
  const expected = `${optionName} must be a MetricRegistry or another MetricProducer (an object with a collect() method returning metric families), or a non-empty array of them`;
  let list: unknown[];
  let valid: boolean;
  let description: string;
  try {
    list = Array.isArray(value) ? [...value] : [value];
    valid = list.length > 0 && list.every(isMetricProducer);
    description = valid ? '' : describe(value);
  } catch {
    throw new InvalidOptionError(optionName, `${expected}; reading it threw (a getter or a Proxy trap).`);
  }
  if (!valid) throw new InvalidOptionError(optionName, `${expected}, got ${description}.`);
  return [...new Set(list as MetricProducer[])];
}

/**
 * Describes a rejected producer option for the error message: what is wrong with an array or an
 * object (empty, which item, missing collect(), bad refresh); any other value as describeValue
 * does. May throw on a Proxy (the caller reports that).
 */
function describe(value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return 'an empty array';
    const index = value.findIndex((item) => !isMetricProducer(item));
    return `an array whose item ${index} is ${describe(value[index])}`;
  }
  if (typeof value === 'object' && value !== null) {
    const candidate = value as { collect?: unknown; refresh?: unknown };
    const kind = `an object (${value.constructor?.name ?? 'no prototype'})`;
    if (typeof candidate.collect !== 'function') return `${kind} without a collect() method`;
    return `${kind} whose refresh is not a function`;
  }
  return describeValue(value);
}
