import type {
  HistogramFamily,
  HistogramSeries,
  MetricFamily,
  MetricProducer,
  NativeHistogramView,
} from '@servermetrics/core';
import { Histogram, MetricRegistry, type NativeHistogramOptions } from '@servermetrics/core';
import {
  bucketNativeObservations,
  createRecordingLogger,
  distributionTotals,
  logNormalSamples,
  startUdpListener,
  type UdpListener,
} from '@servermetrics/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StatsdExporter } from './statsd-exporter.js';

let listener: UdpListener;
beforeAll(async () => {
  listener = await startUdpListener();
});
afterAll(async () => {
  await listener.close();
});

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * Decodes DogStatsD distribution lines as the Datadog Agent does: a value with `|@rate` is put
 * into the sketch `uint(1 / rate)` times (truncated) and into the sum as value / rate; the sketch
 * keys values by ceil(log_gamma(v)) with gamma = 1 + 1/64 (the Agent's default, 1/128 relative
 * accuracy) and answers a quantile with its bin's midpoint.
 */
class AgentSketch {
  private readonly bins = new Map<number, number>();
  count = 0;
  sum = 0;
  private static readonly gamma = 1 + 1 / 64;

  insertLine(line: string): void {
    const match = /^[^:]+:([^|]+)\|d(?:\|@([^|]+))?(?:\|#.*)?$/u.exec(line);
    if (match === null) throw new Error(`not a distribution line: ${line}`);
    const value = Number(match[1]);
    const rate = match[2] === undefined ? 1 : Number(match[2]);
    const times = Math.trunc(1 / rate);
    this.count += times;
    this.sum += value / rate;
    const key = Math.ceil(Math.log(value) / Math.log(AgentSketch.gamma));
    this.bins.set(key, (this.bins.get(key) ?? 0) + times);
  }

  quantile(q: number): number {
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (const key of [...this.bins.keys()].sort((left, right) => left - right)) {
      seen += this.bins.get(key)!;
      if (seen >= rank) return (2 * AgentSketch.gamma ** key) / (1 + AgentSketch.gamma);
    }
    throw new Error('empty sketch');
  }
}

/**
 * A producer with one native histogram whose schema-3 view is computed from the raw
 * observations by the test kit's reference bucketing (as the cluster aggregate or a user's
 * collector would build it), independently of core.
 */
class NativeLatencyProducer implements MetricProducer {
  private readonly values: number[] = [];
  private readonly native: { -readonly [K in keyof NativeHistogramView]: NativeHistogramView[K] } = {
    schema: 3,
    zeroThreshold: 2 ** -128,
    zeroCount: 0,
    positive: { spans: [], counts: [] },
    negative: { spans: [], counts: [] },
  };
  private readonly series = {
    labelValues: [] as string[],
    bucketCounts: [0],
    sum: 0,
    count: 0,
    updateCount: 0,
    native: this.native,
  };
  private readonly family = {
    type: 'histogram',
    name: 'request_duration_seconds',
    help: 'Request durations',
    labelNames: [],
    metric: this,
    bucketBounds: [],
    series: [this.series as unknown as HistogramSeries],
  } as unknown as HistogramFamily;

  observe(value: number): void {
    this.values.push(value);
    this.series.updateCount++;
  }

  /** Widens the zero bucket, as the cluster aggregate does when a worker has a wider one. */
  widenZeroBucket(zeroThreshold: number): void {
    this.native.zeroThreshold = zeroThreshold;
    this.series.updateCount++;
  }

