import { Counter, MetricRegistry } from '@servermetrics/core';
import { waitFor } from '@servermetrics/testing';
import { afterEach, expect, test } from 'vitest';
import { type DemoServer, startDemoServer } from './start-demo-server.js';
import { listenForStatsd, type StatsdListener } from './statsd-listener.js';

let demo: DemoServer | undefined;
let listener: StatsdListener | undefined;

afterEach(async () => {
  await demo?.close();
  await listener?.close();
  demo = undefined;
  listener = undefined;
});

test('serves the app, sends it simulated traffic and pushes its registry to StatsD', async () => {
  listener = await listenForStatsd({ port: 0 });
  const registry = new MetricRegistry();
  const requests = registry.register('requests_total', new Counter({ help: 'Requests' }));
  demo = await startDemoServer({
    name: 'harness-test',
    registry,
    listener: (_request, response) => {
      requests.inc();
      response.end('ok');
    },
    port: 0,
    traffic: 5,
    statsd: { port: listener.port, intervalMs: 50 },
  });
  expect(demo.url).toBe(`http://127.0.0.1:${demo.port}`);
  expect(demo.metricsUrl).toBe(`${demo.url}/metrics`);
  await waitFor('5 simulated requests', () => (demo!.traffic!.answered >= 5 ? true : undefined));
  await waitFor('a StatsD line', () => listener!.lines.find((line) => line.startsWith('requests_total:')));
  await demo.close();
  const pushed = listener.lines
    .filter((line) => line.startsWith('requests_total:'))
    .map((line) => {
      expect(line).toMatch(/^requests_total:\d+\|c\|#service:harness-test$/);
      return Number(line.slice('requests_total:'.length, line.indexOf('|')));
    });
  // close() stops the traffic first and pushes once more: every request is in the deltas.
  await waitFor('the deltas to add up', () =>
    listener!.lines
      .filter((line) => line.startsWith('requests_total:'))
      .reduce((sum, line) => sum + Number(line.slice('requests_total:'.length, line.indexOf('|'))), 0) ===
    requests.value()
      ? true
      : undefined,
  );
  expect(pushed.length).toBeGreaterThan(0);
  expect(requests.value()).toBe(demo.traffic!.answered);
});

test('rejects when the port is taken', async () => {
  const registry = new MetricRegistry();
  demo = await startDemoServer({
    name: 'first',
    registry,
    listener: (_r, response) => response.end(),
    port: 0,
  });
  await expect(
    startDemoServer({
      name: 'second',
      registry,
      listener: (_r, response) => response.end(),
      port: demo.port,
    }),
  ).rejects.toThrow(/EADDRINUSE/);
});
