import { createRecordingLogger, type RecordingLogger } from '@servermetrics/testing';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { HistogramFamily } from '../collect/metric-family.js';
import { InvalidNameError } from '../errors/invalid-name-error.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { MetricRegistry } from '../registry/metric-registry.js';
import { DEFAULT_BUCKETS, exponentialBuckets, linearBuckets, validateBuckets } from './buckets.js';
import { Histogram } from './histogram.js';

let logger: RecordingLogger;
let registry: MetricRegistry;

beforeEach(() => {
  logger = createRecordingLogger();
  registry = new MetricRegistry({ logger, strict: false });
});

describe('histogram', () => {
  test('default buckets are the design ones', () => {
    expect(new Histogram({ help: 'h' }).buckets).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]);
    expect(DEFAULT_BUCKETS).toHaveLength(14);
  });

  test('observations land in the right bucket (upper bound inclusive), with sum and count', () => {
    const histogram = new Histogram({ help: 'h', buckets: [1, 2, 5] });
    for (const value of [0.5, 1, 1.5, 2, 4, 100, -3]) histogram.observe(value);
    expect(histogram.value()).toEqual({
      count: 7,
      sum: 106,
      buckets: [
        { le: 1, count: 3 },
        { le: 2, count: 5 },
        { le: 5, count: 6 },
        { le: Number.POSITIVE_INFINITY, count: 7 },
      ],
    });
  });

  test('collect exposes per-bucket (non-cumulative) counts and bounds', () => {
    const histogram = registry.register(
      'latency_seconds',
      new Histogram({ help: 'h', buckets: [1, 2], labels: { route: 'string' } }),
    );
    histogram.observe({ route: '/a' }, 1.5);
    histogram.observe({ route: '/a' }, 3);
    const family = registry.collect()[0] as HistogramFamily;
    expect(family.type).toBe('histogram');
    expect(family.bucketBounds).toEqual([1, 2]);
    expect(Array.from(family.series[0]!.bucketCounts)).toEqual([0, 1, 1]);
    expect(family.series[0]!.sum).toBe(4.5);
    expect(family.series[0]!.count).toBe(2);
  });

  test('non-finite observations are logged and dropped', () => {
    const histogram = registry.register('h_seconds', new Histogram({ help: 'h' }));
    histogram.observe(Number.NaN);
    histogram.observe(Number.POSITIVE_INFINITY);
    (histogram.observe as (value: unknown) => void)('1');
    expect(histogram.value()!.count).toBe(0);
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toContain('h_seconds.observe(): expected a finite number, got NaN');
  });

  test('startTimer observes elapsed seconds into the labelled series', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const histogram = new Histogram({ help: 'h', labels: { route: 'string' } });
      const stop = histogram.startTimer({ route: '/users/:id' });
      vi.advanceTimersByTime(250);
      expect(stop()).toBeCloseTo(0.25, 3);
      expect(histogram.value({ route: '/users/:id' })!.sum).toBeCloseTo(0.25, 3);
      const bound = histogram.with({ route: '/b' });
      const stopBound = bound.startTimer();
      vi.advanceTimersByTime(1500);
      stopBound();
      expect(histogram.value({ route: '/b' })!.buckets.find((bucket) => bucket.le === 2.5)!.count).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  test('bound histogram observes without label work', () => {
    const histogram = new Histogram({ help: 'h', labels: { route: 'string' }, buckets: [1] });
    const bound = histogram.with({ route: '/' });
    bound.observe(0.5);
    bound.observe(2);
    expect(histogram.value({ route: '/' })!.count).toBe(2);
  });

  test('a new series has one zero count per bound plus +Inf, and reset zeroes every bucket', () => {
    const histogram = registry.register(
      'sizes_bytes',
      new Histogram({ help: 'h', buckets: [1, 2, 5], labels: { route: 'string' } }),
    );
    histogram.observe({ route: '/a' }, 0);
    const series = () => (registry.collect()[0] as HistogramFamily).series[0]!;
    expect(Array.from(series().bucketCounts)).toEqual([1, 0, 0, 0]);
    for (const value of [1.5, 1.5, 3, 6, 6, 6]) histogram.observe({ route: '/a' }, value);
    expect(Array.from(series().bucketCounts)).toEqual([1, 2, 1, 3]);
    const unlabelled = new Histogram({ help: 'h', buckets: [1, 2, 5] });
    for (const value of [0.5, 1.5, 3, 9]) unlabelled.observe(value);
    unlabelled.reset();
    expect(unlabelled.value()!.buckets.map((bucket) => bucket.count)).toEqual([0, 0, 0, 0]);
    unlabelled.observe(1.5);
    expect(unlabelled.value()!.buckets.map((bucket) => bucket.count)).toEqual([0, 1, 1, 1]);
  });

  test('reset clears an unlabelled histogram', () => {
    const histogram = new Histogram({ help: 'h' });
    histogram.observe(1);
    histogram.reset();
    expect(histogram.value()).toMatchObject({ count: 0, sum: 0 });
  });

  test('"le" is reserved as a histogram label name', () => {
    expect(() => new Histogram({ help: 'h', labels: { le: 'string' } })).toThrow(InvalidNameError);
  });
});

describe('buckets', () => {
  test.each([
    [[], 'non-empty'],
    [[2, 1], 'sorted and unique: 2 is followed by 1'],
    [[1, 1], 'sorted and unique'],
    [[1, Number.NaN], 'bucket 1 must be a finite number'],
    [[Number.NEGATIVE_INFINITY, 1], 'bucket 0 must be a finite number'],
    ['1,2', 'non-empty array'],
    [[Number.POSITIVE_INFINITY], 'at least one finite bound besides +Inf'],
  ])('%j is rejected: %s', (buckets, message) => {
    expect(() => new Histogram({ help: 'h', buckets: buckets as number[] })).toThrow(InvalidOptionError);
    expect(() => validateBuckets(buckets)).toThrow(message);
  });

  test('a trailing +Inf is accepted and implied', () => {
    expect(new Histogram({ help: 'h', buckets: [1, 2, Number.POSITIVE_INFINITY] }).buckets).toEqual([1, 2]);
  });

  test('linear and exponential helpers', () => {
    expect(linearBuckets(1, 2, 3)).toEqual([1, 3, 5]);
    expect(exponentialBuckets(1, 2, 4)).toEqual([1, 2, 4, 8]);
    expect(() => exponentialBuckets(0, 2, 4)).toThrow(InvalidOptionError);
    expect(() => linearBuckets(0, 0, 4)).toThrow(InvalidOptionError);
  });
});
