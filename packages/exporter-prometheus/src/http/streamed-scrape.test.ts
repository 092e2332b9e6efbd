import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import {
  Counter,
  Gauge,
  Histogram,
  type MetricFamily,
  type MetricProducer,
  MetricRegistry,
} from '@servermetrics/core';
import {
  createRecordingLogger,
  NASTY_VALUES,
  openStream,
  PROMETHEUS_2_ACCEPT,
  PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT,
  type RecordingLogger,
  runningApps,
  send,
  waitFor,
} from '@servermetrics/testing';
import { describe, expect, it } from 'vitest';
import { contentTypeFor } from '../exposition/exposition-format.js';
import { renderMetrics } from '../exposition/render-metrics.js';
import { metricsHandler } from './metrics-handler.js';
import {
  createMetricsResponder,
  createMetricsStreamResponder,
  type MetricsHandlerOptions,
} from './metrics-responder.js';

const apps = runningApps();

/** Serves `metricsHandler(options)` on loopback; `done` collects each handler promise. */
async function serve(options: MetricsHandlerOptions): Promise<{ url: string; done: Promise<void>[] }> {
  const handler = metricsHandler(options);
  const done: Promise<void>[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    done.push(handler(request, response));
  });
  return { url: `${await apps.serve(server)}/metrics`, done };
}

