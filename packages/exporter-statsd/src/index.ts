export type { Dialect, HistogramsAs } from './format/dialect.js';
export { StatsdExporterMetrics } from './self-metrics/statsd-exporter-metrics.js';
export { StatsdExporter } from './statsd-exporter.js';
export type { FlushResult, StatsdExporterOptions } from './statsd-exporter-options.js';
