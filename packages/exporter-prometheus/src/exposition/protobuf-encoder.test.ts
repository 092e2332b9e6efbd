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
  type DecodedMessage,
  protocDecode,
  splitDelimitedMessages,
} from '@servermetrics/testing';
import { describe, expect, it } from 'vitest';
import { ExpositionWriter } from './exposition-writer.js';
import { PROTOBUF_ENCODER } from './protobuf-encoder.js';
import { renderMetrics } from './render-metrics.js';

/** Decodes every delimited MetricFamily of a body with protoc. */
async function decodeBody(body: Uint8Array): Promise<DecodedMessage[]> {
  return Promise.all(splitDelimitedMessages(body).map((message) => protocDecode(message)));
}

/** The only value of a decoded field. */
function one<T extends string | number | DecodedMessage>(message: DecodedMessage, field: string): T {
  const values = message[field];
  expect(values, `field ${field}`).toHaveLength(1);
  return values![0] as T;
}

function labelsOf(metric: DecodedMessage): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of (metric.label ?? []) as DecodedMessage[]) {
    labels[one<string>(pair, 'name')] = one<string>(pair, 'value');
  }
  return labels;
}

/** A producer serving native histogram series built by the test itself (no core native code). */
function nativeProducer(
  series: readonly { labelValues: string[]; values: number[]; zeroThreshold?: number; schema?: number }[],
  bucketBounds: readonly number[] = [],
): MetricProducer {
  const views: HistogramSeries[] = series.map((entry) => {
    const reference = bucketNativeObservations(entry.values, entry.schema ?? 3, entry.zeroThreshold);
    const native: NativeHistogramView = {
      schema: reference.schema,
      zeroThreshold: reference.zeroThreshold,
      zeroCount: reference.zeroCount,
      positive: reference.positive,
      negative: reference.negative,
    };
    const bucketCounts = new Array<number>(bucketBounds.length + 1).fill(0);
    for (const value of entry.values) {
      const index = bucketBounds.findIndex((bound) => value <= bound);
      bucketCounts[index === -1 ? bucketBounds.length : index]!++;
    }
    return {
      labelValues: entry.labelValues,
      bucketCounts,
      sum: reference.sum,
      count: reference.count,
      updateCount: reference.count,
      native,
    } as HistogramSeries;
  });
  const family: HistogramFamily = {
    name: 'request_latency_seconds',
    help: 'Latency, native',
    unit: undefined,
    labelNames: ['route'],
    metric: {},
    type: 'histogram',
    bucketBounds,
    series: views,
  } as HistogramFamily;
  return { collect: (): readonly MetricFamily[] => [family] };
}

