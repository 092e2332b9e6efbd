import { Counter, Gauge, Histogram, MetricRegistry } from '@servermetrics/core';
import { createRecordingLogger, type StatsdDaemon, startStatsdDaemon } from '@servermetrics/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StatsdExporter } from './statsd-exporter.js';
import type { FlushResult } from './statsd-exporter-options.js';

// A real Etsy statsd 0.9 (the `statsd` devDependency), with a one-hour flush interval so that
// what it aggregated stays readable on its management port for the whole file.
let daemon: StatsdDaemon;

beforeAll(async () => {
  daemon = await startStatsdDaemon();
}, 30_000);

afterAll(async () => {
  await daemon?.stop();
});

describe('against a real statsd daemon', () => {
  test('several flushes with increments in between add up to the exact totals, labelled series included', async () => {
    const registry = new MetricRegistry();
    const requests = registry.register(
      'requests_total',
      new Counter({ help: 'r', labels: { method: 'string', code: 'int' } }),
    );
    const jobs = registry.register('jobs_total', new Counter({ help: 'j' }));
    const temperature = registry.register('temperature_celsius', new Gauge({ help: 't' }));
    const tiny = registry.register('tiny_ratio', new Gauge({ help: 't' }));
    const huge = registry.register('huge_bytes', new Gauge({ help: 'h' }));
    const latency = registry.register(
      'latency_seconds',
      new Histogram({ help: 'l', labels: { route: 'string' }, buckets: [0.5, 1] }),
    );
    const logger = createRecordingLogger();
    const common = {
      port: daemon.port,
      registries: [registry],
      sendOlderThanMs: 0,
      logger,
      globalTags: { region: 'eu' },
    };
    // Plain StatsD syntax (tags in the name), and DogStatsD syntax, which statsd 0.9 also reads.
    const plain = new StatsdExporter({ ...common, dialect: 'statsd', prefix: 'app', maxPacketBytes: 256 });
    const dogstatsd = new StatsdExporter({
      ...common,
      dialect: 'datadog',
      prefix: 'dd',
      histogramsAs: 'buckets',
    });
    const results: FlushResult[] = [];
    const flushBoth = async (): Promise<void> => {
      results.push(await plain.flush(), await dogstatsd.flush());
    };

    requests.inc({ method: 'GET', code: 200 }, 3);
    jobs.inc(0.5);
    temperature.set(10);
    tiny.set(1e-7);
    huge.set(1e21);
    latency.observe({ route: '/users/:id' }, 0.25);
    await flushBoth();

    requests.inc({ method: 'GET', code: 200 }, 4);
    requests.inc({ method: 'POST', code: 500 });
    jobs.inc(0.5);
    latency.observe({ route: '/users/:id' }, 0.75);
    latency.observe({ route: '/users/:id' }, 3);
    await flushBoth();

    await flushBoth(); // nothing changed: sends nothing
    requests.inc({ method: 'GET', code: 200 }, 2);
    jobs.inc(0.5);
    temperature.set(-3);
    await flushBoth();

    for (const result of results) expect(result.packetsFailed).toBe(0);
    expect(results[4]!.linesSent + results[5]!.linesSent).toBe(0);
    const lines = results.reduce((total, result) => total + result.linesSent, 0);
    await daemon.waitForLines(lines);

    const counters = await daemon.counters();
    expect(counters['statsd.metrics_received']).toBe(lines);
    expect(counters['statsd.bad_lines_seen']).toBe(0);
    for (const prefix of ['app', 'dd']) {
      expect(counters[`${prefix}.requests_total;code=200;method=GET;region=eu`]).toBe(9);
      expect(counters[`${prefix}.requests_total;code=500;method=POST;region=eu`]).toBe(1);
      expect(counters[`${prefix}.jobs_total;region=eu`]).toBe(1.5);
    }
    // statsd's key sanitiser turns `/` into `-` and drops `:`; the statsd dialect already wrote `_`.
    expect(counters['app.latency_seconds.count;route=_users__id;region=eu']).toBe(3);
    expect(counters['app.latency_seconds.sum;route=_users__id;region=eu']).toBe(4);
    expect(counters['app.latency_seconds.bucket;route=_users__id;le=0.5;region=eu']).toBe(1);
    expect(counters['app.latency_seconds.bucket;route=_users__id;le=1;region=eu']).toBe(2);
    expect(counters['dd.latency_seconds.count;route=-users-id;region=eu']).toBe(3);

    const gauges = await daemon.gauges();
    expect(gauges['app.tiny_ratio;region=eu']).toBe(1e-7);
    expect(gauges['app.huge_bytes;region=eu']).toBe(1e21);
    // The statsd dialect sends `0` before a negative value, so statsd reads it as absolute...
    expect(gauges['app.temperature_celsius;region=eu']).toBe(-3);
    // ...while DogStatsD syntax sends it raw, and statsd applies it as a change: 10 - 3.
    expect(gauges['dd.temperature_celsius;region=eu']).toBe(7);

    const stats = await daemon.stats();
    expect(stats['messages.bad_lines_seen']).toBe(0);
    expect(logger.messages).toEqual([]);
    await Promise.all([plain.stop(), dogstatsd.stop()]);
  });

  test('reset() starts a new series: the backend total counts the increments before and after it', async () => {
    const registry = new MetricRegistry();
    const jobs = registry.register('reset_jobs_total', new Counter({ help: 'j' }));
    const tasks = registry.register(
      'reset_tasks_total',
      new Counter({ help: 't', labels: { kind: 'string' } }),
    );
    const durations = registry.register('reset_duration_seconds', new Histogram({ help: 'd', buckets: [1] }));
    const exporter = new StatsdExporter({
      port: daemon.port,
      registries: [registry],
      dialect: 'statsd',
      sendOlderThanMs: 0,
      logger: createRecordingLogger(),
    });
    const before = (await daemon.counters())['statsd.metrics_received'] ?? 0;
    jobs.inc(10);
    tasks.inc({ kind: 'a' }, 10);
    for (let index = 0; index < 10; index++) durations.observe(0.5);
    const first = await exporter.flush();
    jobs.reset();
    tasks.reset();
    durations.reset();
    jobs.inc(15);
    tasks.inc({ kind: 'a' }, 15);
    for (let index = 0; index < 15; index++) durations.observe(0.5);
    const second = await exporter.flush();
    expect(first.packetsFailed + second.packetsFailed).toBe(0);
    await daemon.waitForLines(before + first.linesSent + second.linesSent);
    const counters = await daemon.counters();
    expect(counters.reset_jobs_total).toBe(25);
    expect(counters['reset_tasks_total;kind=a']).toBe(25);
    expect(counters['reset_duration_seconds.count']).toBe(25);
    expect(counters['reset_duration_seconds.sum']).toBe(12.5);
    expect(counters['reset_duration_seconds.bucket;le=1']).toBe(25);
    await exporter.stop();
  });

  test('a keep-alive re-send of an idle counter adds nothing to its total', async () => {
    const registry = new MetricRegistry();
    const idle = registry.register('idle_total', new Counter({ help: 'i' }));
    let now = 0;
    const exporter = new StatsdExporter({
      port: daemon.port,
      registries: [registry],
      dialect: 'statsd',
      sendOlderThanMs: 1000,
      now: () => now,
    });
    idle.inc(5);
    const before = (await daemon.counters())['statsd.metrics_received'] ?? 0;
    const first = await exporter.flush();
    now += 1000;
    const second = await exporter.flush();
    expect(first.linesSent).toBe(1);
    expect(second.linesSent).toBe(1);
    await daemon.waitForLines(before + 2);
    expect((await daemon.counters()).idle_total).toBe(5);
    await exporter.stop();
  });
});
