import { listenForStatsd, type StatsdListener } from '@example/datadog';
import {
  type DemoServer,
  EXAMPLE_REQUESTS,
  expectedRequestCounts,
  sendExampleRequests,
} from '@example/demo-harness';
import { findSamples, sampleValue, scrape, waitFor } from '@example/test-helpers';
import { MetricRegistry } from '@servermetrics/core';
import { afterEach, expect, test } from 'vitest';
import { startExpressExample } from './express-example.js';

let example: DemoServer | undefined;
let listener: StatsdListener | undefined;

afterEach(async () => {
  await example?.close();
  await listener?.close();
  example = undefined;
  listener = undefined;
});

const ROUTES = new Set(EXAMPLE_REQUESTS.map((request) => request.route));

test('records every request under its route template, method and status', async () => {
  example = await startExpressExample({ port: 0, registry: new MetricRegistry() });
  const statuses = await sendExampleRequests(example.url);
  expect(statuses).toEqual(EXAMPLE_REQUESTS.map((request) => request.status));

  const { samples } = await scrape(example.metricsUrl);
  for (const { labels, count } of expectedRequestCounts().values()) {
    expect(sampleValue(samples, 'http_requests_total', labels), JSON.stringify(labels)).toBe(count);
    expect(sampleValue(samples, 'http_request_duration_seconds_count', labels)).toBe(count);
  }
  const total = findSamples(samples, 'http_requests_total').reduce((sum, sample) => sum + sample.value, 0);
  expect(total).toBe(EXAMPLE_REQUESTS.length); // /metrics itself is not recorded
  for (const sample of findSamples(samples, 'http_requests_total')) {
    expect(ROUTES.has(sample.labels.route!), sample.labels.route).toBe(true); // never a raw path
  }
  // The slow request of /api/users/:id took at least 120 ms: it is not in the 0.1 s bucket.
  const users = { method: 'GET', route: '/api/users/:id', status_code: '200' };
  expect(sampleValue(samples, 'http_request_duration_seconds_bucket', { ...users, le: '0.1' })).toBe(1);
  expect(sampleValue(samples, 'http_request_duration_seconds_bucket', { ...users, le: '+Inf' })).toBe(2);
  expect(sampleValue(samples, 'http_request_duration_seconds_sum', users)).toBeGreaterThanOrEqual(0.12);
  expect(sampleValue(samples, 'http_requests_in_flight', { method: 'GET' })).toBe(0);
});

test('metricsHandler negotiates OpenMetrics from the Accept header', async () => {
  example = await startExpressExample({ port: 0, registry: new MetricRegistry() });
  await sendExampleRequests(example.url);
  const response = await fetch(example.metricsUrl, {
    headers: { accept: 'application/openmetrics-text; version=1.0.0' },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/openmetrics-text');
  const body = await response.text();
  expect(body).toContain('# TYPE http_requests counter');
  expect(body.endsWith('# EOF\n')).toBe(true);
});

test('simulated traffic fills the metrics, with bounded route labels', async () => {
  example = await startExpressExample({ port: 0, registry: new MetricRegistry(), traffic: 5 });
  const samples = await waitFor('40 simulated requests in the metrics', async () => {
    const scraped = await scrape(example!.metricsUrl);
    const total = findSamples(scraped.samples, 'http_requests_total').reduce((sum, s) => sum + s.value, 0);
    return total >= 40 ? scraped.samples : undefined;
  });
  const routes = new Set(findSamples(samples, 'http_requests_total').map((sample) => sample.labels.route));
  expect([...routes].every((route) => ROUTES.has(route!))).toBe(true);
  expect(routes.has('/api/users/:id')).toBe(true);
});

test('--statsd pushes the same HTTP metrics to StatsD, tagged', async () => {
  listener = await listenForStatsd({ port: 0 });
  example = await startExpressExample({
    port: 0,
    registry: new MetricRegistry(),
    statsd: { port: listener.port, intervalMs: 60_000 },
  });
  await sendExampleRequests(example.url);
  await example.statsd!.flush();
  const line = await waitFor('the 404 counter line', () =>
    listener!.lines.find((candidate) =>
      candidate.startsWith('http_requests_total:1|c|#method:GET,route:unmatched'),
    ),
  );
  expect(line).toBe(
    'http_requests_total:1|c|#method:GET,route:unmatched,status_code:404,service:express-example',
  );
});
