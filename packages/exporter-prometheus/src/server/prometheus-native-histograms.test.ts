import type {
  HistogramFamily,
  HistogramSeries,
  MetricFamily,
  MetricProducer,
  NativeHistogramView,
} from '@servermetrics/core';
import { Counter, Gauge, Histogram, MetricRegistry } from '@servermetrics/core';
import {
  bucketNativeObservations,
  logNormalSamples,
  nativeBucketIndex,
  type QueryResult,
  type RunningPrometheus,
  startPrometheus,
  waitFor,
} from '@servermetrics/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENMETRICS_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE } from '../exposition/exposition-format.js';
import { type MetricsServer, startMetricsServer } from './start-metrics-server.js';

/** 10,000 log-normal latencies (median 100 ms, sigma 0.6) from a fixed seed. */
const BATCH = logNormalSamples(10_000, 42, { sigma: 0.6 });
const SORTED = [...BATCH].sort((a, b) => a - b);
const REFERENCE = bucketNativeObservations(BATCH, 3);

/**
 * A native-only histogram that receives the same 10,000 latencies again on every collect, so
 * that any rate over it has exactly the batch's distribution, and its count and sum are exact
 * multiples of the batch's.
 */
function growingNativeProducer(): MetricProducer {
  let batches = 0;
  const scaled = (counts: readonly number[]): number[] => counts.map((count) => count * batches);
  const series = {
    labelValues: [],
    get bucketCounts(): number[] {
      return [REFERENCE.count * batches];
    },
    get count(): number {
      return REFERENCE.count * batches;
    },
    get sum(): number {
      return REFERENCE.sum * batches;
    },
    get updateCount(): number {
      return REFERENCE.count * batches;
    },
    get native(): NativeHistogramView {
      return {
        schema: REFERENCE.schema,
        zeroThreshold: REFERENCE.zeroThreshold,
        zeroCount: REFERENCE.zeroCount * batches,
        positive: { spans: REFERENCE.positive.spans, counts: scaled(REFERENCE.positive.counts) },
        negative: { spans: REFERENCE.negative.spans, counts: scaled(REFERENCE.negative.counts) },
      };
    },
  } as HistogramSeries;
  const family = {
    name: 'native_latency_seconds',
    help: 'Log-normal latencies, native buckets',
    unit: undefined,
    labelNames: [],
    metric: {},
    type: 'histogram',
    bucketBounds: [],
    series: [series],
  } as HistogramFamily;
  return {
    collect: (): readonly MetricFamily[] => {
      batches++;
      return [family];
    },
  };
}

/** Count and sum of the core histogram after each collect hook, keyed by count. */
const CORE_SERVED = new Map<number, number>();

/**
 * Core's own native-only Histogram in a MetricRegistry: its collect hook observes the same
 * 10,000 latencies on every scrape, so any rate over it has exactly the batch's distribution.
 * The count and sum it holds after each hook are kept in CORE_SERVED.
 */
function buildCoreNativeRegistry(): MetricRegistry {
  const registry = new MetricRegistry({ strict: true });
  registry.register(
    'core_native_latency_seconds',
    new Histogram({
      help: 'Log-normal latencies, core native histogram.',
      native: true,
      collect: (histogram): void => {
        for (const value of BATCH) histogram.observe(value);
        const value = histogram.value();
        if (value !== undefined) CORE_SERVED.set(value.count, value.sum);
      },
    }),
  );
  return registry;
}

/** Asserts that `estimate` lies in the schema-3 native bucket holding `truth` (relative error < 2^(1/8) - 1). */
function expectInNativeBucketOf(estimate: number, truth: number): void {
  const index = nativeBucketIndex(truth, 3);
  const base = 2 ** (1 / 8);
  expect(estimate).toBeGreaterThanOrEqual(base ** (index - 1) * (1 - 1e-9));
  expect(estimate).toBeLessThanOrEqual(base ** index * (1 + 1e-9));
  expect(Math.abs(estimate / truth - 1)).toBeLessThan(base - 1);
}

/** The true `quantile` of the batch (nearest rank). */
function trueQuantile(quantile: number): number {
  return SORTED[Math.ceil(quantile * SORTED.length) - 1]!;
}

function buildRegistry(): MetricRegistry {
  const registry = new MetricRegistry({ strict: true });
  registry
    .register('demo_requests_total', new Counter({ help: 'Requests.', labels: { code: 'int' } }))
    .inc({ code: 200 }, 5);
  registry.register('demo_temperature_celsius', new Gauge({ help: 'Temperature.' })).set(-3.5);
  const classic = registry.register(
    'demo_classic_seconds',
    new Histogram({ help: 'Classic.', buckets: [0.1, 1] }),
  );
  for (const value of [0.05, 0.5, 0.7, 3]) classic.observe(value);
  return registry;
}

