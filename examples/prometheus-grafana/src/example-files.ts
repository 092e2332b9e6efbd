import { fileURLToPath } from 'node:url';

/** The Prometheus configuration of this example. */
export const PROMETHEUS_CONFIG_FILE: string = fileURLToPath(new URL('../prometheus.yml', import.meta.url));

/** The Grafana dashboard of this example. */
export const DASHBOARD_FILE: string = fileURLToPath(
  new URL('../grafana/dashboards/servermetrics-http.json', import.meta.url),
);

/** The job name prometheus.yml gives the example app. */
export const JOB_NAME = 'servermetrics-example';
