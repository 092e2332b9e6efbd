import { Counter, Gauge, Histogram, MetricRegistry } from '@servermetrics/core';
import {
  checkOpenMetrics,
  NASTY_VALUES,
  PROMETHEUS_2_ACCEPT,
  type QueryResult,
  type RunningPrometheus,
  send,
  startPrometheus,
  waitFor,
} from '@servermetrics/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE } from '../exposition/exposition-format.js';
import { type MetricsServer, startMetricsServer } from './start-metrics-server.js';

const NASTY_METHOD = 'say "hi" \\ back\nslash ☃';

function buildRegistry(): MetricRegistry {
  const registry = new MetricRegistry({ strict: true });
  const requests = registry.register(
    'demo_requests_total',
    new Counter({ help: 'Requests served.', labels: { method: 'string', code: 'int' } }),
  );
  requests.inc({ method: 'get', code: 200 }, 5);
  requests.inc({ method: NASTY_METHOD, code: 500 }, 2);
  registry
    .register(
      'demo_temperature_celsius',
      new Gauge({ help: 'Temperature in "degrees" \\ Celsius.', unit: 'celsius' }),
    )
    .set(21.5);
  const latency = registry.register(
    'demo_latency_seconds',
    new Histogram({ help: 'Latency.', unit: 'seconds', buckets: [0.1, 0.5, 1], labels: { route: 'string' } }),
  );
  for (const value of [0.05, 0.3, 0.7, 2]) latency.observe({ route: '/users/:id' }, value);
  const deviation = registry.register(
    'demo_deviation_celsius',
    new Histogram({ help: 'Deviation from the set point.', buckets: [-1, 0, 1] }),
  );
  for (const value of [-5, 0.5]) deviation.observe(value);
  // Bounds >= 0 but a negative sum: OpenMetrics has no _sum or _count for it while the sum is negative.
  registry
    .register('demo_offset_seconds', new Histogram({ help: 'Clock offset.', buckets: [0, 1] }))
    .observe(-2);
  const nasty = registry.register(
    'demo_nasty_total',
    new Counter({ help: 'One series per nasty label value.', labels: { value: 'string', position: 'int' } }),
  );
  NASTY_VALUES.forEach((value, position) => {
    nasty.inc({ value, position }, position + 1);
  });
  registry.register('demo_events', new Counter({ help: 'A counter registered without _total.' })).inc(7);
  registry.register('demo_unexplained', new Gauge({ help: '' })).set(1);
  return registry;
}

/** Starts a metrics server that records the Content-Type of every response it sends. */
async function recordingServer(
  registry: MetricRegistry,
  openMetrics: boolean,
): Promise<{ server: MetricsServer; contentTypes: string[] }> {
  const server = await startMetricsServer({ port: 0, registry, openMetrics });
  const contentTypes: string[] = [];
  server.server.on('request', (_request, response) => {
    response.on('finish', () => contentTypes.push(String(response.getHeader('content-type'))));
  });
  return { server, contentTypes };
}

