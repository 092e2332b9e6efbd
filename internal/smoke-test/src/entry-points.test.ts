import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { listenForStatsd, type StatsdListener } from '@internal/demo-harness';
import { findSamples, sampleValue, scrape, waitFor } from '@servermetrics/testing';
import { afterEach, expect, test } from 'vitest';
import { type ExampleProcess, startExampleProcess } from './example-process.js';

// Every example's real entry point, started as `pnpm --filter @example/<name> start` starts it
// (after the build), on free ports. Each test reads the URL the example prints, checks a real
// series, then presses Ctrl+C (SIGINT) and expects a clean exit (code 0) within 10 s.

const METRICS_URL = /metrics:\s+(http:\/\/\S+)/;
const APP_URL = /app:\s+(http:\/\/\S+)/;

let running: ExampleProcess | undefined;
let listener: StatsdListener | undefined;

afterEach(async () => {
  await running?.kill();
  await listener?.close();
  running = undefined;
  listener = undefined;
});

/** Ctrl+C: the example must stop everything it started and exit with code 0. */
async function expectCleanStop(example: ExampleProcess): Promise<void> {
  const exit = await example.interrupt(10_000);
  expect(exit, `stderr:\n${example.stderr()}`).toEqual({ code: 0, signal: null });
}

test('basic: serves the lunch metrics on the printed URL', async () => {
  running = startExampleProcess({ example: 'basic', environment: { PORT: '0' } });
  const url = await running.waitForOutput(METRICS_URL);
  const { samples } = await scrape(url);
  expect(sampleValue(samples, 'lunches_consumed_total')).toBeGreaterThanOrEqual(0);
  const hunger = sampleValue(samples, 'hunger_level');
  expect(hunger).toBeGreaterThanOrEqual(2);
  expect(hunger).toBeLessThanOrEqual(7);
  await expectCleanStop(running);
});

test('labels: serves labelled series that its simulation fills', async () => {
  running = startExampleProcess({ example: 'labels', environment: { PORT: '0' } });
  const url = await running.waitForOutput(METRICS_URL);
  const served = await waitFor('a served get/200 in the labelled series', async () => {
    const { samples } = await scrape(url);
    const value = sampleValue(samples, 'responses_total', { action: 'get', response_code: '200' });
    return value !== undefined && value > 0 ? value : undefined;
  });
  expect(served % 3).toBe(0); // 3 per tick
  // The instrumentation mistakes it makes are logged and dropped: no bad series.
  const { samples } = await scrape(url);
  expect(findSamples(samples, 'cache_lookups_total', { result: 'stale' })).toEqual([]);
  await expectCleanStop(running);
});

for (const framework of ['express', 'koa']) {
  test(`${framework}: records a request under its route template`, async () => {
    running = startExampleProcess({ example: framework, environment: { PORT: '0' } });
    const url = await running.waitForOutput(METRICS_URL);
    const app = await running.waitForOutput(APP_URL);
    const response = await fetch(`${app}/api/users/3`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const { samples } = await scrape(url);
    const labels = { method: 'GET', route: '/api/users/:id', status_code: '200' };
    expect(sampleValue(samples, 'http_requests_total', labels)).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, 'http_request_duration_seconds_count', labels)).toBeGreaterThanOrEqual(1);
    await expectCleanStop(running);
  });
}

test('npm run demo: serves the Express demo with runtime metrics; Ctrl+C exits 0 with no package manager error', async () => {
  running = startExampleProcess({
    example: 'express',
    environment: { PORT: '0' },
    command: { argv: ['npm', 'run', 'demo'], cwd: fileURLToPath(new URL('../../../', import.meta.url)) },
  });
  const url = await running.waitForOutput(METRICS_URL, 120_000);
  const { samples } = await scrape(url);
  expect(sampleValue(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  const exit = await running.interrupt(20_000);
  expect(exit, `stderr:\n${running.stderr()}`).toEqual({ code: 0, signal: null });
  expect(`${running.stdout()}${running.stderr()}`).not.toMatch(/ERR_|ELIFECYCLE|error/i);
}, 180_000);

test('express: a taken port prints how to pick another, without a stack, and exits 1', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as AddressInfo).port;
  try {
    running = startExampleProcess({ example: 'express', environment: { PORT: String(port) } });
    const exit = await running.exited(60_000);
    expect(running.stderr().trim()).toBe(`port ${port} is in use; run \`PORT=${port + 1} npm run demo\``);
    expect(exit).toEqual({ code: 1, signal: null });
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});

test('datadog: pushes tagged DogStatsD lines to the UDP port it is given', async () => {
  listener = await listenForStatsd({ port: 0 });
  running = startExampleProcess({ example: 'datadog', environment: { STATSD_PORT: String(listener.port) } });
  const target = await running.waitForOutput(/pushing to:\s+(udp:\/\/\S+)/);
  expect(target).toBe(`udp://127.0.0.1:${listener.port}`);
  const line = await waitFor('a checkout.orders_total line', () =>
    listener!.lines.find((candidate) => candidate.startsWith('checkout.orders_total:')),
  );
  expect(line).toMatch(
    /^checkout\.orders_total:\d+\|c\|#payment_method:(card|paypal|invoice),env:dev,service:checkout,version:1\.0\.0$/,
  );
  await expectCleanStop(running);
});

test('prometheus-grafana: serves the app and a Prometheus on the printed URLs', async () => {
  running = startExampleProcess({
    example: 'prometheus-grafana',
    environment: { PORT: '0', PROMETHEUS_PORT: '0' },
  });
  const url = await running.waitForOutput(METRICS_URL, 90_000);
  const prometheus = await running.waitForOutput(/prometheus:\s+(http:\/\/\S+)\/targets/);
  const ready = await fetch(`${prometheus}/-/ready`);
  expect(ready.status).toBe(200);
  const { samples } = await waitFor('simulated traffic in the metrics', async () => {
    const scraped = await scrape(url);
    return findSamples(scraped.samples, 'http_requests_total').length > 0 ? scraped : undefined;
  });
  expect(findSamples(samples, 'http_request_duration_seconds_count').length).toBeGreaterThan(0);
  await expectCleanStop(running);
});
