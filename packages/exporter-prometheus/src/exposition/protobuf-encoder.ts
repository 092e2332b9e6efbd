import type {
  HistogramSeries,
  MetricFamily,
  NativeBuckets,
  NativeHistogramView,
  ValueSeries,
} from '@servermetrics/core';
import type { ExpositionEncoder, ExpositionSeries, FamilyEncoder } from './exposition-encoder.js';
import {
  encodeVarint,
  ProtobufWriter,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
  zigZag,
} from './protobuf-writer.js';

// Field numbers of io.prometheus.client (client_model's metrics.proto).
const FAMILY_NAME = 1;
const FAMILY_HELP = 2;
const FAMILY_TYPE = 3;
const FAMILY_METRIC = 4;
const METRIC_LABEL = 1;
const METRIC_GAUGE = 2;
const METRIC_COUNTER = 3;
const METRIC_HISTOGRAM = 7;
const LABEL_NAME = 1;
const LABEL_VALUE = 2;
const VALUE = 1; // Counter.value and Gauge.value
const HISTOGRAM_SAMPLE_COUNT = 1;
const HISTOGRAM_SAMPLE_SUM = 2;
const HISTOGRAM_BUCKET = 3;
const HISTOGRAM_SCHEMA = 5;
const HISTOGRAM_ZERO_THRESHOLD = 6;
const HISTOGRAM_ZERO_COUNT = 7;
const HISTOGRAM_NEGATIVE_SPAN = 9;
const HISTOGRAM_NEGATIVE_DELTA = 10;
const HISTOGRAM_POSITIVE_SPAN = 12;
const HISTOGRAM_POSITIVE_DELTA = 13;
const BUCKET_CUMULATIVE_COUNT = 1;
const BUCKET_UPPER_BOUND = 2;
const SPAN_OFFSET = 1;
const SPAN_LENGTH = 2;
const TYPE_COUNTER = 0;
const TYPE_GAUGE = 1;
const TYPE_HISTOGRAM = 4;

const EMPTY = new Uint8Array(0);

/**
 * Encoder of the Prometheus protobuf exposition (`application/vnd.google.protobuf;
 * proto=io.prometheus.client.MetricFamily; encoding=delimited`): each family is one
 * `MetricFamily` message preceded by its length as a varint. Counters carry `Counter.value`,
 * gauges `Gauge.value`; a histogram carries its count, sum and classic buckets (cumulative,
 * without the `+Inf` bucket, which is optional there and implied by the count, as client_golang
 * writes it), and, when the series has a native view, its schema, zero threshold, zero count and
 * positive/negative spans with delta-encoded counts. A native histogram with no observations and
 * a zero threshold of 0 gets a no-op positive span (offset 0, length 0) so that scrapers still
 * see a native histogram, as client_golang does. Names, help and label values are written as
 * given (protobuf needs no escaping).
 */
export const PROTOBUF_ENCODER: ExpositionEncoder = {
  family: encodeFamily,
  end: EMPTY,
};

