import { MetricRegistry } from '@servermetrics/core';
import { type MetricsServer, startMetricsServer } from '@servermetrics/exporter-prometheus';
import { type QueryResult, type RunningPrometheus, startPrometheus, waitFor } from '@servermetrics/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeMetrics, startRuntimeMetrics } from './runtime-metrics.js';

/**
 * The proof: a real Prometheus (1 s scrape interval, the kit's shortest) scrapes a
 * metrics server on 127.0.0.1 whose registry has runtime metrics started, and the queries a
 * prom-client dashboard runs return data with plausible values.
 */
describe('a real Prometheus scraping runtime metrics', () => {
  let prometheus: RunningPrometheus | undefined;
  let server: MetricsServer | undefined;
  let runtime: RuntimeMetrics | undefined;
  let allocator: ReturnType<typeof setInterval> | undefined;

  beforeAll(async () => {
    const registry = new MetricRegistry({ strict: true });
    runtime = startRuntimeMetrics({ registry });
    // Allocate steadily so minor GCs (scavenges) happen between scrapes and the GC histogram's
    // bucket rates are non-zero.
    allocator = setInterval(() => {
      const garbage: unknown[] = [];
      for (let index = 0; index < 50_000; index++) garbage.push({ index, text: `item ${index}` });
      expect(garbage.length).toBe(50_000);
    }, 50);
    server = await startMetricsServer({ port: 0, host: '127.0.0.1', registry });
    prometheus = await startPrometheus([
      { name: 'runtime', target: `127.0.0.1:${server.port}`, metricsPath: '/metrics' },
    ]);
  }, 60_000);

  afterAll(async () => {
    clearInterval(allocator);
    await prometheus?.stop();
    await server?.close();
    runtime?.stop();
  }, 60_000);

  /**
   * Polls until the query returns at least one series, every value passes `plausible`, and the
   * results are `complete`.
   */
  async function queryUntil(
    expression: string,
    plausible: (value: number) => boolean,
    complete: (results: QueryResult[]) => boolean = () => true,
  ): Promise<QueryResult[]> {
    return waitFor(
      `a plausible result for ${expression}`,
      async () => {
        const results = await prometheus!.query(expression);
        const values = results.map((result) => Number(result.value[1]));
        return results.length > 0 && values.every(plausible) && complete(results) ? results : undefined;
      },
      { timeoutMs: 30_000 },
    ).catch(async (error: unknown) => {
      const last = await prometheus!.query(expression).catch(() => []);
      throw new Error(
        `${String(error)}\nlast result: ${JSON.stringify(last)}\nPrometheus output:\n${prometheus!.output()}`,
      );
    });
  }

  it('rate(process_cpu_user_seconds_total[1m]) is a CPU share between 0 and the cores', async () => {
    await queryUntil(
      'rate(process_cpu_user_seconds_total[1m])',
      (value) => value > 0 && value < 4, // at most a few cores; the allocator keeps it above 0
    );
  });

  it('process_resident_memory_bytes is between 10 MB and 4 GB', async () => {
    await queryUntil('process_resident_memory_bytes', (value) => value > 10e6 && value < 4e9);
  });

  it('nodejs_heap_size_used_bytes / nodejs_heap_size_total_bytes is a ratio in (0, 1]', async () => {
    await queryUntil(
      'nodejs_heap_size_used_bytes / nodejs_heap_size_total_bytes',
      (value) => value > 0 && value <= 1,
    );
  });

  it('nodejs_eventloop_lag_p99_seconds is between the 10 ms resolution and a few seconds', async () => {
    // With the timer sampler each sample includes the 10 ms resolution (as in prom-client).
    await queryUntil('nodejs_eventloop_lag_p99_seconds', (value) => value >= 0.009 && value < 5);
  });

  it('histogram_quantile(0.9, rate(nodejs_gc_duration_seconds_bucket[1m])) has a GC kind with a duration', async () => {
    const results = await queryUntil(
      'histogram_quantile(0.9, rate(nodejs_gc_duration_seconds_bucket[1m]))',
      // A kind without GCs in the window gives NaN; the others lie within the buckets (<= 5 s).
      (value) => Number.isNaN(value) || (value > 0 && value <= 5),
      (candidates) => finiteKinds(candidates).includes('minor'),
    );
    expect(finiteKinds(results)).toContain('minor');
  });

  function finiteKinds(results: readonly QueryResult[]): string[] {
    return results
      .filter((result) => Number.isFinite(Number(result.value[1])))
      .map((result) => result.metric.kind ?? '');
  }

  it('nodejs_active_handles_total counts at least the metrics server socket', async () => {
    await queryUntil('nodejs_active_handles_total', (value) => Number.isInteger(value) && value >= 1);
  });

  it('nodejs_version_info carries this Node.js version', async () => {
    const [major, minor, patch] = process.versions.node.split('.');
    const [result] = await queryUntil('nodejs_version_info', (value) => value === 1);
    expect(result!.metric).toMatchObject({ version: process.version, major, minor, patch, job: 'runtime' });
  });
});
