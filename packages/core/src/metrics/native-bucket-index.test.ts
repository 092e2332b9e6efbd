import { describe, expect, test } from 'vitest';
import {
  NATIVE_SCHEMA_MAXIMUM,
  NATIVE_SCHEMA_MINIMUM,
  nativeBucketIndex,
  nativeBucketUpperBound,
  schemaForBucketFactor,
} from './native-bucket-index.js';
import { SCHEMA_8_FRACTIONS } from './native-fractions.js';

// An independent oracle in exact integer arithmetic: no frexp, no fraction table.
const view = new DataView(new ArrayBuffer(8));

/** The double as mantissa * 2^exponent, both exact. */
function decompose(value: number): { mantissa: bigint; exponent: number } {
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return biased === 0
    ? { mantissa: fraction, exponent: -1074 }
    : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** The smallest i with value <= 2^(i * 2^-schema), decided exactly. */
function exactIndex(value: number, schema: number): number {
  const { mantissa, exponent } = decompose(value);
  if (schema > 0) {
    // value <= 2^(i/2^s)  <=>  mantissa^(2^s) * 2^(exponent*2^s) <= 2^i
    const power = 2 ** schema;
    return bitLength(mantissa ** BigInt(power) - 1n) + exponent * power;
  }
  const smallestPowerOfTwo = bitLength(mantissa - 1n) + exponent; // value <= 2^n
  return Math.ceil(smallestPowerOfTwo / 2 ** -schema) + 0; // + 0: no -0
}

function nextUp(value: number): number {
  view.setFloat64(0, value);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

function nextDown(value: number): number {
  view.setFloat64(0, value);
  view.setBigUint64(0, view.getBigUint64(0) - 1n);
  return view.getFloat64(0);
}

const SCHEMAS = Array.from(
  { length: NATIVE_SCHEMA_MAXIMUM - NATIVE_SCHEMA_MINIMUM + 1 },
  (_, index) => NATIVE_SCHEMA_MINIMUM + index,
);

describe('the schema 8 fraction table', () => {
  test('entry k is the largest double not above 2^(k/256 - 1) (exact BigInt proof)', () => {
    expect(SCHEMA_8_FRACTIONS).toHaveLength(256);
    for (let k = 0; k < 256; k++) {
      const entry = SCHEMA_8_FRACTIONS[k]!;
      const atMost = (value: number): boolean => {
        const { mantissa, exponent } = decompose(value);
        // value^256 <= 2^(k - 256)  <=>  mantissa^256 <= 2^(k - 256 - 256*exponent)
        return mantissa ** 256n <= 1n << BigInt(k - 256 - 256 * exponent);
      };
      expect(atMost(entry), `entry ${k}`).toBe(true);
      expect(atMost(nextUp(entry)), `entry ${k} + 1 ulp`).toBe(false);
    }
  });
});

describe('nativeBucketIndex', () => {
  test('known indexes from the spec: schema 0 buckets are (2^(i-1), 2^i], schema 3 has 8 per power of two', () => {
    expect(nativeBucketIndex(1, 0)).toBe(0);
    expect(nativeBucketIndex(1.5, 0)).toBe(1);
    expect(nativeBucketIndex(2, 0)).toBe(1);
    expect(nativeBucketIndex(3, 0)).toBe(2);
    expect(nativeBucketIndex(0.5, 0)).toBe(-1);
    expect(nativeBucketIndex(1, 3)).toBe(0);
    expect(nativeBucketIndex(2, 3)).toBe(8);
    expect(nativeBucketIndex(1.0001, 3)).toBe(1);
    expect(nativeBucketIndex(0.001, 3)).toBe(-79);
    // schema -1: base 4; schema -4: base 2^16
    expect(nativeBucketIndex(4, -1)).toBe(1);
    expect(nativeBucketIndex(4.000001, -1)).toBe(2);
    expect(nativeBucketIndex(65536, -4)).toBe(1);
    expect(nativeBucketIndex(65537, -4)).toBe(2);
    expect(nativeBucketIndex(1, -4)).toBe(0);
    expect(nativeBucketIndex(1.5, -4)).toBe(1);
  });

  test.each(SCHEMAS)(
    'schema %i: every bound base^i, and one ulp either side, for i in a wide range',
    (schema) => {
      const indexes = testedIndexes(schema);
      for (const index of indexes) {
        const bound = 2 ** (index / 2 ** schema);
        if (!(bound > 0) || !Number.isFinite(bound)) continue;
        for (const value of [nextDown(bound), bound, nextUp(bound)]) {
          if (!(value > 0) || !Number.isFinite(value)) continue;
          expect(nativeBucketIndex(value, schema), `value ${value} (near bound ${index})`).toBe(
            exactIndex(value, schema),
          );
        }
      }
    },
  );

  test.each(SCHEMAS)('schema %i: exact powers of two are the upper bound of their bucket', (schema) => {
    for (let exponent = -1074; exponent <= 1023; exponent += 7) {
      const value = 2 ** exponent;
      // 2^exponent = base^(exponent * 2^schema): the upper bound of that bucket (schema <= 0: rounded up).
      const expected = schema >= 0 ? exponent * 2 ** schema : Math.ceil(exponent / 2 ** -schema) + 0;
      expect(nativeBucketIndex(value, schema), `2^${exponent}`).toBe(expected);
    }
  });

  test.each(SCHEMAS)(
    'schema %i: subnormals, extremes and random doubles match the exact oracle',
    (schema) => {
      const values = [
        Number.MIN_VALUE,
        Number.MIN_VALUE * 3,
        2 ** -1050 * 1.7,
        2 ** -1022,
        nextDown(2 ** -1022),
        2 ** -128,
        nextUp(2 ** -128),
        Number.MAX_VALUE,
        nextDown(Number.MAX_VALUE),
        Number.MAX_SAFE_INTEGER,
        0.005,
        0.1,
        1e-9,
        123456.789,
      ];
      let state = 12345;
      for (let index = 0; index < 200; index++) {
        state = (state * 1103515245 + 12345) % 2147483648;
        values.push(Math.exp((state / 2147483648 - 0.5) * 200));
      }
      for (const value of values) {
        expect(nativeBucketIndex(value, schema), `value ${value}`).toBe(exactIndex(value, schema));
      }
    },
  );
});

/**
 * Bucket indexes worth checking at `schema`: three powers of two either side of 1, and pairs
 * far away (near the subnormal range and near the largest double).
 */
function testedIndexes(schema: number): number[] {
  const perPowerOfTwo = 2 ** schema;
  const indexes: number[] = [];
  for (let index = -3 * Math.ceil(perPowerOfTwo); index <= 3 * Math.ceil(perPowerOfTwo); index++)
    indexes.push(index);
  for (const exponent of [-1070, -1022, -300, -20, 20, 300, 1000, 1023]) {
    indexes.push(Math.round(exponent * perPowerOfTwo), Math.round(exponent * perPowerOfTwo) + 1);
  }
  return indexes;
}

describe('nativeBucketUpperBound', () => {
  test.each(SCHEMAS)(
    'schema %i: the bound is in bucket i and the next double up in bucket i + 1, for normal bounds in a wide range',
    (schema) => {
      const indexes = testedIndexes(schema);
      let checked = 0;
      for (const index of indexes) {
        const bound = nativeBucketUpperBound(index, schema);
        // Normal doubles only: below 2^-1022 the product is rounded to nearest, not down (and
        // buckets get narrower than one ulp), so neither property holds there.
        if (!(bound >= 2 ** -1022) || !Number.isFinite(bound)) continue;
        expect(nativeBucketIndex(bound, schema), `bound of bucket ${index}`).toBe(index);
        const above = nextUp(bound);
        if (Number.isFinite(above)) {
          expect(nativeBucketIndex(above, schema), `one ulp above the bound of bucket ${index}`).toBe(
            index + 1,
          );
        }
        checked++;
      }
      expect(checked).toBeGreaterThan(6);
    },
  );
});

describe('schemaForBucketFactor', () => {
  test('the largest schema whose growth factor 2^(2^-schema) is at most the bucket factor, clamped to -4..8', () => {
    expect(schemaForBucketFactor(1.1)).toBe(3); // 2^(1/8) = 1.0905 <= 1.1 < 2^(1/4) = 1.189
    expect(schemaForBucketFactor(1.2)).toBe(2);
    expect(schemaForBucketFactor(1.5)).toBe(1);
    expect(schemaForBucketFactor(2)).toBe(0);
    expect(schemaForBucketFactor(3)).toBe(0);
    expect(schemaForBucketFactor(4)).toBe(-1);
    expect(schemaForBucketFactor(1.006)).toBe(7); // 2^(1/128) = 1.0054 <= 1.006 < 2^(1/64) = 1.0109
    expect(schemaForBucketFactor(1.0001)).toBe(8);
    expect(schemaForBucketFactor(2 ** 16)).toBe(-4);
    expect(schemaForBucketFactor(1e300)).toBe(-4);
  });
});