describe('a real Prometheus 2.42 with and without --enable-feature=native-histograms', () => {
  let native: RunningPrometheus | undefined;
  let classic: RunningPrometheus | undefined;
  let server: MetricsServer | undefined;
  const contentTypes = new Map<string, Set<string>>();

  beforeAll(async () => {
    server = await startMetricsServer({
      port: 0,
      registry: [buildRegistry(), growingNativeProducer(), buildCoreNativeRegistry()],
    });
    server.server.on('request', (request, response) => {
      response.on('finish', () => {
        const accept = String(request.headers.accept);
        const types = contentTypes.get(accept) ?? new Set<string>();
        types.add(String(response.getHeader('content-type')));
        contentTypes.set(accept, types);
      });
    });
    const job = [{ name: 'app', target: `127.0.0.1:${server.port}`, metricsPath: '/metrics' }];
    [native, classic] = await Promise.all([
      startPrometheus(job, { enableFeatures: ['native-histograms'] }),
      startPrometheus(job),
    ]);
    for (const prometheus of [native, classic]) {
      await waitFor(
        'the target to be scraped',
        async () => {
          const [target] = await prometheus.targets();
          if (target !== undefined && target.lastError !== '')
            throw new Error(`scrape failed: ${target.lastError}`);
          return target?.health === 'up' ? true : undefined;
        },
        { timeoutMs: 45_000 },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nPrometheus output:\n${prometheus.output()}`);
      });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all([native?.stop(), classic?.stop()]);
    await server?.close();
  }, 60_000);

  async function queryOne(prometheus: RunningPrometheus, expression: string): Promise<QueryResult> {
    return waitFor(
      `a result for ${expression}`,
      async () => {
        const results = await prometheus.query(expression);
        return results.length === 1 && results[0]!.value[1] !== 'NaN' ? results[0] : undefined;
      },
      { timeoutMs: 45_000 },
    );
  }

  it('the flagged Prometheus is served protobuf, the other OpenMetrics', () => {
    const served = [...contentTypes.entries()];
    const protobuf = served.filter(([accept]) => accept.startsWith('application/vnd.google.protobuf'));
    const other = served.filter(([accept]) => !accept.startsWith('application/vnd.google.protobuf'));
    expect(protobuf.length).toBeGreaterThan(0);
    expect(other.length).toBeGreaterThan(0);
    for (const [, types] of protobuf) expect([...types]).toEqual([PROTOBUF_CONTENT_TYPE]);
    for (const [, types] of other) expect([...types]).toEqual([OPENMETRICS_CONTENT_TYPE]);
  });

  // The hand-built native family (growingNativeProducer), then core's native Histogram: both get
  // the batch on every scrape.
  it.each(
    ['native_latency_seconds', 'core_native_latency_seconds'].flatMap((metric) =>
      [0.5, 0.95, 0.99].map((quantile) => [metric, quantile] as const),
    ),
  )(
    '%s: histogram_quantile(%d, rate(x[1m])) lies in the native bucket of the true quantile',
    async (metric, quantile) => {
      const result = await queryOne(native!, `histogram_quantile(${quantile}, rate(${metric}[1m]))`);
      expectInNativeBucketOf(Number(result.value[1]), trueQuantile(quantile));
    },
    60_000,
  );

  it("core's native Histogram: histogram_count and histogram_sum are exactly what was served", async () => {
    const count = Number((await queryOne(native!, 'histogram_count(core_native_latency_seconds)')).value[1]);
    expect(count % BATCH.length).toBe(0);
    expect(count).toBeGreaterThan(0);
    const sum = Number(
      (
        await queryOne(
          native!,
          `histogram_sum(core_native_latency_seconds) and histogram_count(core_native_latency_seconds) == ${count}`,
        )
      ).value[1],
    );
    expect(CORE_SERVED.has(count)).toBe(true);
    expect(sum).toBe(CORE_SERVED.get(count));
    expect(Math.abs(sum / ((REFERENCE.sum * count) / BATCH.length) - 1)).toBeLessThan(1e-9);
  }, 60_000);

  it('histogram_count and histogram_sum are exact', async () => {
    const count = Number((await queryOne(native!, 'histogram_count(native_latency_seconds)')).value[1]);
    const batches = count / REFERENCE.count;
    expect(Number.isInteger(batches) && batches > 0).toBe(true);
    const sum = Number(
      (
        await queryOne(
          native!,
          `histogram_sum(native_latency_seconds) and histogram_count(native_latency_seconds) == ${count}`,
        )
      ).value[1],
    );
    expect(sum).toBe(REFERENCE.sum * batches);
  }, 60_000);

  it.each([
    ['native', () => native!],
    ['classic', () => classic!],
  ])(
    '%s: counters, gauges and classic histograms arrive intact',
    async (_name, prometheus) => {
      expect((await queryOne(prometheus(), 'demo_requests_total{code="200"}')).value[1]).toBe('5');
      expect((await queryOne(prometheus(), 'demo_temperature_celsius')).value[1]).toBe('-3.5');
      expect((await queryOne(prometheus(), 'demo_classic_seconds_bucket{le="0.1"}')).value[1]).toBe('1');
      expect((await queryOne(prometheus(), 'demo_classic_seconds_bucket{le=~"1|1.0"}')).value[1]).toBe('3');
      expect((await queryOne(prometheus(), 'demo_classic_seconds_bucket{le="+Inf"}')).value[1]).toBe('4');
      expect((await queryOne(prometheus(), 'demo_classic_seconds_sum')).value[1]).toBe('4.25');
    },
    60_000,
  );

  it('without the flag, the native-only histogram is a +Inf bucket, a count and a sum', async () => {
    const count = Number((await queryOne(classic!, 'native_latency_seconds_count')).value[1]);
    expect(count % REFERENCE.count).toBe(0);
    const inf = await queryOne(classic!, `native_latency_seconds_bucket{le="+Inf"} == ${count}`);
    expect(Number(inf.value[1])).toBe(count);
    expect(await classic!.query('native_latency_seconds_bucket{le!="+Inf"}')).toEqual([]);
  }, 60_000);
});