  collect(): readonly MetricFamily[] {
    const buckets = bucketNativeObservations(this.values, this.native.schema, this.native.zeroThreshold);
    this.native.zeroCount = buckets.zeroCount;
    this.native.positive = buckets.positive;
    this.native.negative = buckets.negative;
    this.series.sum = buckets.sum;
    this.series.count = buckets.count;
    this.series.bucketCounts[0] = buckets.count;
    return [this.family];
  }
}

/** Flushes and returns the lines of every packet the flush sent (failing on a failed packet). */
function flushLines(exporter: StatsdExporter): Promise<string[]> {
  return listener.linesOf(() => exporter.flush());
}

describe('distributions as the Datadog Agent reads them', () => {
  test('a native histogram of 10,000 log-normal observations: exact count, sum and p50/p95/p99 within a few percent, in two flushes', async () => {
    const observations = logNormalSamples(10_000, 42);
    const producer = new NativeLatencyProducer();
    const exporter = new StatsdExporter({
      port: listener.port,
      registries: producer,
      maxPacketBytes: 8192,
      logger: createRecordingLogger(),
    });
    const sketch = new AgentSketch();
    const lines: string[] = [];
    for (const half of [observations.slice(0, 5000), observations.slice(5000)]) {
      for (const value of half) producer.observe(value);
      lines.push(...(await flushLines(exporter)));
    }
    expect(await flushLines(exporter)).toEqual([]); // nothing new: nothing sent
    await exporter.stop();
    for (const line of lines) sketch.insertLine(line);
    // Cost: one line per bucket used per flush (about 100), not one per observation.
    expect(lines.length).toBeLessThan(250);
    expect(sketch.count).toBe(10_000);
    const sorted = [...observations].sort((left, right) => left - right);
    const trueSum = observations.reduce((total, value) => total + value, 0);
    expect(Math.abs(sketch.sum / trueSum - 1)).toBeLessThan(0.03);
    // Bound: half a schema-3 bucket (sqrt(2^(1/8)) - 1 = 4.4%) plus the Agent sketch's 0.8%.
    const bound = 2 ** (1 / 16) * (1 + 1 / 128) - 1;
    for (const q of [0.5, 0.95, 0.99]) {
      const relativeError = Math.abs(sketch.quantile(q) / quantile(sorted, q) - 1);
      expect(relativeError, `p${q * 100}`).toBeLessThan(bound);
    }
  });

  test('a zero bucket widened between flushes: what was sent from the buckets it swallowed is not sent again', async () => {
    const producer = new NativeLatencyProducer();
    const exporter = new StatsdExporter({
      port: listener.port,
      registries: producer,
      logger: createRecordingLogger(),
    });
    const name = 'request_duration_seconds';
    // 0.0028 and 0.003 share the schema-3 bucket (2^(-68/8), 2^(-67/8)]; -0.001 is a negative bucket.
    const first = [0.0028, 0.003, -0.001, 0.5];
    for (const value of first) producer.observe(value);
    expect(distributionTotals(await flushLines(exporter), name).count).toBe(first.length);
    // The zero bucket now holds everything up to 2^(-67/8), the two small buckets included.
    producer.widenZeroBucket(2 ** (-67 / 8));
    const second = [0.002, 0.5];
    for (const value of second) producer.observe(value);
    const lines = await flushLines(exporter);
    expect(distributionTotals(lines, name).count).toBe(second.length);
    expect(lines.filter((line) => line.startsWith(`${name}:0|`))).toHaveLength(1);
    expect(await flushLines(exporter)).toEqual([]);
    await exporter.stop();
  });

  test("core's classic Histogram: exact count, each value at its bucket's midpoint", async () => {
    const registry = new MetricRegistry();
    const buckets = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    const latency = registry.register('latency_seconds', new Histogram({ help: 'l', buckets }));
    const exporter = new StatsdExporter({
      port: listener.port,
      registries: registry,
      logger: createRecordingLogger(),
    });
    const observations = logNormalSamples(10_000, 7);
    for (const value of observations) latency.observe(value);
    const sketch = new AgentSketch();
    for (const line of await flushLines(exporter)) sketch.insertLine(line);
    await exporter.stop();
    expect(sketch.count).toBe(10_000);
    const sorted = [...observations].sort((left, right) => left - right);
    const p50 = quantile(sorted, 0.5);
    // p50 (about 0.1) falls in (0.05, 0.1] or (0.1, 0.25]: its bucket's midpoint, within the sketch's accuracy.
    const midpoint = p50 <= 0.1 ? 0.075 : 0.175;
    expect(Math.abs(sketch.quantile(0.5) / midpoint - 1)).toBeLessThan(1 / 64);
  });
});

describe("core's native histogram lowering its schema between flushes", () => {
  /** The geometric middle of schema-3 bucket `index`. */
  const midpoint = (index: number): number => 2 ** ((index - 0.5) / 8);

  /** A native histogram `name` with `native` options in its own registry, and an exporter of it to the listener. */
  function nativeHistogramExporter(
    name: string,
    native: NativeHistogramOptions,
  ): { latency: Histogram; exporter: StatsdExporter } {
    const registry = new MetricRegistry();
    const latency = registry.register(name, new Histogram({ help: 'l', native }));
    const exporter = new StatsdExporter({
      port: listener.port,
      registries: registry,
      logger: createRecordingLogger(),
    });
    return { latency, exporter };
  }

  /** Observes `values`, flushes, and decodes what arrived as the Agent does. */
  async function observeAndFlush(
    exporter: StatsdExporter,
    latency: Histogram,
    values: readonly number[],
  ): Promise<{ count: number; lines: string[] }> {
    for (const value of values) latency.observe(value);
    const lines = await flushLines(exporter);
    const sketch = new AgentSketch();
    for (const line of lines) sketch.insertLine(line);
    return { count: sketch.count, lines };
  }

  test('one halving (schema 3 to 2, maxBuckets 4): each flush decodes to exactly its own observations', async () => {
    const { latency, exporter } = nativeHistogramExporter('remap_one_seconds', { maxBuckets: 4 });
    // Schema 3 buckets 1..4, bucket i being (2^((i-1)/8), 2^(i/8)]: values at their midpoints, several each.
    const first = [1, 2, 3, 4].flatMap((index) => Array.from({ length: index + 1 }, () => midpoint(index)));
    const before = await observeAndFlush(exporter, latency, first);
    expect(latency.value()!.native!.schema).toBe(3);
    expect(before.count).toBe(first.length);
    expect(before.lines).toHaveLength(4);
    // Bucket 5 makes five: the series halves its resolution (buckets merge in pairs: 1-2, 3-4, 5-6).
    const second = [midpoint(5), midpoint(5), midpoint(1), midpoint(4)];
    const after = await observeAndFlush(exporter, latency, second);
    expect(latency.value()!.native!.schema).toBe(2);
    // Only what is new since the first flush, re-keyed to the coarser buckets: nothing twice, nothing lost.
    expect(after.count).toBe(second.length);
    expect(await flushLines(exporter)).toEqual([]);
    await exporter.stop();
  });

  test('several halvings in one interval (schema 3 to -1) and more observations afterwards: decoded totals exact', async () => {
    const { latency, exporter } = nativeHistogramExporter('remap_many_seconds', { maxBuckets: 4 });
    const batches = [
      [1, 1.05, 1.1, 1.1],
      [2, 4, 8, 16, 1.05],
      [1, 3, 3, 12, 16, 0.75],
    ];
    let total = 0;
    let decoded = 0;
    const schemas: number[] = [];
    for (const batch of batches) {
      const { count } = await observeAndFlush(exporter, latency, batch);
      expect(count).toBe(batch.length);
      total += batch.length;
      decoded += count;
      schemas.push(latency.value()!.native!.schema);
    }
    expect(schemas[0]).toBe(3);
    expect(schemas[1]).toBeLessThan(2);
    expect(decoded).toBe(total);
    expect(latency.value()!.count).toBe(total);
    expect(await flushLines(exporter)).toEqual([]);
    await exporter.stop();
  });

  test('values below 1 and negative values (negative bucket indexes) across halvings: decoded totals exact', async () => {
    const { latency, exporter } = nativeHistogramExporter('remap_small_seconds', { maxBuckets: 4 });
    const batches = [
      [0.01, 0.011, 0.012, -0.5],
      [0.001, 0.2, -0.02, -0.5, 0.011],
      [0.0001, -3, 0.5, 0.012, -0.02],
    ];
    for (const batch of batches) {
      const { count, lines } = await observeAndFlush(exporter, latency, batch);
      expect(count).toBe(batch.length);
      // The sign survives: as many negative values arrive as were observed.
      const negativeLines = lines.filter((line) => Number(line.split(':')[1]!.split('|')[0]) < 0);
      expect(distributionTotals(negativeLines, 'remap_small_seconds').count).toBe(
        batch.filter((value) => value < 0).length,
      );
    }
    expect(latency.value()!.native!.schema).toBeLessThan(2);
    expect(await flushLines(exporter)).toEqual([]);
    await exporter.stop();
  });

  test('an in-place reset (minResetDurationMs): each flush decodes to exactly the observations since the last one', async () => {
    const { latency, exporter } = nativeHistogramExporter('reset_seconds', {
      maxBuckets: 4,
      minResetDurationMs: 1,
    });
    const first = [midpoint(1), midpoint(2), midpoint(3), midpoint(4)];
    expect((await observeAndFlush(exporter, latency, first)).count).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Bucket 9 makes five, past minResetDurationMs: the series restarts with it; then buckets 1 and 2
    // again, whose counts (1 each) equal what was last sent before the reset.
    const second = [midpoint(9), midpoint(1), midpoint(2)];
    const after = await observeAndFlush(exporter, latency, second);
    // Reset, not halved: back at the configured schema, with only the three new observations.
    expect(latency.value()!.native!.schema).toBe(3);
    expect(latency.value()!.count).toBe(3);
    expect(after.count).toBe(second.length);
    expect(await flushLines(exporter)).toEqual([]);
    await exporter.stop();
  });
});
