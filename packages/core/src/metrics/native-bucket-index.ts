import { SCHEMA_8_FRACTIONS } from './native-fractions.js';

/** Highest (finest) native histogram schema: 256 buckets per power of two. */
export const NATIVE_SCHEMA_MAXIMUM = 8;
/** Lowest (coarsest) native histogram schema: one bucket per factor 2^16. */
export const NATIVE_SCHEMA_MINIMUM = -4;

/** Per schema 1..8, the fraction bounds of its 2^schema buckets per power of two (index 0 unused). */
const FRACTIONS_BY_SCHEMA: readonly Float64Array[] = Array.from(
  { length: NATIVE_SCHEMA_MAXIMUM + 1 },
  (_, schema) =>
    schema === 0
      ? new Float64Array(0)
      : Float64Array.from(
          { length: 2 ** schema },
          (_unused, index) => SCHEMA_8_FRACTIONS[index << (8 - schema)]!,
        ),
);

// frexp without allocating: write the double, read and rewrite its exponent bits.
const scratch = new Float64Array(1);
/**
 * @internal Where the hot path passes a magnitude to `scratchBucketIndex`: a double passed as an
 * argument to a function V8 does not inline is boxed (16 bytes a call); one written here is not.
 */
export const MAGNITUDE_SCRATCH: Float64Array = scratch;
const scratchWords = new Uint32Array(scratch.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const TWO_TO_64 = 2 ** 64;

/**
 * The schema client_golang's `pickSchema` gives a bucket factor: the largest n in -4..8 with
 * 2^(2^-n) <= bucketFactor (8 for factors below 2^(2^-8)). 1.1 gives 3. `bucketFactor` must be > 1.
 */
export function schemaForBucketFactor(bucketFactor: number): number {
  const floor = Math.floor(Math.log2(Math.log2(bucketFactor)));
  if (floor <= -NATIVE_SCHEMA_MAXIMUM) return NATIVE_SCHEMA_MAXIMUM;
  if (floor >= -NATIVE_SCHEMA_MINIMUM) return NATIVE_SCHEMA_MINIMUM;
  return 0 - floor || 0;
}

/**
 * The native bucket index of `magnitude` (> 0, finite) at `schema` (-4..8): the i with
 * base^(i-1) < magnitude <= base^i, base = 2^(2^-schema), decided EXACTLY for every double
 * (including subnormals and values one ulp from an irrational bound). Computed the way
 * client_golang does (frexp, then a binary search of the fraction among 2^schema bounds, or a
 * shift for schema <= 0), with bounds rounded down so that the `<=` comparison is exact.
 * O(schema) comparisons, no allocation.
 */
export function nativeBucketIndex(magnitude: number, schema: number): number {
  scratch[0] = magnitude;
  return scratchBucketIndex(schema);
}

/** @internal nativeBucketIndex of the magnitude in MAGNITUDE_SCRATCH (which it overwrites). */
export function scratchBucketIndex(schema: number): number {
  let high = scratchWords[HIGH_WORD]!;
  let biasedExponent = (high >>> 20) & 0x7ff;
  let exponent = -1022;
  if (biasedExponent === 0) {
    // Subnormal: scale into the normal range first.
    scratch[0] = scratch[0]! * TWO_TO_64;
    high = scratchWords[HIGH_WORD]!;
    biasedExponent = (high >>> 20) & 0x7ff;
    exponent -= 64;
  }
  exponent += biasedExponent;
  // magnitude = fraction * 2^exponent with fraction in [0.5, 1).
  scratchWords[HIGH_WORD] = (high & 0x800fffff) | (1022 << 20);
  const fraction = scratch[0]!;
  if (schema > 0) {
    const bounds = FRACTIONS_BY_SCHEMA[schema]!;
    // First position whose bound is >= fraction (bounds.length when none is).
    let low = 0;
    let top = bounds.length;
    while (low < top) {
      const middle = (low + top) >>> 1;
      if (bounds[middle]! < fraction) low = middle + 1;
      else top = middle;
    }
    return low + (exponent - 1) * bounds.length;
  }
  const key = fraction === 0.5 ? exponent - 1 : exponent;
  const shift = -schema;
  return (key + (1 << shift) - 1) >> shift;
}

/**
 * The upper bound base^index of native bucket `index` at `schema`, as the largest double not
 * above it (exact when it is a power of two). Infinity past the double range.
 */
export function nativeBucketUpperBound(index: number, schema: number): number {
  if (schema <= 0) return 2 ** (index * 2 ** -schema);
  const perPowerOfTwo = 2 ** schema;
  const position = ((index % perPowerOfTwo) + perPowerOfTwo) % perPowerOfTwo;
  const exponent = (index - position) / perPowerOfTwo;
  // fraction(position) * 2^(exponent + 1); split the power so that neither factor overflows early.
  const fraction = FRACTIONS_BY_SCHEMA[schema]![position]!;
  return fraction * 2 ** Math.ceil((exponent + 1) / 2) * 2 ** Math.floor((exponent + 1) / 2);
}
