/**
 * ExpositionFormat names the two formats Prometheus scrapes:
 * - `'text'`: the Prometheus text format 0.0.4, what every Prometheus version and most other
 *   scrapers read;
 * - `'openmetrics'`: OpenMetrics 1.0.0, which adds `# UNIT`, `# EOF` and `_total` counter samples.
 */
export type ExpositionFormat = 'text' | 'openmetrics';

/** Content-Type of the Prometheus text format 0.0.4. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Content-Type of OpenMetrics 1.0.0. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** The Content-Type a body rendered in `format` is served with. */
export function contentTypeFor(format: ExpositionFormat): string {
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE;
}
