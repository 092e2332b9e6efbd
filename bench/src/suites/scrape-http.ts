import { createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { Counter, Histogram, MetricRegistry } from '@servermetrics/core';
import {
  createMetricsResponder,
  metricsHandler,
  TEXT_CONTENT_TYPE,
} from '@servermetrics/exporter-prometheus';
import { largeLabelCorpus, SHARED_BUCKETS } from '../fixtures/label-corpus.js';
import { median, rotate } from '../harness/statistics.js';
import { freshRegistry, PROM_CLIENT_PEER, PROMETHEUS_CLIENT_PEERS } from '../peers/prometheus-clients.js';
import { REQUEST_LABEL_NAMES, REQUEST_LABEL_SCHEMA } from './counter-inc-labels.js';
import { costRow, OURS } from './rows.js';
import type { Figure, Row, Suite, SuiteContext } from './suite.js';

const gzip = promisify(gzipCallback);
const BUFFERED = 'servermetrics, buffered (before streaming)';

interface HttpContender {
  readonly library: string;
  readonly listener: RequestListener;
}

interface ScrapeMeasure {
  /** Wall time of the scrape, request sent to last byte received, in ms. */
  readonly totalMs: number;
  /** Longest event-loop delay while it ran (monitorEventLoopDelay, 1 ms resolution), in ms. */
  readonly stallMs: number;
}

/** The way a prom-client user serves /metrics: render, gzip (on the thread pool), end. */
function peerListener(registry: { metrics(): Promise<string> }): RequestListener {
  return (_request, response) => {
    void (async () => {
      const body = await gzip(Buffer.from(await registry.metrics(), 'utf8'));
      response.writeHead(200, { 'content-type': TEXT_CONTENT_TYPE, 'content-encoding': 'gzip' });
      response.end(body);
    })();
  };
}

/** Our responder before streaming: the whole body rendered in one go, then gzipped. */
function bufferedListener(registry: MetricRegistry): RequestListener {
  const respond = createMetricsResponder({ registry });
  return (request, response) => {
    void respond(request).then((result) => {
      response.writeHead(result.status, result.headers);
      response.end(result.body);
    });
  };
}

async function listen(listener: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics` };
}

/** One gzip scrape over loopback, the body read and dropped, with the event loop watched. */
async function scrapeOnce(url: string): Promise<ScrapeMeasure> {
  const monitor = monitorEventLoopDelay({ resolution: 1 });
  monitor.enable();
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { headers: { 'accept-encoding': 'gzip' }, agent: false },
      (incoming) => {
        incoming.on('data', () => {});
        incoming.on('end', resolve);
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
  const totalMs = performance.now() - started;
  monitor.disable();
  return { totalMs, stallMs: monitor.max / 1e6 };
}

/** Alternating rounds of one scrape per contender (after one warm-up scrape each). */
async function compareScrapes(
  contenders: readonly HttpContender[],
  rounds: number,
  prepare: () => void,
): Promise<Map<string, ScrapeMeasure[]>> {
  const servers = await Promise.all(
    contenders.map(async (contender) => ({ contender, ...(await listen(contender.listener)) })),
  );
  const measures = new Map<string, ScrapeMeasure[]>(contenders.map((contender) => [contender.library, []]));
  try {
    for (const { url } of servers) await scrapeOnce(url);
    for (let round = 0; round < rounds; round++) {
      for (const { contender, url } of rotate(servers, round)) {
        prepare();
        globalThis.gc?.();
        measures.get(contender.library)!.push(await scrapeOnce(url));
      }
    }
  } finally {
    for (const { server } of servers) server.close();
  }
  return measures;
}

function figures(measures: Map<string, ScrapeMeasure[]>, pick: (measure: ScrapeMeasure) => number): Figure[] {
  return [...measures].map(([library, list]) => {
    const rounds = list.map(pick);
    return { library, value: median(rounds), rounds };
  });
}

/**
 * HTTP scrapes over loopback with gzip, in this process (so the event loop watched is the one
 * serving): the longest event-loop stall during one scrape of a large histogram, and the time of
 * one scrape of 10 000 counter series. Ours: `metricsHandler` (streamed); peers: `registry.metrics()`
 * then `zlib.gzip` (thread pool); "buffered": our responder before streaming, for the total-time goal.
 */
export const scrapeHttpSuite: Suite = {
  id: 'scrape-http',
  rowIds: ['scrape-http-stall', 'scrape-http-total', 'scrape-http-counters-gzip'],
  async run(context: SuiteContext): Promise<Row[]> {
    const quick = context.mode.quick;
    const histogramSeries = quick ? 2000 : 100_000;
    const rounds = quick ? 1 : 3;
    const corpus = largeLabelCorpus(histogramSeries);
    const registry = new MetricRegistry({ defaultMaxCells: histogramSeries });
    const ours = registry.register(
      'bench_request_duration_seconds',
      new Histogram({ help: 'Latency.', labels: REQUEST_LABEL_SCHEMA, buckets: SHARED_BUCKETS }),
    );
    const peer = PROM_CLIENT_PEER;
    const peerRegistry = freshRegistry(peer);
    const peerHistogram = new peer.module.Histogram({
      name: 'bench_request_duration_seconds',
      help: 'Latency.',
      labelNames: REQUEST_LABEL_NAMES,
      buckets: [...SHARED_BUCKETS],
      registers: [peerRegistry],
    });
    let tick = 0;
    const observeAll = (): void => {
      tick++;
      for (let index = 0; index < corpus.length; index++) {
        const value = ((index + tick) % 997) / 100;
        ours.observe(corpus[index]!, value);
        peerHistogram.observe(corpus[index]!, value);
      }
    };
    observeAll();
    const series = histogramSeries.toLocaleString('en-US');
    context.log(`HTTP scrape + gzip of ${series} histogram series: event-loop stall`);
    const stall = await compareScrapes(
      [
        { library: OURS, listener: metricsHandler({ registry }) as unknown as RequestListener },
        { library: BUFFERED, listener: bufferedListener(registry) },
        { library: peer.library, listener: peerListener(peerRegistry) },
      ],
      rounds,
      observeAll,
    );
    const stallFigures = figures(stall, (measure) => measure.stallMs);
    const totalFigures = figures(stall, (measure) => measure.totalMs);
    const peerStall = stallFigures.find((figure) => figure.library === peer.library)!;

    const counterSeries = quick ? 1000 : 10_000;
    const counterCorpus = largeLabelCorpus(counterSeries);
    const counterRegistry = new MetricRegistry({ defaultMaxCells: counterSeries });
    const counter = counterRegistry.register(
      'bench_requests_total',
      new Counter({ help: 'Requests.', labels: REQUEST_LABEL_SCHEMA }),
    );
    const contenders: HttpContender[] = [
      {
        library: OURS,
        listener: metricsHandler({ registry: counterRegistry }) as unknown as RequestListener,
      },
    ];
    const peerCounters: { inc(labels: object): void }[] = [];
    for (const peerClient of PROMETHEUS_CLIENT_PEERS) {
      const peerCounterRegistry = freshRegistry(peerClient);
      peerCounters.push(
        new peerClient.module.Counter({
          name: 'bench_requests_total',
          help: 'Requests.',
          labelNames: REQUEST_LABEL_NAMES,
          registers: [peerCounterRegistry],
        }),
      );
      contenders.push({ library: peerClient.library, listener: peerListener(peerCounterRegistry) });
    }
    const incAll = (): void => {
      for (const labels of counterCorpus) {
        counter.inc(labels);
        for (const peerCounter of peerCounters) peerCounter.inc(labels);
      }
    };
    incAll();
    context.log(`HTTP scrape + gzip of ${counterSeries.toLocaleString('en-US')} counter series`);
    const counterScrapes = await compareScrapes(contenders, quick ? 1 : 9, incAll);
    return [
      costRow(
        {
          id: 'scrape-http-stall',
          title: `longest event-loop stall, HTTP scrape + gzip, ${series} histogram series`,
          unit: 'ms',
          target: { kind: 'at-most', value: 20 / Math.max(peerStall.value, 1e-9) },
          baseline: peer.library,
          notes: [
            `goal: at most 20 ms (monitorEventLoopDelay, 1 ms resolution); ours ${stallFigures.find((figure) => figure.library === OURS)!.value.toFixed(1)} ms`,
            `our buffered responder (before streaming): ${stallFigures.find((figure) => figure.library === BUFFERED)!.value.toFixed(0)} ms`,
          ],
        },
        stallFigures.filter((figure) => figure.library !== BUFFERED),
      ),
      costRow(
        {
          id: 'scrape-http-total',
          title: `total time, HTTP scrape + gzip, ${series} histogram series, streamed vs before`,
          unit: 'ms/scrape',
          target: { kind: 'at-most', value: 1.2 },
          baseline: BUFFERED,
        },
        totalFigures.filter((figure) => figure.library !== peer.library),
      ),
      costRow(
        {
          id: 'scrape-http-counters-gzip',
          title: `HTTP scrape + gzip, ${counterSeries.toLocaleString('en-US')} counter series`,
          unit: 'ms/scrape',
          target: { kind: 'at-most', value: 0.5 },
        },
        figures(counterScrapes, (measure) => measure.totalMs),
      ),
    ];
  },
};
