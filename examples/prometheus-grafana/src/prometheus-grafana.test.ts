import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { startExpressExample } from '@example/express';
import {
  type DemoServer,
  nextRequest,
  type SimulatedRequest,
  startTraffic,
  type Traffic,
} from '@internal/demo-harness';
import { MetricRegistry } from '@servermetrics/core';
import { waitFor } from '@servermetrics/testing';
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

/** Waits for an instant query to return data: rate() over 1m needs two 5 s scrapes (about 10 s). */
const QUERY_WAIT = { timeoutMs: 90_000, intervalMs: 500 };

/** A request of the simulated mix, but never the failing route: the app stays healthy. */
function healthyRequest(): SimulatedRequest {
  for (;;) {
    const request = nextRequest();
    if (!request.path.startsWith('/api/fail')) return request;
  }
}

let app: DemoServer | undefined;
let prometheus: RunningPrometheus | undefined;
const traffic: Traffic[] = [];

beforeAll(async () => {
  app = await startExpressExample({ port: 0, registry: new MetricRegistry() });
  traffic.push(startTraffic({ baseUrl: app.url, intervalMs: 50, next: healthyRequest }));
  // This very prometheus.yml, 5 s scrape interval included: only the target's port changes.
  prometheus = await startPrometheus({ targetPort: app.port, port: 0 });
});

afterAll(async () => {
  await Promise.all(traffic.map((running) => running.stop()));
  await prometheus?.close();
  await app?.close();
});

/** Runs `expression` until it returns at least one finite value, and returns those values. */
function finiteValues(expression: string, description: string): Promise<number[]> {
  return waitFor(
    description,
    async () => {
      const result = await prometheus!.query(expression);
      const finite = result.map((sample) => sample.value).filter(Number.isFinite);
      return finite.length > 0 ? finite : undefined;
    },
    QUERY_WAIT,
  );
}

const errorRatio = (): string =>
  asPromQl(dashboard.panels.find((panel) => panel.title === 'Error ratio')!.targets[0]!.expr);

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
  // The tests run this file with only the target's port changed: every other byte is the same.
  const rewritten = rewriteConfig(configText, { targetPort: 43_210 });
  expect(rewritten).toBe(configText.replace('localhost:3000', 'localhost:43210'));
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
  const configuration = await readFile(prometheus!.configFile, 'utf8');
  expect(configuration).toBe(configText.replace('localhost:3000', `localhost:${app!.port}`));
});

test('on the healthy app every dashboard query returns data, the error ratio 0', async () => {
  const titles = dashboard.panels.map((panel) => panel.title);
  expect(titles).toEqual(
    expect.arrayContaining([
      'Request rate',
      'Error ratio',
      'Latency percentiles',
      'CPU usage',
      'Memory and heap',
      'Event-loop lag',
      'GC duration',
    ]),
  );
  // The runtime panels use prom-client's default metric names, as @servermetrics/runtime exposes them.
  const runtimeExpressions = dashboard.panels
    .filter((panel) =>
      ['CPU usage', 'Memory and heap', 'Event-loop lag', 'GC duration'].includes(panel.title),
    )
    .flatMap((panel) => panel.targets.map((target) => target.expr))
    .join('\n');
  for (const name of [
    'process_cpu_user_seconds_total',
    'process_cpu_system_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_heap_size_used_bytes',
    'nodejs_heap_size_total_bytes',
    'nodejs_eventloop_lag_p99_seconds',
    'nodejs_gc_duration_seconds_bucket',
  ])
    expect(runtimeExpressions).toContain(name);
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
      const values = await finiteValues(expression, `data for "${panel.title}": ${expression}`);
      expect(
        values.every((value) => value >= 0),
        panel.title,
      ).toBe(true);
    }
  }
  // No 5xx yet: without `or vector(0)` this query would return nothing ("No data" in Grafana).
  expect(await prometheus!.query(`count(http_requests_total{job="${JOB_NAME}",status_code=~"5.."})`)).toEqual(
    [],
  );
  const ratio = await prometheus!.query(errorRatio());
  expect(ratio.map((sample) => sample.value)).toEqual([0]);
});

test('after failures, the 500s are queryable and the error ratio rises above 0', async () => {
  traffic.push(
    startTraffic({ baseUrl: app!.url, intervalMs: 200, next: () => ({ method: 'GET', path: '/api/fail' }) }),
  );
  const failures = await waitFor(
    'the 500s of /api/fail in Prometheus',
    async () => {
      const result = await prometheus!.query(
        `http_requests_total{job="${JOB_NAME}",route="/api/fail",status_code="500"}`,
      );
      return result.length === 1 && result[0]!.value > 0 ? result[0]! : undefined;
    },
    QUERY_WAIT,
  );
  expect(failures.metric).toMatchObject({ method: 'GET', instance: `localhost:${app!.port}` });
  const [ratio] = await waitFor(
    'an error ratio above 0',
    async () => {
      const values = (await prometheus!.query(errorRatio())).map((sample) => sample.value);
      return values.length === 1 && values[0]! > 0 ? values : undefined;
    },
    QUERY_WAIT,
  );
  expect(ratio).toBeLessThan(1);
  const requests = await prometheus!.query(`sum(http_requests_total{job="${JOB_NAME}"})`);
  expect(requests[0]?.value).toBeGreaterThan(failures.value);
  const buckets = await prometheus!.query(`count(http_request_duration_seconds_bucket{job="${JOB_NAME}"})`);
  expect(buckets[0]?.value).toBeGreaterThan(0);
});

test('a missing Prometheus binary fails with how to install it', async () => {
  await expect(startPrometheus({ targetPort: 1, binary: '/nonexistent/prometheus' })).rejects.toThrow(
    'Install it with: apt-get install -y prometheus',
  );
});

test('a taken Prometheus port rejects with EADDRINUSE before anything starts', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as AddressInfo).port;
  try {
    await expect(startPrometheus({ targetPort: 1, port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
      port,
    });
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});
