/**
 * ExpositionFormat names the formats Prometheus scrapes:
 * - `'text'`: the Prometheus text format 0.0.4, what every Prometheus version and most other
 *   scrapers read;
 * - `'openmetrics'`: OpenMetrics 1.0.0, which adds `# UNIT`, `# EOF` and `_total` counter samples;
 * - `'protobuf'`: the Prometheus protobuf format (length-delimited `io.prometheus.client.MetricFamily`
 *   messages), the only one that carries native histograms; Prometheus asks for it first when
 *   native histograms are enabled.
 */
export type ExpositionFormat = 'text' | 'openmetrics' | 'protobuf';

/** Content-Type of the Prometheus text format 0.0.4. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Content-Type of OpenMetrics 1.0.0. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Content-Type of the Prometheus protobuf format (what client_golang sends). */
export const PROTOBUF_CONTENT_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

/** The Content-Type a body rendered in `format` is served with. */
export function contentTypeFor(format: ExpositionFormat): string {
  if (format === 'protobuf') return PROTOBUF_CONTENT_TYPE;
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE;
}
