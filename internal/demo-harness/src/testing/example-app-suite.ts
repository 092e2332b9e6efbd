import { MetricRegistry } from '@servermetrics/core';
import { findSamples, sampleValue, scrape, waitFor } from '@servermetrics/testing';
import { afterEach, expect, test } from 'vitest';
import { EXAMPLE_REQUESTS, expectedRequestCounts, sendExampleRequests } from '../example-requests.js';
import type { DemoServer, StatsdTarget } from '../start-demo-server.js';
import { listenForStatsd, type StatsdListener } from '../statsd-listener.js';

/** What the suite passes to an example app's start function. */
export interface ExampleAppStartOptions {
  port: number;
  registry: MetricRegistry;
  traffic?: number;
  statsd?: StatsdTarget;
}

const ROUTES = new Set(EXAMPLE_REQUESTS.map((request) => request.route));

/**
 * Declares the smoke tests every example app (Express, Koa) must pass: it starts the app on a
 * free port with a fresh registry, drives it, scrapes it and checks the HTTP series, the
 * OpenMetrics negotiation, the simulated traffic and the StatsD push, and stops it after each
 * test. `service` is the `service` tag the app sends to StatsD.
 */
export function exampleAppSuite(
  service: string,
  start: (options: ExampleAppStartOptions) => Promise<DemoServer>,
): void {
  let example: DemoServer | undefined;
  let listener: StatsdListener | undefined;

  afterEach(async () => {
    await example?.close();
    await listener?.close();
    example = undefined;
    listener = undefined;
  });

  test('records every request under its route template, method and status', async () => {
    example = await start({ port: 0, registry: new MetricRegistry() });
    const statuses = await sendExampleRequests(example.url);
    expect(statuses).toEqual(EXAMPLE_REQUESTS.map((request) => request.status));

    const { samples } = await scrape(example.metricsUrl);
    for (const { labels, count } of expectedRequestCounts().values()) {
      expect(sampleValue(samples, 'http_requests_total', labels), JSON.stringify(labels)).toBe(count);
      expect(sampleValue(samples, 'http_request_duration_seconds_count', labels)).toBe(count);
    }
    const requests = findSamples(samples, 'http_requests_total');
    const total = requests.reduce((sum, sample) => sum + sample.value, 0);
    expect(total).toBe(EXAMPLE_REQUESTS.length); // /metrics itself is not recorded
    for (const sample of requests) {
      expect(ROUTES.has(sample.labels.route!), sample.labels.route).toBe(true); // never a raw path
    }
    // The slow request of /api/users/:id took at least 120 ms: it is not in the 0.1 s bucket.
    const users = { method: 'GET', route: '/api/users/:id', status_code: '200' };
    expect(sampleValue(samples, 'http_request_duration_seconds_bucket', { ...users, le: '0.1' })).toBe(1);
    expect(sampleValue(samples, 'http_request_duration_seconds_bucket', { ...users, le: '+Inf' })).toBe(2);
    expect(sampleValue(samples, 'http_request_duration_seconds_sum', users)).toBeGreaterThanOrEqual(0.12);
    expect(sampleValue(samples, 'http_requests_in_flight', { method: 'GET' })).toBe(0);
  });

  test('serves the process and Node.js runtime metrics existing dashboards use', async () => {
    example = await start({ port: 0, registry: new MetricRegistry() });
    const { samples } = await scrape(example.metricsUrl);
    expect(sampleValue(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(findSamples(samples, 'nodejs_version_info')).toHaveLength(1);
    expect(findSamples(samples, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  test('the metrics handler negotiates OpenMetrics from the Accept header', async () => {
    example = await start({ port: 0, registry: new MetricRegistry() });
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
    example = await start({ port: 0, registry: new MetricRegistry(), traffic: 5 });
    const samples = await waitFor('40 simulated requests in the metrics', async () => {
      const scraped = await scrape(example!.metricsUrl);
      const requests = findSamples(scraped.samples, 'http_requests_total');
      const total = requests.reduce((sum, sample) => sum + sample.value, 0);
      return total >= 40 ? scraped.samples : undefined;
    });
    const routes = new Set(findSamples(samples, 'http_requests_total').map((sample) => sample.labels.route));
    expect([...routes].every((route) => ROUTES.has(route!))).toBe(true);
    expect(routes.has('/api/users/:id')).toBe(true);
  });

  test('--statsd pushes the same HTTP metrics to StatsD, tagged', async () => {
    listener = await listenForStatsd({ port: 0 });
    example = await start({
      port: 0,
      registry: new MetricRegistry(),
      statsd: { port: listener.port, intervalMs: 60_000 },
    });
    await sendExampleRequests(example.url);
    await example.statsd!.flush();
    const prefix = 'http_requests_total:1|c|#method:GET,route:unmatched';
    const line = await waitFor('the 404 counter line', () =>
      listener!.lines.find((candidate) => candidate.startsWith(prefix)),
    );
    expect(line).toBe(`${prefix},status_code:404,service:${service}`);
  });
}
