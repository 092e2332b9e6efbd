/**
 * `Accept` headers real Prometheus versions send when they scrape, copied from their sources
 * (2.42 is the Debian package the scrape tests run).
 */

/** Prometheus 2.x (up to 2.48, including 2.42) by default. */
export const PROMETHEUS_2_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** Prometheus 2.42 with `--enable-feature=native-histograms`: protobuf first. */
export const PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT =
  'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** Prometheus 3 by default (scrape_protocols OpenMetricsText1.0.0, OpenMetricsText0.0.1, PrometheusText1.0.0, PrometheusText0.0.4). */
export const PROMETHEUS_3_ACCEPT =
  'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

/** Prometheus 3 with `scrape_protocols: [PrometheusText1.0.0, PrometheusText0.0.4]`. */
export const PROMETHEUS_3_TEXT_ONLY_ACCEPT =
  'text/plain;version=1.0.0;escaping=allow-utf-8;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.3';