/** Resolves after `turns` turns of the event loop (each a setImmediate: timers and I/O run between). */
async function eventLoopTurns(turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A registry whose exposition spans many 64 KiB slices: every metric type, hostile label values. */
function largeRegistry(): MetricRegistry {
  const registry = new MetricRegistry({ defaultMaxCells: 100_000, logger: { warn() {}, error() {} } });
  const requests = registry.register(
    'http_requests_total',
    new Counter({ help: 'Requests "served"\\\n.', labels: { route: 'string', code: 'int' } }),
  );
  for (let index = 0; index < 6000; index++) {
    const nasty = NASTY_VALUES[index % NASTY_VALUES.length]!;
    requests.inc({ route: `/r/${index}/${nasty}`, code: 200 + (index % 5) }, index % 7);
  }
  const temperature = registry.register(
    'temperature_celsius',
    new Gauge({ help: 'T.', unit: 'celsius', labels: { room: 'string' } }),
  );
  for (let index = 0; index < 500; index++) temperature.set({ room: `room ${index}` }, index / 3 - 50);
  const latency = registry.register(
    'request_duration_seconds',
    new Histogram({ help: 'Latency.', labels: { route: 'string' } }),
  );
  for (let index = 0; index < 2000; index++) latency.observe({ route: `/h/${index}` }, (index % 100) / 10);
  const offsets = registry.register(
    'offset',
    new Histogram({ help: 'Negative bounds.', buckets: [-1, 0, 1] }),
  );
  offsets.observe(-0.5);
  registry.register('without_series', new Counter({ labels: { kind: 'string' } }));
  return registry;
}

/**
 * A producer of one gauge `name` with `count` series (label `series`), whose values are read
 * through getters: each read of series `index`'s value calls `valueAt(index)`.
 */
function getterGaugeProducer(
  name: string,
  count: number,
  valueAt: (index: number) => number,
): MetricProducer {
  const series = Array.from({ length: count }, (_, index) => ({
    labelValues: [`series-${index}`],
    updateCount: 1,
    get value(): number {
      return valueAt(index);
    },
  }));
  const family: MetricFamily = {
    type: 'gauge',
    name,
    help: 'Values read through getters.',
    unit: undefined,
    labelNames: ['series'],
    metric: {},
    series,
  };
  return { collect: () => [family] };
}

/**
 * A producer of one gauge with 20 000 series (many 64 KiB slices) whose last series' value
 * getter throws: rendering fails after the first slice, once the headers of a stream are sent.
 */
function producerThrowingAfterTheFirstSlice(logger: RecordingLogger): MetricProducer {
  const count = 20_000;
  const producer = getterGaugeProducer('late_failure', count, (index) => {
    if (index === count - 1) throw new Error('getter boom');
    return index;
  });
  return { ...producer, logger };
}

describe('streamed scrapes', () => {
  it('stream bodies byte-identical to renderMetrics, text, OpenMetrics and protobuf, gzip and not', async () => {
    const registry = largeRegistry();
    const { url } = await serve({ registry });
    const accepts = {
      text: undefined,
      openmetrics: PROMETHEUS_2_ACCEPT,
      protobuf: PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT,
    } as const;
    for (const format of ['text', 'openmetrics', 'protobuf'] as const) {
      const rendered = renderMetrics(registry, { format });
      const expected = typeof rendered === 'string' ? Buffer.from(rendered, 'utf8') : rendered;
      // Many 64 KiB slices (protobuf is denser). In protobuf, where each family is held until
      // its end, families end mid-slice and the next family starts in the same slice.
      expect(expected.length, format).toBeGreaterThan((format === 'protobuf' ? 10 : 20) * 64 * 1024);
      for (const gzip of [false, true]) {
        const headers: Record<string, string> = {};
        const accept = accepts[format];
        if (accept !== undefined) headers.accept = accept;
        if (gzip) headers['accept-encoding'] = 'gzip';
        const response = await send(url, { headers });
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toBe(contentTypeFor(format));
        // Streamed: chunked, without Content-Length.
        expect(response.headers['transfer-encoding']).toBe('chunked');
        expect(response.headers['content-length']).toBeUndefined();
        expect(response.headers['content-encoding']).toBe(gzip ? 'gzip' : undefined);
        const body = gzip ? gunzipSync(response.raw) : response.raw;
        expect(body.equals(expected), `${format}, gzip ${gzip}`).toBe(true);
      }
    }
  }, 60_000);

  it('answers HEAD of a large exposition with the headers of GET, without rendering the body', async () => {
    const registry = largeRegistry();
    const { url } = await serve({ registry });
    const headers = { 'accept-encoding': 'gzip' };
    const head = await send(url, { method: 'HEAD', headers });
    expect(head.status).toBe(200);
    expect(head.raw.length).toBe(0);
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.headers['content-length']).toBeUndefined();
  });

  it('stops rendering when the client goes away mid-scrape', async () => {
    // A producer whose series count their reads: the rendering of each series reads its value once.
    const total = 400_000;
    let reads = 0;
    const producer = getterGaugeProducer('counted_reads', total, (index) => {
      reads++;
      return index;
    });
    const { url, done } = await serve({ registry: producer });
    const stream = await openStream(url);
    expect(stream.status).toBe(200);
    stream.destroy();
    await waitFor('the handler to finish', () => done.length === 1);
    await done[0];
    const readsWhenClosed = reads;
    await eventLoopTurns(50);
    expect(reads).toBe(readsWhenClosed);
    expect(readsWhenClosed).toBeLessThan(total / 4);
  }, 60_000);

  it('renders no slice after the stream is destroyed (counted by the stream itself)', async () => {
    const registry = new MetricRegistry({ defaultMaxCells: 50_000 });
    const counter = registry.register('many_total', new Counter({ labels: { id: 'int' } }));
    for (let id = 0; id < 50_000; id++) counter.inc({ id });
    const respond = createMetricsStreamResponder({ registry });
    const result = await respond({ method: 'GET', headers: {} });
    expect(Buffer.isBuffer(result.body)).toBe(false);
    const body = result.body as import('node:stream').Readable & { slicesRendered: number };
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (chunks.length === 3) body.destroy();
    });
    await waitFor('the stream to close', () => body.destroyed && body.closed);
    const slices = body.slicesRendered;
    await eventLoopTurns(50);
    expect(body.slicesRendered).toBe(slices);
    // The first slice is rendered before the headers, two more were read: no render ahead.
    expect(slices).toBeLessThanOrEqual(4);
  });

  it('holds rendering back while the consumer does not read (backpressure)', async () => {
    const registry = new MetricRegistry({ defaultMaxCells: 50_000 });
    const counter = registry.register('many_total', new Counter({ labels: { id: 'int' } }));
    for (let id = 0; id < 50_000; id++) counter.inc({ id });
    const result = await createMetricsStreamResponder({ registry })({ method: 'GET', headers: {} });
    const body = result.body as import('node:stream').Readable & { slicesRendered: number };
    // read(0) starts the stream (its first _read) without consuming anything; from then on nobody
    // reads, so the stream must not render more than its buffer can take.
    body.read(0);
    await eventLoopTurns(50);
    // The Readable's own buffer (16 KiB high-water mark) holds one 64 KiB slice: it stops there.
    expect(body.slicesRendered).toBeLessThanOrEqual(2);
    body.destroy();
  });

  it('cuts a streamed response short when a getter throws after the first slice, and logs once', async () => {
    for (const gzip of [false, true]) {
      // A logger and a server each: the responder rate-limits its error reports per kind.
      const logger = createRecordingLogger();
      const { url, done } = await serve({ registry: producerThrowingAfterTheFirstSlice(logger) });
      const headers: Record<string, string> = gzip ? { 'accept-encoding': 'gzip' } : {};
      // The 200 and its headers went out with the first slice: the scraper sees a broken body.
      await expect(send(url, { headers })).rejects.toThrow();
      await Promise.all(done.splice(0));
      expect(logger.errors, `gzip ${gzip}`).toHaveLength(1);
      expect(logger.errors[0]).toContain('the response was cut short');
      expect(logger.errors[0]).toContain('getter boom');
    }
  });

  it('answers a buffered scrape whose getter throws after the first slice as a failed render', async () => {
    for (const encoding of ['identity', 'gzip']) {
      const logger = createRecordingLogger();
      const respond = createMetricsResponder({ registry: producerThrowingAfterTheFirstSlice(logger) });
      const response = await respond({ method: 'GET', headers: { 'accept-encoding': encoding } });
      // As a failure in the first slice: nothing was sent yet, so nothing was cut short.
      expect(response.status).toBe(500);
      expect(response.body.toString('utf8')).toBe('Rendering metrics failed; see the server log\n');
      expect(logger.errors, encoding).toEqual(['rendering metrics failed, answered 500: Error: getter boom']);
    }
  });

  it('keeps the event loop ticking during a scrape of 100 000 series', async () => {
    const registry = new MetricRegistry({ defaultMaxCells: 100_000 });
    const counter = registry.register(
      'requests_total',
      new Counter({ help: 'Requests.', labels: { method: 'string', route: 'string', code: 'int' } }),
    );
    for (let index = 0; index < 100_000; index++) {
      counter.inc({
        method: `M${index % 10}`,
        route: `/route/${Math.floor(index / 10) % 1000}`,
        code: 200 + Math.floor(index / 10_000),
      });
    }
    const monitor = monitorEventLoopDelay({ resolution: 1 });
    // The synchronous renderMetrics, as a reference: the whole render is one stall.
    const started = performance.now();
    const reference = renderMetrics(registry);
    const synchronousMs = performance.now() - started;
    const { url } = await serve({ registry });
    let ticks = 0;
    const interval = setInterval(() => ticks++, 1);
    monitor.enable();
    const scrapeStarted = performance.now();
    const response = await send(url, { headers: { 'accept-encoding': 'gzip' } });
    const scrapeMs = performance.now() - scrapeStarted;
    monitor.disable();
    clearInterval(interval);
    expect(gunzipSync(response.raw).toString('utf8')).toBe(reference);
    const longestStallMs = monitor.max / 1e6;
    const summary = `longest stall ${longestStallMs.toFixed(1)} ms, scrape ${scrapeMs.toFixed(0)} ms, ${ticks} ticks, synchronous render ${synchronousMs.toFixed(0)} ms`;
    // Slices are about 64 KiB (a millisecond or less). The bound leaves room for collect(), GC
    // and a loaded machine, and scales with the machine's speed: at most a quarter of the
    // synchronous render of the same registry (measured above), and never above it.
    expect(longestStallMs, summary).toBeLessThan(Math.max(100, synchronousMs / 4));
    // The 1 ms interval kept firing: at least one tick per 20 ms of scrape.
    expect(ticks, summary).toBeGreaterThan(scrapeMs / 20);
  }, 60_000);
});