describe('a real Prometheus scraping startMetricsServer', () => {
  let prometheus: RunningPrometheus | undefined;
  const servers: MetricsServer[] = [];
  let openMetricsTypes: string[] = [];
  let textTypes: string[] = [];

  beforeAll(async () => {
    const registry = buildRegistry();
    const negotiated = await recordingServer(registry, true);
    const textOnly = await recordingServer(registry, false);
    servers.push(negotiated.server, textOnly.server);
    openMetricsTypes = negotiated.contentTypes;
    textTypes = textOnly.contentTypes;
    prometheus = await startPrometheus([
      { name: 'negotiated', target: `127.0.0.1:${negotiated.server.port}`, metricsPath: '/metrics' },
      { name: 'text', target: `127.0.0.1:${textOnly.server.port}`, metricsPath: '/metrics' },
    ]);
    // Wait for both targets' first successful scrape; a parse error shows up as lastError at once.
    await waitFor(
      'both targets to be scraped',
      async () => {
        const targets = await prometheus!.targets();
        for (const target of targets) {
          if (target.lastError !== '')
            throw new Error(`scrape of job ${target.labels.job} failed: ${target.lastError}`);
        }
        return targets.length === 2 && targets.every((target) => target.health === 'up') ? true : undefined;
      },
      { timeoutMs: 45_000 },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\nPrometheus output:\n${prometheus?.output() ?? ''}`);
    });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all(servers.map((server) => server.close()));
  }, 60_000);

  async function queryOne(expression: string): Promise<QueryResult> {
    return waitFor(`a result for ${expression}`, async () => {
      const results = await prometheus!.query(expression);
      return results.length === 1 ? results[0] : undefined;
    });
  }

  describe.each([
    ['negotiated', 'OpenMetrics', () => openMetricsTypes, OPENMETRICS_CONTENT_TYPE],
    ['text', 'text', () => textTypes, TEXT_CONTENT_TYPE],
  ])('job %s (served as %s)', (job, _formatName, contentTypes, expectedContentType) => {
    it('was served in the expected format', () => {
      expect(contentTypes().length).toBeGreaterThan(0);
      expect(new Set(contentTypes())).toEqual(new Set([expectedContentType]));
    });

    it('stores the counter, gauge, histogram bucket and labelled series with their values', async () => {
      expect((await queryOne(`up{job="${job}"}`)).value[1]).toBe('1');
      expect((await queryOne(`demo_requests_total{job="${job}",method="get",code="200"}`)).value[1]).toBe(
        '5',
      );
      expect((await queryOne(`demo_temperature_celsius{job="${job}"}`)).value[1]).toBe('21.5');
      expect(
        (await queryOne(`demo_latency_seconds_bucket{job="${job}",route="/users/:id",le="0.5"}`)).value[1],
      ).toBe('2');
      expect((await queryOne(`demo_latency_seconds_bucket{job="${job}",le="+Inf"}`)).value[1]).toBe('4');
      expect((await queryOne(`demo_latency_seconds_sum{job="${job}"}`)).value[1]).toBe('3.05');
      expect((await queryOne(`demo_latency_seconds_count{job="${job}"}`)).value[1]).toBe('4');
      expect((await queryOne(`demo_unexplained{job="${job}"}`)).value[1]).toBe('1');
    });

    it('keeps a nasty label value intact', async () => {
      const result = await queryOne(`demo_requests_total{job="${job}",code="500"}`);
      expect(result.metric.method).toBe(NASTY_METHOD);
      expect(result.value[1]).toBe('2');
    });

    it('keeps every nasty label value intact (quotes, backslashes, newlines, injection, unicode, control characters)', async () => {
      const results = await waitFor('every nasty series', async () => {
        const found = await prometheus!.query(`demo_nasty_total{job="${job}"}`);
        return found.length === NASTY_VALUES.length ? found : undefined;
      });
      const stored = new Map(
        results.map((result) => [Number(result.metric.position), [result.metric.value, result.value[1]]]),
      );
      NASTY_VALUES.forEach((value, position) => {
        // Prometheus treats an empty label value as no label at all.
        expect(stored.get(position)).toEqual([value === '' ? undefined : value, String(position + 1)]);
      });
      expect(await prometheus!.query('{__name__=~"evil.*"}')).toEqual([]);
    });

    it('reads HELP (escaped quotes and backslash) and, in OpenMetrics, the unit', async () => {
      const metadata = await waitFor('target metadata', async () => {
        const entries = await prometheus!.api<{ help: string; unit: string; type: string }[]>(
          `/api/v1/targets/metadata?metric=demo_temperature_celsius&match_target=${encodeURIComponent(`{job="${job}"}`)}`,
        );
        return entries.length === 1 ? entries[0] : undefined;
      });
      expect(metadata.help).toBe('Temperature in "degrees" \\ Celsius.');
      expect(metadata.type).toBe('gauge');
      expect(metadata.unit).toBe(job === 'negotiated' ? 'celsius' : '');
    });
  });

  it('stores a histogram with a negative bucket bound: buckets from both, _sum and _count only from text', async () => {
    // Prometheus 2 stores OpenMetrics `le` values as sent (`-1.0`), Prometheus 3 normalizes them (`-1`).
    for (const job of ['negotiated', 'text']) {
      expect((await queryOne(`demo_deviation_celsius_bucket{job="${job}",le=~"-1|-1.0"}`)).value[1]).toBe(
        '1',
      );
      expect((await queryOne(`demo_deviation_celsius_bucket{job="${job}",le=~"1|1.0"}`)).value[1]).toBe('2');
      expect((await queryOne(`demo_deviation_celsius_bucket{job="${job}",le="+Inf"}`)).value[1]).toBe('2');
    }
    expect((await queryOne('demo_deviation_celsius_sum{job="text"}')).value[1]).toBe('-4.5');
    expect((await queryOne('demo_deviation_celsius_count{job="text"}')).value[1]).toBe('2');
    expect(await prometheus!.query('demo_deviation_celsius_sum{job="negotiated"}')).toEqual([]);
    expect(await prometheus!.query('demo_deviation_celsius_count{job="negotiated"}')).toEqual([]);
  });

  it('stores a histogram with bounds >= 0 and a negative sum: _sum and _count only from text', async () => {
    for (const job of ['negotiated', 'text']) {
      expect((await queryOne(`demo_offset_seconds_bucket{job="${job}",le="+Inf"}`)).value[1]).toBe('1');
    }
    expect((await queryOne('demo_offset_seconds_sum{job="text"}')).value[1]).toBe('-2');
    expect((await queryOne('demo_offset_seconds_count{job="text"}')).value[1]).toBe('1');
    expect(await prometheus!.query('demo_offset_seconds_sum{job="negotiated"}')).toEqual([]);
    expect(await prometheus!.query('demo_offset_seconds_count{job="negotiated"}')).toEqual([]);
  });

  it('serves an OpenMetrics body the strict reference parser accepts (Prometheus itself is laxer)', async () => {
    const openMetrics = await send(servers[0]!.url, { headers: { accept: PROMETHEUS_2_ACCEPT } });
    expect(openMetrics.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(await checkOpenMetrics(openMetrics.body)).toEqual({ ok: true, error: '' });
  });

  it('stores a counter registered without _total from OpenMetrics and as name from text', async () => {
    expect((await queryOne('demo_events_total{job="negotiated"}')).value[1]).toBe('7');
    expect((await queryOne('demo_events{job="text"}')).value[1]).toBe('7');
    expect(await prometheus!.query('demo_events{job="negotiated"}')).toEqual([]);
    expect(await prometheus!.query('demo_events_total{job="text"}')).toEqual([]);
  });
});
