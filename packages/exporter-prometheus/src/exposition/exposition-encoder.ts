import type { HistogramSeries, MetricFamily, ValueSeries } from '@servermetrics/core';

/**
 * A piece of an exposition body: text (encoded as UTF-8 when sent) or bytes (for a binary
 * format such as the Prometheus protobuf format).
 */
export type ExpositionChunk = string | Uint8Array;

/** One series of a family as an encoder receives it. */
export type ExpositionSeries = ValueSeries | HistogramSeries;

/**
 * FamilyEncoder writes one family: its metadata, then each series on its own, so that the
 * streamed writer can end a slice between any two series.
 */
export interface FamilyEncoder {
  /** What comes before the first series (`# HELP`, `# TYPE`, ... in the text formats). */
  readonly header: ExpositionChunk;
  /**
   * Encodes one series of the family (every sample line of a histogram series). Called once per
   * series, in the family's order, synchronously. May throw (a producer's getter may): the
   * scrape then fails.
   */
  series(series: ExpositionSeries): ExpositionChunk;
  /**
   * For a format whose family is one length-prefixed message (the protobuf format): given the
   * byte length of the family's header and series, returns what goes before them. When present,
   * the writer holds the family's encoded bytes back until its last series is encoded (each
   * series is still encoded in its own slice, so the work stays bounded per slice), then emits
   * `frame(length)`, the header and the series.
   */
  readonly frame?: (familyByteLength: number) => ExpositionChunk;
}

/**
 * ExpositionEncoder is what a wire format supplies to the exposition writer: per-family and
 * per-series encoders, plus what closes the body. The writer, the stream and
 * `renderMetrics` know nothing else of the format, so a new format plugs in by supplying one of
 * these. A format whose family framing needs the family's total size (a length-delimited
 * protobuf message) supplies `FamilyEncoder.frame`.
 */
export interface ExpositionEncoder {
  /** Prepares the encoding of one family. Called once per family, in family order. */
  family(family: MetricFamily): FamilyEncoder;
  /** Closes the body: `'# EOF\n'` in OpenMetrics, `''` in the text format. */
  readonly end: ExpositionChunk;
}
