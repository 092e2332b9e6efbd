import type { ExpositionFormat } from '../exposition/exposition-format.js';
import { parseQualityList } from './header-list.js';

const OPENMETRICS_VERSIONS = new Set(['1.0.0', '0.0.1']);
const PROTOBUF_TYPE = 'application/vnd.google.protobuf';
const PROTOBUF_PROTO = 'io.prometheus.client.MetricFamily';

/** Options of negotiateFormat: which formats besides text 0.0.4 may be chosen. */
export interface NegotiateFormatOptions {
  /** Consider OpenMetrics 1.0.0. @default true */
  readonly openMetrics?: boolean;
  /** Consider the Prometheus protobuf format. @default true */
  readonly protobuf?: boolean;
}

/**
 * Picks the exposition format for an `Accept` header, as client_golang's
 * `expfmt.NegotiateIncludingOpenMetrics` does: of the
 * `application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited`
 * entries, the `application/openmetrics-text` entries (version 1.0.0, 0.0.1 or none) and the
 * `text/plain` entries, the one with the highest `q` wins; on equal weights the entry listed first
 * wins (`application/openmetrics-text, text/plain` gets OpenMetrics, `text/plain,
 * application/openmetrics-text` gets text). The protobuf entry needs both parameters exactly (the
 * `text` and `compact-text` protobuf encodings are not served and count for nothing, as do
 * wildcards and unknown types), so a missing header, `*\/*` or `text/html` all get text; the
 * answer is never "not acceptable". Prometheus 2.x and 3.x weigh OpenMetrics above text by
 * default, and protobuf above both when native histograms are enabled. A format turned off in
 * `options` counts for nothing.
 */
export function negotiateFormat(
  accept: string | undefined,
  options: NegotiateFormatOptions = {},
): ExpositionFormat {
  if (accept === undefined) return 'text';
  const lowerCase = accept.toLowerCase();
  const openMetrics = options.openMetrics !== false && lowerCase.includes('openmetrics');
  const protobuf = options.protobuf !== false && lowerCase.includes('protobuf');
  if (!openMetrics && !protobuf) return 'text';
  let best: ExpositionFormat = 'text';
  let bestQuality = 0;
  for (const entry of parseQualityList(accept)) {
    if (entry.quality <= bestQuality) continue;
    if (entry.token === 'application/openmetrics-text') {
      if (!openMetrics) continue;
      const version = entry.parameters.get('version');
      if (version !== undefined && !OPENMETRICS_VERSIONS.has(version)) continue;
      best = 'openmetrics';
    } else if (entry.token === PROTOBUF_TYPE) {
      if (
        !protobuf ||
        entry.parameters.get('proto') !== PROTOBUF_PROTO ||
        entry.parameters.get('encoding') !== 'delimited'
      )
        continue;
      best = 'protobuf';
    } else if (entry.token === 'text/plain') {
      best = 'text';
    } else {
      continue;
    }
    bestQuality = entry.quality;
  }
  return best;
}

/** True when an `Accept-Encoding` header allows gzip (`gzip`, `x-gzip` or `*` with a weight above 0). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined || acceptEncoding === '') return false;
  let gzipQuality: number | undefined;
  let wildcardQuality: number | undefined;
  for (const entry of parseQualityList(acceptEncoding)) {
    if (entry.token === 'gzip' || entry.token === 'x-gzip') gzipQuality = entry.quality;
    else if (entry.token === '*') wildcardQuality = entry.quality;
  }
  return (gzipQuality ?? wildcardQuality ?? 0) > 0;
}
