/**
 * Our hand-written protobuf encoder against protobufjs (the MetricFamily type loaded from
 * client_model's metrics.proto) on the same scrapes: 10 000 counter series (3 labels) and
 * 1 000 native histogram series. Each scrape collects the registry; protobufjs then also builds
 * its message objects from the collected series (what an exporter built on it would do). Prints
 * ms per scrape for each encoder, bytes, and the ratio per round with its range.
 *
 * Run: `pnpm --filter @servermetrics/bench exec node --expose-gc --import tsx src/protobufjs-comparison.ts`
 */
import { fileURLToPath } from 'node:url';
import {
  Counter,
  Histogram,
  type HistogramSeries,
  type MetricFamily,
  MetricRegistry,
  type NativeBuckets,
  type ValueSeries,
} from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import protobuf from 'protobufjs';
import { largeLabelCorpus } from './fixtures/label-corpus.js';
import { logNormalLatencies } from './fixtures/log-normal.js';
import { REQUEST_LABEL_SCHEMA } from './suites/counter-inc-labels.js';
import { ROUTE_LABEL_SCHEMA } from './suites/histogram-observe.js';

const ROUNDS = 7;
const SCRAPES_PER_ROUND = 20;

const protoPath = fileURLToPath(
  new URL('../../packages/testing/src/prometheus/metrics.proto', import.meta.url),
);
const MetricFamilyType = protobuf.loadSync(protoPath).lookupType('io.prometheus.client.MetricFamily');

type Plain = Record<string, unknown>;

function deltas(counts: ArrayLike<number>): number[] {
  const result: number[] = [];
  let previous = 0;
  for (let index = 0; index < counts.length; index++) {
    result.push(counts[index]! - previous);
    previous = counts[index]!;
  }
  return result;
}

function spansOf(buckets: NativeBuckets): Plain[] {
  return buckets.spans.map((span) => ({ offset: span.offset, length: span.length }));
}

/** The protobufjs message object of one family (as client_golang writes it; see our encoder). */
function toPlain(family: MetricFamily): Plain {
  const names = family.labelNames;
  const labels = (values: readonly unknown[]): Plain[] =>
    names.map((name, index) => ({ name, value: String(values[index]) }));
  const type = family.type === 'counter' ? 0 : family.type === 'histogram' ? 4 : 1;
  const metric = family.series.map((item): Plain => {
    if (family.type !== 'histogram') {
      const series = item as ValueSeries;
      const value = { value: series.value };
      return family.type === 'counter'
        ? { label: labels(series.labelValues), counter: value }
        : { label: labels(series.labelValues), gauge: value };
    }
    const series = item as HistogramSeries;
    const bounds = family.bucketBounds;
    let cumulative = 0;
    const histogram: Plain = {
      sampleCount: series.count,
      sampleSum: series.sum,
      bucket: bounds.map((upperBound, index) => {
        cumulative += series.bucketCounts[index]!;
        return { cumulativeCount: cumulative, upperBound };
      }),
    };
    const native = series.native;
    if (native !== undefined) {
      histogram.schema = native.schema;
      histogram.zeroThreshold = native.zeroThreshold;
      histogram.zeroCount = native.zeroCount;
      histogram.negativeSpan = spansOf(native.negative);
      histogram.negativeDelta = deltas(native.negative.counts);
      const empty =
        native.zeroThreshold === 0 &&
        native.zeroCount === 0 &&
        native.positive.spans.length === 0 &&
        native.negative.spans.length === 0;
      histogram.positiveSpan = empty ? [{ offset: 0, length: 0 }] : spansOf(native.positive);
      histogram.positiveDelta = deltas(native.positive.counts);
    }
    return { label: labels(series.labelValues), histogram };
  });
  return { name: family.name, help: family.help, type, metric };
}

function protobufjsScrape(registry: MetricRegistry): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const family of registry.collect()) MetricFamilyType.encodeDelimited(toPlain(family), writer);
  return writer.finish();
}

function oursScrape(registry: MetricRegistry): Uint8Array {
  return renderMetrics(registry, { format: 'protobuf' });
}

function msPerScrape(scrape: () => unknown): number {
  const start = process.hrtime.bigint();
  for (let index = 0; index < SCRAPES_PER_ROUND; index++) scrape();
  return Number(process.hrtime.bigint() - start) / SCRAPES_PER_ROUND / 1e6;
}

function compare(title: string, registry: MetricRegistry): void {
  const ours = oursScrape(registry);
  const theirs = protobufjsScrape(registry);
  const decodedOurs = JSON.stringify(decodeAll(ours));
  const decodedTheirs = JSON.stringify(decodeAll(theirs));
  console.log(
    `${title}: bytes ours ${ours.byteLength}, protobufjs ${theirs.byteLength}; decode equal: ${decodedOurs === decodedTheirs}`,
  );
  for (let warm = 0; warm < 3; warm++) {
    msPerScrape(() => oursScrape(registry));
    msPerScrape(() => protobufjsScrape(registry));
  }
  const ratios: number[] = [];
  const oursTimes: number[] = [];
  const theirTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so that neither always runs right after a collection.
    const first = round % 2 === 0;
    const a = first ? msPerScrape(() => oursScrape(registry)) : 0;
    const b = msPerScrape(() => protobufjsScrape(registry));
    const o = first ? a : msPerScrape(() => oursScrape(registry));
    oursTimes.push(o);
    theirTimes.push(b);
    ratios.push(b / o);
  }
  const median = (values: number[]): number => [...values].sort((x, y) => x - y)[values.length >> 1]!;
  const range = (values: number[]): string =>
    `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}`;
  console.log(
    `  ours ${median(oursTimes).toFixed(2)} ms/scrape (${range(oursTimes)}), protobufjs ${median(theirTimes).toFixed(2)} ms/scrape (${range(theirTimes)}); protobufjs/ours ${median(ratios).toFixed(2)}x (${range(ratios)}) over ${ROUNDS} rounds`,
  );
}

function decodeAll(bytes: Uint8Array): unknown[] {
  const reader = protobuf.Reader.create(bytes);
  const result: unknown[] = [];
  while (reader.pos < reader.len)
    result.push(MetricFamilyType.toObject(MetricFamilyType.decodeDelimited(reader), { longs: Number }));
  return result;
}

const counters = new MetricRegistry({ defaultMaxCells: 10_000 });
const counter = counters.register(
  'bench_requests_total',
  new Counter({ help: 'Requests.', labels: REQUEST_LABEL_SCHEMA }),
);
for (const labels of largeLabelCorpus(10_000)) counter.inc(labels);
compare('10 000 counter series (3 labels)', counters);

const histograms = new MetricRegistry({ defaultMaxCells: 1000 });
const histogram = histograms.register(
  'bench_request_duration_seconds',
  new Histogram({ help: 'Latency.', labels: ROUTE_LABEL_SCHEMA, native: true }),
);
const latencies = logNormalLatencies(4096, 11);
const corpus = largeLabelCorpus(1000).map((labels) => ({
  method: labels.method,
  route: `${labels.route}/${labels.status}`,
}));
corpus.forEach((labels, index) => {
  for (let value = 0; value < 100; value++) histogram.observe(labels, latencies[(index + value * 7) % 4096]!);
});
compare('1 000 native histogram series', histograms);
