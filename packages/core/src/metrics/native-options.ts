import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { describeValue } from '../labels/label-check.js';
import { schemaForBucketFactor } from './native-bucket-index.js';

/** Default native bucket factor: each bucket at most 1.1 times as wide as the previous (schema 3). */
export const DEFAULT_NATIVE_BUCKET_FACTOR: number = 1.1;
/** Default native zero threshold, 2^-128 (client_golang's DefNativeHistogramZeroThreshold). */
export const DEFAULT_NATIVE_ZERO_THRESHOLD: number = 2 ** -128;
/** Default most populated native buckets per series (both signs) before resolution is reduced. */
export const DEFAULT_NATIVE_MAX_BUCKETS: number = 160;

/** Options of the native (sparse exponential) part of a Histogram. */
export interface NativeHistogramOptions {
  /**
   * Largest acceptable growth factor from one bucket to the next, > 1. The schema is the highest
   * resolution whose factor 2^(2^-schema) does not exceed it (client_golang's rule, clamped to -4..8).
   * @default 1.1 (schema 3: 8 buckets per power of two, at most 4.4% relative error)
   */
  bucketFactor?: number;
  /** Observations with |value| <= zeroThreshold count in the zero bucket. Finite, >= 0. @default 2^-128 */
  zeroThreshold?: number;
  /**
   * Most populated buckets (positive plus negative, not the zero bucket) per series. One more
   * resets the series (see minResetDurationMs) or halves its resolution (schema - 1, merging
   * pairs of buckets) until it fits or the schema is -4. A positive integer.
   * @default 160
   */
  maxBuckets?: number;
  /**
   * When a series exceeds maxBuckets and at least this many milliseconds passed since it started
   * (or was last reset this way), it is reset (all counts, classic ones included, start at zero
   * with the observation that overflowed) at full resolution instead of being coarsened.
   * 0 never resets. Finite, >= 0.
   * @default 0
   */
  minResetDurationMs?: number;
}

/** Resolved native settings, shared by every series of a histogram. @internal */
export interface NativeConfig {
  readonly schema: number;
  readonly zeroThreshold: number;
  readonly maxBuckets: number;
  readonly minResetDurationMs: number;
}

const OPTION_NAMES: ReadonlySet<string> = new Set([
  'bucketFactor',
  'zeroThreshold',
  'maxBuckets',
  'minResetDurationMs',
]);

/**
 * Validates the `native` option of a Histogram: undefined or false (classic only), true
 * (defaults) or a NativeHistogramOptions object. Each option is read once. Throws
 * InvalidOptionError naming the option, what it got and what it takes.
 */
export function resolveNativeOptions(native: unknown): NativeConfig | undefined {
  if (native === undefined || native === false) return undefined;
  if (native === true) return resolveNativeOptions({});
  if (typeof native !== 'object' || native === null || Array.isArray(native)) {
    throw new InvalidOptionError(
      'native',
      `native must be true or an options object like { bucketFactor: 1.1, maxBuckets: 160 }, got ${describeValue(native)}.`,
    );
  }
  for (const key of Object.keys(native)) {
    if (!OPTION_NAMES.has(key)) {
      throw new InvalidOptionError(
        'native',
        `native.${key} is not an option; the native options are ${[...OPTION_NAMES].join(', ')}.`,
      );
    }
  }
  const options = native as Record<string, unknown>;
  const bucketFactor = options.bucketFactor ?? DEFAULT_NATIVE_BUCKET_FACTOR;
  if (typeof bucketFactor !== 'number' || !(bucketFactor > 1) || !Number.isFinite(bucketFactor)) {
    throw new InvalidOptionError(
      'native.bucketFactor',
      `native.bucketFactor must be a finite number greater than 1 (1.1 gives schema 3), got ${describeValue(bucketFactor)}.`,
    );
  }
  const zeroThreshold = options.zeroThreshold ?? DEFAULT_NATIVE_ZERO_THRESHOLD;
  if (typeof zeroThreshold !== 'number' || !(zeroThreshold >= 0) || !Number.isFinite(zeroThreshold)) {
    throw new InvalidOptionError(
      'native.zeroThreshold',
      `native.zeroThreshold must be a finite number >= 0 (default 2^-128), got ${describeValue(zeroThreshold)}.`,
    );
  }
  const maxBuckets = options.maxBuckets ?? DEFAULT_NATIVE_MAX_BUCKETS;
  if (typeof maxBuckets !== 'number' || !Number.isInteger(maxBuckets) || maxBuckets < 1) {
    throw new InvalidOptionError(
      'native.maxBuckets',
      `native.maxBuckets must be a positive integer (default 160), got ${describeValue(maxBuckets)}.`,
    );
  }
  const minResetDurationMs = options.minResetDurationMs ?? 0;
  if (
    typeof minResetDurationMs !== 'number' ||
    !(minResetDurationMs >= 0) ||
    !Number.isFinite(minResetDurationMs)
  ) {
    throw new InvalidOptionError(
      'native.minResetDurationMs',
      `native.minResetDurationMs must be a finite number of milliseconds >= 0 (0 never resets), got ${describeValue(minResetDurationMs)}.`,
    );
  }
  return Object.freeze({
    schema: schemaForBucketFactor(bucketFactor),
    zeroThreshold,
    maxBuckets,
    minResetDurationMs,
  });
}
