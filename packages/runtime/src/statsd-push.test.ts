import { type MetricFamily, MetricRegistry } from '@servermetrics/core';
import { StatsdExporter } from '@servermetrics/exporter-statsd';
import { createRecordingLogger, type StatsdDaemon, startStatsdDaemon, waitFor } from '@servermetrics/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burnUserCpu, onlyValue } from './fixtures/collect-families.js';
import { type RuntimeMetrics, startRuntimeMetrics } from './runtime-metrics.js';

/**
 * The runtime metrics pushed through the StatsD exporter to a real statsd daemon (its flush
 * interval is long, so its counters sum every delta it received during the test).
 */
describe('runtime metrics pushed to a real statsd daemon', () => {
  let daemon: StatsdDaemon;
  let registry: MetricRegistry;
  let runtime: RuntimeMetrics;
  let exporter: StatsdExporter;

  beforeAll(async () => {
    daemon = await startStatsdDaemon();
    registry = new MetricRegistry({ strict: true });
    runtime = startRuntimeMetrics({ registry });
    exporter = new StatsdExporter({
      port: daemon.port,
      dialect: 'statsd',
      registries: registry,
      sendOlderThanMs: 0,
      logger: createRecordingLogger(),
    });
  }, 30_000);

  afterAll(async () => {
    await exporter?.stop();
    runtime?.stop();
    await daemon?.stop();
  });

  /** Families as of the last flush: collect() without running the collect hooks again. */
  function familiesAsFlushed(): Map<string, MetricFamily> {
    return new Map(registry.collect().map((family) => [family.name, family]));
  }

  /** Flushes and waits until statsd counted every line of it. */
  async function flushIntoDaemon(): Promise<void> {
    const before = (await daemon.counters())['statsd.metrics_received'] ?? 0;
    const result = await exporter.flush();
    expect(result).toMatchObject({ packetsFailed: 0, linesFailed: 0 });
    expect(result.linesSent).toBeGreaterThan(0);
    await waitFor('statsd to count the flushed lines', async () =>
      ((await daemon.counters())['statsd.metrics_received'] ?? 0) >= before + result.linesSent
        ? true
        : undefined,
    );
  }

  it('sends counters as deltas, gauges as values and the GC histogram as count, sum and bucket counters', async () => {
    await flushIntoDaemon();
    const first = familiesAsFlushed();
    const cpuFirst = onlyValue(first, 'process_cpu_user_seconds_total');
    expect((await daemon.counters()).process_cpu_user_seconds_total).toBeCloseTo(cpuFirst, 5);

    // 100 ms of user CPU (not wall time) and garbage between the flushes: CPU grows, minor GCs happen.
    burnUserCpu(100);
    for (let round = 0; round < 20; round++) {
      const garbage: unknown[] = [];
      for (let index = 0; index < 50_000; index++) garbage.push({ index, text: `item ${index}` });
      expect(garbage).toHaveLength(50_000);
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // GC entries arrive asynchronously

    await flushIntoDaemon();
    const second = familiesAsFlushed();
    const counters = await daemon.counters();
    const gauges = await daemon.gauges();

    // Counters: statsd sums what it received; deltas add up to the cumulative value (whole
    // values sent twice would add up to about twice as much).
    const cpuSecond = onlyValue(second, 'process_cpu_user_seconds_total');
    expect(cpuSecond - cpuFirst).toBeGreaterThan(0.05);
    expect(counters.process_cpu_user_seconds_total).toBeCloseTo(cpuSecond, 5);
    expect(counters.process_cpu_seconds_total).toBeCloseTo(onlyValue(second, 'process_cpu_seconds_total'), 5);
    const loopTime = second.get('nodejs_eventloop_time_seconds_total')!;
    for (const series of loopTime.type === 'histogram' ? [] : loopTime.series)
      expect(counters[`nodejs_eventloop_time_seconds_total;state=${series.labelValues[0]}`]).toBeCloseTo(
        series.value,
        5,
      );

    // Gauges: the value of the last flush.
    for (const name of [
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_heap_size_total_bytes',
      'nodejs_active_handles_total',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      expect(gauges[name], name).toBe(onlyValue(second, name));
    expect(gauges.process_resident_memory_bytes).toBeGreaterThan(10e6);
    const [major, minor, patch] = process.versions.node.split('.');
    // statsd sorts the tags in its keys.
    expect(
      gauges[`nodejs_version_info;major=${major};minor=${minor};patch=${patch};version=${process.version}`],
    ).toBe(1);

    // The GC histogram: count, sum and cumulative bucket counters per kind.
    const gc = second.get('nodejs_gc_duration_seconds')!;
    if (gc.type !== 'histogram') throw new Error('nodejs_gc_duration_seconds is not a histogram');
    const minorGc = gc.series.find((series) => series.labelValues[0] === 'minor');
    expect(minorGc?.count).toBeGreaterThan(0);
    expect(counters['nodejs_gc_duration_seconds.count;kind=minor']).toBe(minorGc!.count);
    expect(counters['nodejs_gc_duration_seconds.sum;kind=minor']).toBeCloseTo(minorGc!.sum, 6);
    let cumulative = 0;
    gc.bucketBounds.forEach((bound, index) => {
      cumulative += minorGc!.bucketCounts[index]!;
      // A bucket that never counted anything may not have been sent at all.
      expect(counters[`nodejs_gc_duration_seconds.bucket;kind=minor;le=${bound}`] ?? 0, `le=${bound}`).toBe(
        cumulative,
      );
    });
    expect(cumulative).toBeGreaterThan(0);
  });
});
