import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { type DemoServer, sendExampleRequests } from '@example/demo-harness';
import { startExpressExample } from '@example/express';
import { waitFor } from '@example/test-helpers';
import { MetricRegistry } from '@servermetrics/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DASHBOARD_FILE, JOB_NAME, PROMETHEUS_CONFIG_FILE } from './example-files.js';
import { type RunningPrometheus, startPrometheus } from './prometheus-process.js';
import { rewriteConfig } from './rewrite-config.js';

interface DashboardPanel {
  title: string;
  targets: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
  uid: string;
  panels: DashboardPanel[];
};
const configText = readFileSync(PROMETHEUS_CONFIG_FILE, 'utf8');

/** The dashboard's query with Grafana's variables filled in as Grafana would for this job. */
function asPromQl(expression: string): string {
  return expression.replaceAll('$__rate_interval', '1m').replaceAll('$job', JOB_NAME);
}

let app: DemoServer | undefined;
let prometheus: RunningPrometheus | undefined;

beforeAll(async () => {
  app = await startExpressExample({ port: 0, registry: new MetricRegistry(), traffic: 50 });
  await sendExampleRequests(app.url); // one of each, including a 500 for the error ratio
  // The test scrapes every second instead of every 5 s (the only change besides the target port),
  // so that rate() over 1m has two samples within seconds.
  prometheus = await startPrometheus({ targetPort: app.port, port: 0, scrapeInterval: '1s' });
});

afterAll(async () => {
  await prometheus?.close();
  await app?.close();
});

test('promtool accepts prometheus.yml', () => {
  if (!existsSync('/usr/bin/promtool')) {
    throw new Error('promtool is not installed at /usr/bin/promtool: apt-get install -y prometheus');
  }
  const result = spawnSync('/usr/bin/promtool', ['check', 'config', PROMETHEUS_CONFIG_FILE], {
    encoding: 'utf8',
  });
  expect(result.stdout + result.stderr).toContain('SUCCESS');
  expect(result.status).toBe(0);
});

test('prometheus.yml scrapes localhost:3000 every 5 s as job servermetrics-example', () => {
  expect(configText).toMatch(/^\s+- job_name: servermetrics-example$/m);
  expect(configText).toMatch(/^\s+scrape_interval: 5s$/m);
  expect(configText).toContain('- targets: ["localhost:3000"]');
  const rewritten = rewriteConfig(configText, { targetPort: 43_210, scrapeInterval: '1s' });
  expect(rewritten.split('\n')).toHaveLength(configText.split('\n').length);
  expect(rewritten).toContain('- targets: ["localhost:43210"]');
  expect(rewritten).not.toMatch(/5s/);
  expect(rewriteConfig(configText, { targetPort: 3000 })).toBe(configText);
  expect(() => rewriteConfig('scrape_configs: []\n', { targetPort: 1 })).toThrow(/exactly one localhost/);
});

test('Prometheus, running this prometheus.yml, finds the app up', async () => {
  const target = await waitFor('the example target to be up', async () => {
    const targets = await prometheus!.targets();
    return targets.find((candidate) => candidate.labels.job === JOB_NAME && candidate.health === 'up');
  });
  expect(target.scrapeUrl).toBe(`http://localhost:${app!.port}/metrics`);
  expect(target.labels.app).toBe('express-example');
  expect(target.lastError).toBe('');
});

test('the HTTP series are queryable', async () => {
  const requests = await waitFor('http_requests_total in Prometheus', async () => {
    const result = await prometheus!.query(`sum(http_requests_total{job="${JOB_NAME}"})`);
    return result.length === 1 && result[0]!.value > 0 ? result[0]!.value : undefined;
  });
  expect(requests).toBeGreaterThan(0);
  const failures = await prometheus!.query(
    `http_requests_total{job="${JOB_NAME}",route="/api/fail",status_code="500"}`,
  );
  expect(failures[0]?.value).toBeGreaterThanOrEqual(1);
  expect(failures[0]?.metric).toMatchObject({ method: 'GET', instance: `localhost:${app!.port}` });
  const buckets = await prometheus!.query(`count(http_request_duration_seconds_bucket{job="${JOB_NAME}"})`);
  expect(buckets[0]?.value).toBeGreaterThan(0);
});

test('the dashboard has the three views, and every one of its queries returns data', async () => {
  const titles = dashboard.panels.map((panel) => panel.title);
  expect(titles).toEqual(expect.arrayContaining(['Request rate', 'Error ratio', 'Latency percentiles']));
  const latency = dashboard.panels.find((panel) => panel.title === 'Latency percentiles')!;
  expect(latency.targets.map((target) => target.expr)).toEqual(
    [0.5, 0.9, 0.99].map(
      (quantile) =>
        `histogram_quantile(${quantile}, sum by (le) (rate(http_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))`,
    ),
  );
  for (const panel of dashboard.panels) {
    for (const target of panel.targets) {
      const expression = asPromQl(target.expr);
      const values = await waitFor(`data for "${panel.title}": ${expression}`, async () => {
        const result = await prometheus!.query(expression);
        const finite = result.map((sample) => sample.value).filter(Number.isFinite);
        return finite.length > 0 ? finite : undefined;
      });
      expect(
        values.every((value) => value >= 0),
        panel.title,
      ).toBe(true);
    }
  }
});

test('a missing Prometheus binary fails with how to install it', async () => {
  await expect(startPrometheus({ targetPort: 1, binary: '/nonexistent/prometheus' })).rejects.toThrow(
    'Install it with: apt-get install -y prometheus',
  );
});
