import { gatherFamilies, InvalidOptionError, type MetricProducer, toProducerList } from '@servermetrics/core';
import { encoderFor } from './encoder-for.js';
import type { ExpositionFormat } from './exposition-format.js';
import { ExpositionWriter } from './exposition-writer.js';

/** Options of renderMetrics. */
export interface RenderMetricsOptions {
  /**
   * Exposition format: Prometheus text 0.0.4, OpenMetrics 1.0.0, or the Prometheus protobuf
   * format (then the result is a Buffer).
   * @default 'text'
   */
  format?: ExpositionFormat;
}

/**
 * Renders the current state of one registry or other MetricProducer, or several, as exposition
 * text (a string), or in the protobuf format (a Buffer of length-delimited `MetricFamily`
 * messages, native histograms included).
 *
 * Pure and synchronous: it reads `producer.collect()` (through core's `gatherFamilies`) and
 * nothing else, runs no collect hooks or `refresh()` (the HTTP handler runs them first, through
 * `refreshProducers`), and the same state always gives the same bytes.
 * Families come in name order; series in the order core's `collect()` gives them (grouped by
 * their first label value in first-seen order, then by the second, and so on); labels in
 * declaration order, a histogram's `le` last. Every family prints `# HELP` (unless the metric
 * has no help: then none) then `# TYPE`, even a labelled metric without series. An empty registry gives `''` in text and `'# EOF\n'` in
 * OpenMetrics. A histogram whose lowest bucket bound is negative has no `_sum` and no `_count`
 * in OpenMetrics (the spec forbids a sum then, and `_count` goes with `_sum`); its `+Inf` bucket
 * still holds the count. The text format keeps both.
 *
 * Several producers are gathered by core's `gatherFamilies`: a metric present in several
 * registries is rendered once; when two different metrics would expose the same name, the first
 * (by name, then producer order) is kept and the other is left out and logged once through its
 * producer's logger; the registries' eviction counters are merged.
 *
 * Cost: linear in the number of samples, all of it synchronous (for a large registry prefer the
 * streamed `metricsHandler`, which renders the same bytes in slices that yield to the event
 * loop); each distinct label value is escaped once per scrape and nothing is cached per series. Throws InvalidOptionError when `registries` or `format` is invalid,
 * and whatever a producer's `collect()` throws.
 */
export function renderMetrics(
  registries: MetricProducer | readonly MetricProducer[],
  options: RenderMetricsOptions & { format: 'protobuf' },
): Buffer;
export function renderMetrics(
  registries: MetricProducer | readonly MetricProducer[],
  options?: RenderMetricsOptions & { format?: 'text' | 'openmetrics' },
): string;
export function renderMetrics(
  registries: MetricProducer | readonly MetricProducer[],
  options?: RenderMetricsOptions,
): string | Buffer;
export function renderMetrics(
  registries: MetricProducer | readonly MetricProducer[],
  options: RenderMetricsOptions = {},
): string | Buffer {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'openmetrics' && format !== 'protobuf') {
    throw new InvalidOptionError(
      'format',
      `format must be 'text', 'openmetrics' or 'protobuf', got ${JSON.stringify(format)}.`,
    );
  }
  const families = gatherFamilies(toProducerList(registries, 'registries'));
  // One unbounded slice: the streamed handler runs the same encoders slice by slice, so both
  // give the same bytes.
  const body = new ExpositionWriter(families, encoderFor(format), Number.POSITIVE_INFINITY).nextSlice();
  if (format !== 'protobuf') return body as string;
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
