/**
 * protobufjs as a peer of our protobuf encoder: client_model's `MetricFamily` loaded from
 * `packages/testing/src/prometheus/metrics.proto` with `loadSync`, and a scrape that collects a
 * registry, builds protobufjs message objects from the collected series (as client_golang lays
 * them out, like our encoder) and encodes them length-delimited. Used by the `native-histogram`
 * suite and by `src/protobufjs-comparison.ts`.
 */
import { fileURLToPath } from 'node:url';
import type {
  HistogramSeries,
  MetricFamily,
  MetricRegistry,
  NativeBuckets,
  ValueSeries,
} from '@servermetrics/core';
import protobuf from 'protobufjs';

/** The contender name of protobufjs in benchmark rows. */
export const PROTOBUFJS = 'protobufjs';

const protoPath = fileURLToPath(
  new URL('../../../packages/testing/src/prometheus/metrics.proto', import.meta.url),
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

/** One scrape of `registry` encoded by protobufjs (delimited `MetricFamily` messages). */
export function protobufjsScrape(registry: MetricRegistry): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const family of registry.collect()) MetricFamilyType.encodeDelimited(toPlain(family), writer);
  return writer.finish();
}

/** Decodes delimited `MetricFamily` messages with protobufjs, as plain objects (to compare two bodies). */
export function decodeAll(bytes: Uint8Array): unknown[] {
  const reader = protobuf.Reader.create(bytes);
  const result: unknown[] = [];
  while (reader.pos < reader.len)
    result.push(MetricFamilyType.toObject(MetricFamilyType.decodeDelimited(reader), { longs: Number }));
  return result;
}
