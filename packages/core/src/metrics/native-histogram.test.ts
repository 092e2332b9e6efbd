import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { HistogramFamily, NativeHistogramView } from '../collect/metric-family.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { Histogram } from './histogram.js';

function nativeOf(histogram: Histogram<never> | Histogram, index = 0): NativeHistogramView {
  return (histogram.collectFamily('h') as HistogramFamily).series[index]!.native!;
}

/** index -> count from spans and counts, checking their shapes. */
function expand(buckets: NativeHistogramView['positive']): Map<number, number> {
  const result = new Map<number, number>();
  let index = 0;
  let position = 0;
  buckets.spans.forEach((span, spanIndex) => {
    expect(span.length).toBeGreaterThan(0);
    if (spanIndex > 0) expect(span.offset).toBeGreaterThan(0);
    index += span.offset;
    for (let step = 0; step < span.length; step++) result.set(index++, buckets.counts[position++]!);
  });
  expect(position).toBe(buckets.counts.length);
  return result;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('native histogram options', () => {
  test.each([
    [{ bucketFactor: 1 }, 'native.bucketFactor must be a finite number greater than 1'],
    [{ bucketFactor: Number.NaN }, 'native.bucketFactor'],
    [{ bucketFactor: Number.POSITIVE_INFINITY }, 'native.bucketFactor'],
    [{ bucketFactor: '1.1' }, 'native.bucketFactor'],
    [{ zeroThreshold: -1 }, 'native.zeroThreshold must be a finite number >= 0'],
    [{ zeroThreshold: Number.POSITIVE_INFINITY }, 'native.zeroThreshold'],
    [{ maxBuckets: 0 }, 'native.maxBuckets must be a positive integer'],
    [{ maxBuckets: 1.5 }, 'native.maxBuckets'],
    [{ minResetDurationMs: -5 }, 'native.minResetDurationMs must be a finite number of milliseconds >= 0'],
    [{ bucketFactr: 1.1 }, 'native.bucketFactr is not an option'],
    ['yes', 'native must be true or an options object'],
    [[], 'native must be true or an options object'],
  ])('%j is rejected at set-up: %s', (native, message) => {
    const create = (): unknown => new Histogram({ native: native as never });
    expect(create).toThrow(InvalidOptionError);
    expect(create).toThrow(message);
  });

  test('options are read from getters (a class instance) and frozen objects', () => {
    class Options {
      get bucketFactor(): number {
        return 2;
      }
    }
    expect(nativeOf(new Histogram({ native: new Options() })).schema).toBe(0);
    expect(nativeOf(new Histogram({ native: Object.freeze({ bucketFactor: 1.2 }) })).schema).toBe(2);
  });
});

describe('native histogram series', () => {
  test('native only: no classic bounds, one +Inf bucket, the defaults (schema 3, zero threshold 2^-128)', () => {
    const histogram = new Histogram({ native: true });
    histogram.observe(1);
    histogram.observe(0.001);
    const family = histogram.collectFamily('h');
    expect(family.bucketBounds).toEqual([]);
    expect(Array.from(family.series[0]!.bucketCounts)).toEqual([2]);
    const native = family.series[0]!.native!;
    expect(native.schema).toBe(3);
    expect(native.zeroThreshold).toBe(2 ** -128);
    // 2^(-80/8) = 2^-10 < 0.001 <= 2^(-79/8); 1 is the upper bound of bucket 0.
    expect(native.positive.spans).toEqual([
      { offset: -79, length: 1 },
      { offset: 78, length: 1 },
    ]);
    expect(native.positive.counts).toEqual([1, 1]);
    expect(native.negative.spans).toEqual([]);
  });

  test('classic only: no native view', () => {
    const family = new Histogram().collectFamily('h');
    expect(family.series[0]!.native).toBeUndefined();
    expect(family.bucketBounds).toHaveLength(14);
  });

  test('both: classic buckets and native buckets count the same observations', () => {
    const histogram = new Histogram({ buckets: [1, 10], native: { bucketFactor: 2 } });
    for (const value of [0.5, 3, 3, 20]) histogram.observe(value);
    const family = histogram.collectFamily('h');
    expect(Array.from(family.series[0]!.bucketCounts)).toEqual([1, 2, 1]);
    const native = family.series[0]!.native!;
    expect(native.schema).toBe(0);
    expect([...expand(native.positive)]).toEqual(
      [
        [-1, 1],
        [0, 0],
        [1, 0],
        [2, 2],
        [3, 0],
        [4, 0],
        [5, 1],
      ].filter(([, count]) => count! > 0),
    );
  });

  test('the zero bucket holds |value| <= zeroThreshold; negative values go to the negative side', () => {
    const histogram = new Histogram({ native: { zeroThreshold: 0.5, bucketFactor: 2 } });
    for (const value of [0, -0, 0.5, -0.5, 0.25, 0.5000001, -0.5000001, -4, -3]) histogram.observe(value);
    const native = nativeOf(histogram);
    expect(native.zeroCount).toBe(5);
    expect([...expand(native.positive)]).toEqual([[0, 1]]);
    expect([...expand(native.negative)]).toEqual(
      [
        [0, 1],
        [1, 0],
        [2, 2],
      ].filter(([, count]) => count! > 0),
    );
    expect(histogram.value()!.native).toEqual({
      schema: 0,
      zeroThreshold: 0.5,
      zeroCount: 5,
      positive: [{ index: 0, count: 1 }],
      negative: [
        { index: 0, count: 1 },
        { index: 2, count: 2 },
      ],
    });
  });

  test('spans: gaps become offsets from the end of the previous span', () => {
    const histogram = new Histogram({ native: { bucketFactor: 2 } });
    // buckets 1, 2, 3 (values 2, 4, 8), then 6 (64), then 10 (1024)
    for (const value of [2, 4, 4, 8, 64, 1024, 1024, 1024]) histogram.observe(value);
    const native = nativeOf(histogram);
    expect(native.positive.spans).toEqual([
      { offset: 1, length: 3 },
      { offset: 2, length: 1 },
      { offset: 3, length: 1 },
    ]);
    expect(native.positive.counts).toEqual([1, 2, 1, 1, 3]);
  });

  test('the view is live and the same object while the series lives; reset() and remove() start afresh', () => {
    const histogram = new Histogram({ native: true, labels: { route: 'string' } });
    histogram.observe({ route: '/' }, 1);
    const first = nativeOf(histogram);
    histogram.observe({ route: '/' }, 1);
    expect(nativeOf(histogram)).toBe(first);
    expect(first.positive.counts).toEqual([2]);
    histogram.reset();
    histogram.observe({ route: '/' }, 1);
    const second = nativeOf(histogram);
    expect(second).not.toBe(first);
    expect(second.positive.counts).toEqual([1]);
    expect(histogram.remove({ route: '/' })).toBe(true);
    expect(histogram.collectFamily('h').series).toHaveLength(0);
    const bound = histogram.with({ route: '/' });
    bound.observe(3);
    expect(nativeOf(histogram).positive.counts).toEqual([1]);
  });

  test('an evicted native series comes back empty', () => {
    const histogram = new Histogram({
      native: true,
      labels: { id: 'int' },
      maxCells: 1,
      logger: { warn() {}, error() {} },
    });
    histogram.observe({ id: 1 }, 5);
    histogram.observe({ id: 2 }, 5);
    histogram.observe({ id: 1 }, 7);
    expect(histogram.value({ id: 1 })!.native!.positive).toEqual([{ index: 23, count: 1 }]);
  });

  test('non-finite observations are dropped and reported, native or not', () => {
    const errors: string[] = [];
    const histogram = new Histogram({
      native: true,
      logger: { warn() {}, error: (message) => errors.push(message) },
    });
    histogram.observe(Number.POSITIVE_INFINITY);
    histogram.observe(Number.NaN);
    expect(histogram.value()!.count).toBe(0);
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('maxBuckets', () => {
  test('resolution reduction: the schema drops, counts are preserved and match a histogram observed at that schema', () => {
    const values = Array.from({ length: 300 }, (_, index) => 1.013 ** index * (index % 2 === 0 ? 1 : -1));
    values.push(0, 0);
    const limited = new Histogram({ native: { maxBuckets: 20 } });
    for (const value of values) limited.observe(value);
    const native = nativeOf(limited);
    expect(native.schema).toBeLessThan(3);
    const reference = new Histogram({
      native: { bucketFactor: 2 ** (2 ** -native.schema), maxBuckets: 10_000 },
    });
    for (const value of values) reference.observe(value);
    const expected = nativeOf(reference);
    expect(expected.schema).toBe(native.schema);
    expect(expand(native.positive)).toEqual(expand(expected.positive));
    expect(expand(native.negative)).toEqual(expand(expected.negative));
    expect(native.positive.spans).toEqual(expected.positive.spans);
    expect(native.zeroCount).toBe(2);
    expect(expand(native.positive).size + expand(native.negative).size).toBeLessThanOrEqual(20);
    // Nothing lost.
    const total = [...native.positive.counts, ...native.negative.counts].reduce(
      (sum, count) => sum + count,
      0,
    );
    expect(total + native.zeroCount).toBe(values.length);
    // One step fewer would not have fitted.
    const finer = new Histogram({
      native: { bucketFactor: 2 ** (2 ** -(native.schema + 1)), maxBuckets: 10_000 },
    });
    for (const value of values) finer.observe(value);
    expect(expand(nativeOf(finer).positive).size + expand(nativeOf(finer).negative).size).toBeGreaterThan(20);
  });

  test('the schema stops at -4 even when buckets still exceed maxBuckets', () => {
    const histogram = new Histogram({ native: { maxBuckets: 1 } });
    histogram.observe(1e-30);
    histogram.observe(1e30);
    expect(nativeOf(histogram).schema).toBe(-4);
    expect(histogram.value()!.count).toBe(2);
  });

  test('minResetDurationMs: past the duration, an overflowing series resets to the configured schema with that observation', () => {
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const histogram = new Histogram({ buckets: [1], native: { maxBuckets: 2, minResetDurationMs: 60_000 } });
    histogram.observe(1);
    histogram.observe(2);
    histogram.observe(4); // third bucket before the duration: resolution is reduced
    expect(nativeOf(histogram).schema).toBeLessThan(3);
    expect(histogram.value()!.count).toBe(3);
    now += 60_000;
    histogram.observe(1024); // overflows after the duration: reset
    const value = histogram.value()!;
    expect(value.native!.schema).toBe(3);
    expect(value.count).toBe(1);
    expect(value.sum).toBe(1024);
    expect(value.buckets).toEqual([
      { le: 1, count: 0 },
      { le: Number.POSITIVE_INFINITY, count: 1 },
    ]);
    expect(value.native!.positive).toEqual([{ index: 80, count: 1 }]);
    expect(nativeOf(histogram).resets).toBe(1);
    now += 60_000;
    histogram.observe(1);
    histogram.observe(4); // overflows again: a second reset, counted on the live view
    expect(nativeOf(histogram).resets).toBe(2);
  });
});

describe('properties', () => {
  test('count = zero + positive + negative counts, and every value lies in its bucket', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 60 }),
        fc.constantFrom(1.0001, 1.01, 1.1, 1.5, 2, 10, 1e6),
        fc.integer({ min: 1, max: 200 }),
        (values, bucketFactor, maxBuckets) => {
          const histogram = new Histogram({ native: { bucketFactor, maxBuckets } });
          for (const value of values) histogram.observe(value);
          const native = nativeOf(histogram);
          const total = [...native.positive.counts, ...native.negative.counts].reduce(
            (sum, count) => sum + count,
            0,
          );
          expect(total + native.zeroCount).toBe(values.length);
          const positive = expand(native.positive);
          const negative = expand(native.negative);
          for (const value of values) {
            if (Math.abs(value) <= native.zeroThreshold) continue;
            const buckets = value > 0 ? positive : negative;
            // Some bucket i with base^(i-1) < |value| <= base^i (log space, a relative tolerance for float error).
            const position = Math.log2(Math.abs(value)) * 2 ** native.schema;
            const tolerance = 1e-9 * Math.max(1, Math.abs(position));
            const candidates = [
              Math.floor(position) - 1,
              Math.floor(position),
              Math.ceil(position),
              Math.ceil(position) + 1,
            ];
            const index = candidates.find(
              (candidate) =>
                (buckets.get(candidate) ?? 0) > 0 &&
                position <= candidate + tolerance &&
                position > candidate - 1 - tolerance,
            );
            expect(index, `value ${value} at schema ${native.schema}`).toBeDefined();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
