import { startExpressExample } from '@example/express';
import { runDemo } from '@internal/demo-harness';
import { PROMETHEUS_CONFIG_FILE } from './example-files.js';
import { startPrometheus } from './prometheus-process.js';

const appPort = Number(process.env.PORT ?? 3000);
const prometheusPort = Number(process.env.PROMETHEUS_PORT ?? 9090);
await runDemo({
  command: 'pnpm --filter @example/prometheus-grafana start',
  ports: { PORT: appPort, PROMETHEUS_PORT: prometheusPort },
  start: async () => {
    const app = await startExpressExample({ port: appPort, traffic: 100 });
    const prometheus = await startPrometheus({ targetPort: app.port, port: prometheusPort }).catch(
      async (error: unknown) => {
        await app.close();
        throw error;
      },
    );
    return {
      app,
      prometheus,
      close: async (): Promise<void> => {
        await prometheus.close();
        await app.close();
      },
    };
  },
  banner: ({ app, prometheus }) => {
    const query = (expression: string): string =>
      `${prometheus.url}/graph?g0.expr=${encodeURIComponent(expression)}&g0.tab=0&g0.range_input=15m`;
    return `servermetrics demo: Prometheus scraping the Express example every 5 s.
  app:         ${app.url}   (simulated traffic: one request every 100 ms)
  metrics:     ${app.metricsUrl}
  prometheus:  ${prometheus.url}/targets
               (running ${PROMETHEUS_CONFIG_FILE} with its target set to localhost:${app.port})
  request rate by route:
    ${query('sum by (route) (rate(http_requests_total[1m]))')}
  p99 latency:
    ${query('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))')}
  grafana:     see the README (docker run ... grafana/grafana with grafana/provisioning mounted)
Press Ctrl+C to stop both.`;
  },
});