describe('protobuf exposition, decoded by protoc', () => {
  it('counters, gauges and classic histograms arrive field by field', async () => {
    const registry = new MetricRegistry();
    const requests = new Counter({
      help: 'Requests "quoted" \\ and\nnewline',
      labels: { path: 'string', code: 'int' },
    });
    const temperature = new Gauge({ labels: { room: 'string' } });
    const latency = new Histogram({ help: 'Latency', buckets: [0.1, 1, 10] });
    registry.register('http_requests_total', requests);
    registry.register('room_temperature_celsius', temperature);
    registry.register('latency_seconds', latency);
    requests.inc({ path: '/ünïcødé "x"\n\\', code: 200 }, 3);
    requests.inc({ path: '/b', code: 500 }, 0.5);
    temperature.set({ room: 'a' }, -12.25);
    temperature.set({ room: 'b' }, Number.POSITIVE_INFINITY);
    for (const value of [0.05, 0.1, 0.5, 5, 50]) latency.observe(value);

    const families = await decodeBody(renderMetrics(registry, { format: 'protobuf' }));
    expect(families.map((family) => one(family, 'name'))).toEqual([
      'http_requests_total',
      'latency_seconds',
      'room_temperature_celsius',
    ]);
    const [counter, histogram, gauge] = families as [DecodedMessage, DecodedMessage, DecodedMessage];
    expect(one(counter, 'help')).toBe('Requests "quoted" \\ and\nnewline');
    expect(one(counter, 'type')).toBe('COUNTER');
    const counterMetrics = counter.metric as DecodedMessage[];
    expect(counterMetrics.map(labelsOf)).toEqual([
      { path: '/ünïcødé "x"\n\\', code: '200' },
      { path: '/b', code: '500' },
    ]);
    expect(counterMetrics.map((metric) => one(one<DecodedMessage>(metric, 'counter'), 'value'))).toEqual([
      3, 0.5,
    ]);

    expect(gauge.help).toBeUndefined();
    expect(one(gauge, 'type')).toBe('GAUGE');
    const gaugeMetrics = gauge.metric as DecodedMessage[];
    expect(gaugeMetrics.map((metric) => one(one<DecodedMessage>(metric, 'gauge'), 'value'))).toEqual([
      -12.25,
      Number.POSITIVE_INFINITY,
    ]);

    expect(one(histogram, 'type')).toBe('HISTOGRAM');
    const data = one<DecodedMessage>(one<DecodedMessage>(histogram, 'metric'), 'histogram');
    expect(one(data, 'sample_count')).toBe(5);
    expect(one(data, 'sample_sum')).toBeCloseTo(55.65, 10);
    expect(
      (data.bucket as DecodedMessage[]).map((bucket) => [
        one(bucket, 'upper_bound'),
        one(bucket, 'cumulative_count'),
      ]),
    ).toEqual([
      [0.1, 2],
      [1, 3],
      [10, 4],
    ]);
    // A classic histogram has no native fields.
    expect(data.schema).toBeUndefined();
    expect(data.positive_span).toBeUndefined();
  });

  it('native histograms: schema, zero bucket, spans and delta-encoded counts of both signs', async () => {
    const values = [0, 1e-200, 1, 1, 2, 2.5, 3, 100, 100.5, 1e6, -1, -1, -0.001, 2 ** -20];
    const producer = nativeProducer(
      [
        { labelValues: ['/a'], values },
        // Without observations nor zero threshold: the no-op span marks the histogram native.
        { labelValues: ['/empty'], values: [], zeroThreshold: 0 },
        { labelValues: ['/coarse'], values: [3, 300, 0.3], schema: -2, zeroThreshold: 0.001 },
      ],
      [1, 10],
    );
    const [family] = (await decodeBody(renderMetrics(producer, { format: 'protobuf' }))) as [DecodedMessage];
    expect(one(family, 'type')).toBe('HISTOGRAM');
    const metrics = family.metric as DecodedMessage[];
    expect(metrics.map(labelsOf)).toEqual([{ route: '/a' }, { route: '/empty' }, { route: '/coarse' }]);
    const [full, empty, coarse] = metrics.map((metric) => one<DecodedMessage>(metric, 'histogram')) as [
      DecodedMessage,
      DecodedMessage,
      DecodedMessage,
    ];

    expect(one(full, 'sample_count')).toBe(values.length);
    expect(one(full, 'schema')).toBe(3);
    expect(one(full, 'zero_threshold')).toBe(2 ** -128);
    expect(one(full, 'zero_count')).toBe(2);
    // Independent expectation for schema 3: index = ceil(8 * log2 |v|).
    // Positive: 2^-20 -> -160; 1, 1 -> 0; 2 -> 8; 2.5 -> ceil(10.58) = 11; 3 -> ceil(12.68) = 13;
    // 100 -> ceil(53.15) = 54; 100.5 -> ceil(53.21) = 54; 1e6 -> ceil(159.45) = 160.
    const decodeSpans = (spans: DecodedMessage[] | undefined): [number, number][] =>
      (spans ?? []).map((span) => [one<number>(span, 'offset'), one<number>(span, 'length')]);
    expect(decodeSpans(full.positive_span as DecodedMessage[])).toEqual([
      [-160, 1],
      [159, 1], // index 0: gap of 159 after the bucket -160
      [7, 1], // 8
      [2, 1], // 11
      [1, 1], // 13
      [40, 1], // 54
      [105, 1], // 160
    ]);
    // Absolute counts 1, 2, 1, 1, 1, 2, 1 as deltas.
    expect(full.positive_delta).toEqual([1, 1, -1, 0, 0, 1, -1]);
    // Negative: -1, -1 -> 0; -0.001 -> ceil(-79.73) = -79.
    expect(decodeSpans(full.negative_span as DecodedMessage[])).toEqual([
      [-79, 1],
      [78, 1],
    ]);
    expect(full.negative_delta).toEqual([1, 1]);
    // Classic buckets are there too (a histogram with both).
    expect(
      (full.bucket as DecodedMessage[]).map((bucket) => [
        one(bucket, 'upper_bound'),
        one(bucket, 'cumulative_count'),
      ]),
    ).toEqual([
      [1, 8],
      [10, 11],
    ]);

    expect(one(empty, 'sample_count')).toBe(0);
    expect(one(empty, 'zero_threshold')).toBe(0);
    expect(one(empty, 'zero_count')).toBe(0);
    expect(decodeSpans(empty.positive_span as DecodedMessage[])).toEqual([[0, 0]]);
    expect(empty.positive_delta).toBeUndefined();
    expect(empty.negative_span).toBeUndefined();

    // Schema -2: base 16; 0.3 -> ceil(log2(0.3) / 4) = 0; 3 -> 1; 300 -> ceil(2.06) = 3.
    expect(one(coarse, 'schema')).toBe(-2);
    expect(decodeSpans(coarse.positive_span as DecodedMessage[])).toEqual([
      [0, 2],
      [1, 1],
    ]);
    expect(coarse.positive_delta).toEqual([1, 0, 0]);
  });

  it('a native-only histogram has no classic buckets; text and OpenMetrics show its +Inf bucket, sum and count', async () => {
    const producer = nativeProducer([{ labelValues: ['/a'], values: [1, 2, 3] }]);
    const [family] = (await decodeBody(renderMetrics(producer, { format: 'protobuf' }))) as [DecodedMessage];
    const data = one<DecodedMessage>(one<DecodedMessage>(family, 'metric'), 'histogram');
    expect(data.bucket).toBeUndefined();
    expect(one(data, 'sample_count')).toBe(3);
    expect(renderMetrics(producer)).toBe(
      [
        '# HELP request_latency_seconds Latency, native',
        '# TYPE request_latency_seconds histogram',
        'request_latency_seconds_bucket{route="/a",le="+Inf"} 3',
        'request_latency_seconds_sum{route="/a"} 6',
        'request_latency_seconds_count{route="/a"} 3',
        '',
      ].join('\n'),
    );
  });

  it('long messages (nested lengths of 128 bytes and more) and large families stream in several slices with the same bytes', async () => {
    const registry = new MetricRegistry();
    const counter = new Counter({ help: 'x'.repeat(300), labels: { id: 'string' }, maxCells: 5000 });
    registry.register('items_total', counter);
    for (let index = 0; index < 3000; index++)
      counter.inc({ id: `${index}-${'y'.repeat(index % 200)}` }, index);
    const whole = renderMetrics(registry, { format: 'protobuf' });
    const writer = new ExpositionWriter(registry.collect(), PROTOBUF_ENCODER, 4096);
    const slices: Buffer[] = [];
    while (!writer.done) {
      const slice = writer.nextSlice();
      slices.push(Buffer.from(slice));
    }
    expect(writer.slicesRendered).toBeGreaterThan(10);
    expect(Buffer.concat(slices).equals(whole)).toBe(true);
    const [family] = (await decodeBody(whole)) as [DecodedMessage];
    expect(one(family, 'help')).toBe('x'.repeat(300));
    const metrics = family.metric as DecodedMessage[];
    expect(metrics).toHaveLength(3000);
    expect(labelsOf(metrics[2999]!)).toEqual({ id: `2999-${'y'.repeat(2999 % 200)}` });
    expect(one(one<DecodedMessage>(metrics[2999]!, 'counter'), 'value')).toBe(2999);
  });

  it('a label value shared by series of 128 bytes and more is encoded the same in each (encoded once per family)', async () => {
    const registry = new MetricRegistry();
    const counter = new Counter({ help: 'Items.', labels: { shared: 'string', id: 'string' } });
    registry.register('items_total', counter);
    const shared = 's'.repeat(60);
    for (let index = 0; index < 4; index++) counter.inc({ shared, id: `${index}-${'z'.repeat(100)}` }, index);
    const [family] = (await decodeBody(renderMetrics(registry, { format: 'protobuf' }))) as [DecodedMessage];
    const metrics = family.metric as DecodedMessage[];
    expect(metrics.map(labelsOf)).toEqual(
      [0, 1, 2, 3].map((index) => ({ shared, id: `${index}-${'z'.repeat(100)}` })),
    );
    expect(metrics.map((metric) => one(one<DecodedMessage>(metric, 'counter'), 'value'))).toEqual([
      0, 1, 2, 3,
    ]);
  });

  it('an empty registry is an empty body', () => {
    expect(renderMetrics(new MetricRegistry(), { format: 'protobuf' })).toEqual(Buffer.alloc(0));
  });

  it('throws, naming the metric, when a native view has fewer counts than its spans cover', () => {
    const producer = nativeProducer([{ labelValues: ['/a'], values: [1] }]);
    const [family] = producer.collect() as [HistogramFamily];
    const series = family.series[0] as unknown as { native: { positive: { counts: number[] } } };
    series.native.positive.counts.push(5);
    expect(() => renderMetrics(producer, { format: 'protobuf' })).toThrow(
      /native histogram request_latency_seconds: its spans cover 1 buckets but it has 2 counts/,
    );
  });
});
