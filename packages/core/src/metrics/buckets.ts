import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { describeValue } from '../labels/label-check.js';

/** Default histogram buckets, in seconds: suited to request latencies. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

/**
 * Returns a copy of `buckets` after checking they are a non-empty list of finite numbers in
 * strictly increasing order. A trailing `+Inf` is dropped (it is always implied).
 * Throws InvalidOptionError otherwise.
 */
export function validateBuckets(buckets: unknown): number[] {
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new InvalidOptionError(
      'buckets',
      `buckets must be a non-empty array of numbers, got ${describeValue(buckets)}.`,
    );
  }
  const bounds = buckets.at(-1) === Number.POSITIVE_INFINITY ? buckets.slice(0, -1) : [...buckets];
  if (bounds.length === 0) {
    throw new InvalidOptionError(
      'buckets',
      'buckets must hold at least one finite bound besides +Inf (which is always implied), e.g. [0.1, 1, 10].',
    );
  }
  for (let index = 0; index < bounds.length; index++) {
    const bound = bounds[index];
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      throw new InvalidOptionError(
        'buckets',
        `bucket ${index} must be a finite number, got ${describeValue(bound)}.`,
      );
    }
    if (index > 0 && !(bound > bounds[index - 1])) {
      throw new InvalidOptionError(
        'buckets',
        `buckets must be sorted and unique: ${bounds[index - 1]} is followed by ${bound}. Sort them and drop duplicates.`,
      );
    }
  }
  return bounds;
}

/** `count` buckets starting at `start`, each `width` wider: `linearBuckets(1, 2, 3)` is `[1, 3, 5]`. */
export function linearBuckets(start: number, width: number, count: number): number[] {
  if (!(width > 0) || !(Number.isInteger(count) && count >= 1)) {
    throw new InvalidOptionError('buckets', 'linearBuckets needs width > 0 and a positive integer count.');
  }
  return Array.from({ length: count }, (_, index) => start + index * width);
}

/** `count` buckets starting at `start`, each `factor` times the last: `exponentialBuckets(1, 2, 3)` is `[1, 2, 4]`. */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (!(start > 0) || !(factor > 1) || !(Number.isInteger(count) && count >= 1)) {
    throw new InvalidOptionError(
      'buckets',
      'exponentialBuckets needs start > 0, factor > 1 and a positive integer count.',
    );
  }
  return Array.from({ length: count }, (_, index) => start * factor ** index);
}