function encodeFamily(family: MetricFamily): FamilyEncoder {
  const writer = new ProtobufWriter();
  writer.key(FAMILY_NAME, WIRE_LENGTH_DELIMITED);
  writer.string(family.name);
  if (family.help !== undefined) {
    writer.key(FAMILY_HELP, WIRE_LENGTH_DELIMITED);
    writer.string(family.help);
  }
  writer.key(FAMILY_TYPE, WIRE_VARINT);
  writer.varint(
    family.type === 'counter' ? TYPE_COUNTER : family.type === 'histogram' ? TYPE_HISTOGRAM : TYPE_GAUGE,
  );
  const header = writer.copy();
  const labelNames = family.labelNames;
  // `LabelPair.name` of each label, encoded once per family.
  const namePairs = labelNames.map((name) => {
    writer.reset();
    writer.key(LABEL_NAME, WIRE_LENGTH_DELIMITED);
    writer.string(name);
    return writer.copy();
  });
  // From here on the writer only appends for this family: each series is returned as a view into
  // the writer's buffer, which nothing overwrites while the family is held. Each distinct label
  // value's whole `LabelPair` field is encoded once per family and copied out into a cache (a
  // copy: closing a series of 128 bytes or more moves its bytes right to widen its length).
  writer.reset();
  const pairCaches = labelNames.map(() => new Map<unknown, Uint8Array>());
  const writeLabels = (series: ExpositionSeries): void => {
    const values = series.labelValues;
    for (let index = 0; index < namePairs.length; index++) {
      const value = values[index];
      const cache = pairCaches[index]!;
      const cached = cache.get(value);
      if (cached !== undefined) {
        writer.bytes(cached);
        continue;
      }
      const start = writer.length;
      const slot = writer.beginMessage(METRIC_LABEL);
      writer.bytes(namePairs[index]!);
      writer.key(LABEL_VALUE, WIRE_LENGTH_DELIMITED);
      writer.string(String(value));
      writer.endMessage(slot);
      cache.set(value, Buffer.from(writer.view(start)));
    }
  };
  if (family.type !== 'histogram') {
    const valueField = family.type === 'counter' ? METRIC_COUNTER : METRIC_GAUGE;
    return {
      header,
      frame: encodeVarint,
      series: (series: ExpositionSeries): Uint8Array => {
        const start = writer.length;
        const metric = writer.beginMessage(FAMILY_METRIC);
        writeLabels(series);
        const value = writer.beginMessage(valueField);
        writer.key(VALUE, WIRE_FIXED64);
        writer.double((series as ValueSeries).value);
        writer.endMessage(value);
        writer.endMessage(metric);
        return writer.view(start);
      },
    };
  }
  const bounds = family.bucketBounds;
  return {
    header,
    frame: encodeVarint,
    series: (view: ExpositionSeries): Uint8Array => {
      const series = view as HistogramSeries;
      const start = writer.length;
      const metric = writer.beginMessage(FAMILY_METRIC);
      writeLabels(series);
      const histogram = writer.beginMessage(METRIC_HISTOGRAM);
      writer.key(HISTOGRAM_SAMPLE_COUNT, WIRE_VARINT);
      writer.varint(series.count);
      writer.key(HISTOGRAM_SAMPLE_SUM, WIRE_FIXED64);
      writer.double(series.sum);
      const counts = series.bucketCounts;
      let cumulative = 0;
      for (let index = 0; index < bounds.length; index++) {
        cumulative += counts[index]!;
        const bucket = writer.beginMessage(HISTOGRAM_BUCKET);
        writer.key(BUCKET_CUMULATIVE_COUNT, WIRE_VARINT);
        writer.varint(cumulative);
        writer.key(BUCKET_UPPER_BOUND, WIRE_FIXED64);
        writer.double(bounds[index]!);
        writer.endMessage(bucket);
      }
      const native = series.native;
      if (native !== undefined) writeNative(writer, native, family.name);
      writer.endMessage(histogram);
      writer.endMessage(metric);
      return writer.view(start);
    },
  };
}

/** The native fields of a `Histogram` message. Throws when a side's spans and counts disagree. */
function writeNative(writer: ProtobufWriter, native: NativeHistogramView, name: string): void {
  const zeroThreshold = native.zeroThreshold;
  const zeroCount = native.zeroCount;
  writer.key(HISTOGRAM_SCHEMA, WIRE_VARINT);
  writer.varint(zigZag(native.schema));
  writer.key(HISTOGRAM_ZERO_THRESHOLD, WIRE_FIXED64);
  writer.double(zeroThreshold);
  writer.key(HISTOGRAM_ZERO_COUNT, WIRE_VARINT);
  writer.varint(zeroCount);
  const negative = native.negative;
  const positive = native.positive;
  writeBuckets(writer, negative, HISTOGRAM_NEGATIVE_SPAN, HISTOGRAM_NEGATIVE_DELTA, name);
  if (zeroThreshold === 0 && zeroCount === 0 && positive.spans.length === 0 && negative.spans.length === 0) {
    // Without observations nor a zero threshold, nothing else would tell a native histogram
    // from a classic one: client_golang adds this no-op span for the same reason.
    const span = writer.beginMessage(HISTOGRAM_POSITIVE_SPAN);
    writer.key(SPAN_OFFSET, WIRE_VARINT);
    writer.varint(0);
    writer.key(SPAN_LENGTH, WIRE_VARINT);
    writer.varint(0);
    writer.endMessage(span);
    return;
  }
  writeBuckets(writer, positive, HISTOGRAM_POSITIVE_SPAN, HISTOGRAM_POSITIVE_DELTA, name);
}

/** Spans, then the counts as one packed list of deltas (each count minus the previous one). */
function writeBuckets(
  writer: ProtobufWriter,
  buckets: NativeBuckets,
  spanField: number,
  deltaField: number,
  name: string,
): void {
  const spans = buckets.spans;
  const counts = buckets.counts;
  let bucketCount = 0;
  for (let index = 0; index < spans.length; index++) {
    const span = spans[index]!;
    const slot = writer.beginMessage(spanField);
    writer.key(SPAN_OFFSET, WIRE_VARINT);
    writer.varint(zigZag(span.offset));
    writer.key(SPAN_LENGTH, WIRE_VARINT);
    writer.varint(span.length);
    writer.endMessage(slot);
    bucketCount += span.length;
  }
  if (bucketCount !== counts.length) {
    throw new Error(
      `native histogram ${name}: its spans cover ${bucketCount} buckets but it has ${counts.length} counts`,
    );
  }
  if (counts.length === 0) return;
  const slot = writer.beginMessage(deltaField);
  let previous = 0;
  for (let index = 0; index < counts.length; index++) {
    const count = counts[index]!;
    writer.varint(zigZag(count - previous));
    previous = count;
  }
  writer.endMessage(slot);
}
