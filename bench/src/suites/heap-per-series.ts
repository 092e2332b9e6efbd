import { Counter, Histogram, MetricRegistry } from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import { largeLabelCorpus, SHARED_BUCKETS } from '../fixtures/label-corpus.js';
import { compareHeap, type HeapContender } from '../harness/heap.js';
import { freshRegistry, PROM_CLIENT_PEER, PROMETHEUS_CLIENT_PEERS } from '../peers/prometheus-clients.js';
import { REQUEST_LABEL_NAMES, REQUEST_LABEL_SCHEMA } from './counter-inc-labels.js';
import { costRow, heapFigures, OURS } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

/**
 * Retained heap per series, measured over `mode.heapSeries` (10 000) three-label series:
 * a counter incremented once per series, and a histogram (11 buckets) observed once per series.
 * The label objects exist before the first measurement, so only each library's own structures
 * (series keys, cells, indexes) are counted. Target: at most half of prom-client.
 */
export const heapPerSeriesSuite: Suite = {
  id: 'heap-per-series',
  rowIds: ['heap-counter', 'heap-counter-scraped', 'heap-histogram'],
  async run(context: SuiteContext): Promise<Row[]> {
    const corpus = largeLabelCorpus(context.mode.heapSeries);
    const counterContenders: HeapContender[] = [
      {
        library: OURS,
        build: (series) => {
          const registry = new MetricRegistry();
          const counter = registry.register(
            'bench_requests_total',
            new Counter({ help: 'Requests.', labels: REQUEST_LABEL_SCHEMA, maxCells: series }),
          );
          for (let index = 0; index < series; index++) counter.inc(corpus[index]!);
          return registry;
        },
      },
    ];
    const histogramContenders: HeapContender[] = [
      {
        library: OURS,
        build: (series) => {
          const registry = new MetricRegistry();
          const histogram = registry.register(
            'bench_request_duration_seconds',
            new Histogram({
              help: 'Latency.',
              labels: REQUEST_LABEL_SCHEMA,
              buckets: SHARED_BUCKETS,
              maxCells: series,
            }),
          );
          for (let index = 0; index < series; index++) histogram.observe(corpus[index]!, 0.2);
          return registry;
        },
      },
    ];
    for (const peer of PROMETHEUS_CLIENT_PEERS) {
      counterContenders.push({
        library: peer.library,
        build: (series) => {
          const registry = freshRegistry(peer);
          const counter = new peer.module.Counter({
            name: 'bench_requests_total',
            help: 'Requests.',
            labelNames: REQUEST_LABEL_NAMES,
            registers: [registry],
          });
          for (let index = 0; index < series; index++) counter.inc(corpus[index]!);
          return registry;
        },
      });
      histogramContenders.push({
        library: peer.library,
        build: (series) => {
          const registry = freshRegistry(peer);
          const histogram = new peer.module.Histogram({
            name: 'bench_request_duration_seconds',
            help: 'Latency.',
            labelNames: REQUEST_LABEL_NAMES,
            buckets: [...SHARED_BUCKETS],
            registers: [registry],
          });
          for (let index = 0; index < series; index++) histogram.observe(corpus[index]!, 0.2);
          return registry;
        },
      });
    }
    const series = context.mode.heapSeries.toLocaleString('en-US');
    context.log(`heap per counter series (${series} series)`);
    const counterFigures = heapFigures(await compareHeap(counterContenders, context.mode));
    context.log(`heap per counter series after two scrapes (${series} series)`);
    const scrapeTwice = async (registry: unknown): Promise<void> => {
      for (let scrape = 0; scrape < 2; scrape++) {
        if (registry instanceof MetricRegistry) renderMetrics(registry);
        else await (registry as { metrics(): Promise<string> }).metrics();
      }
    };
    const scrapedFigures = heapFigures(
      await compareHeap(
        counterContenders.map((contender) => ({ ...contender, after: scrapeTwice })),
        context.mode,
      ),
    );
    context.log(`heap per histogram series (${series} series)`);
    const histogramFigures = heapFigures(await compareHeap(histogramContenders, context.mode));
    return [
      costRow(
        {
          id: 'heap-counter',
          title: `heap per counter series (${series} series, 3 labels)`,
          unit: 'bytes/series',
          target: { kind: 'at-most', value: 0.5 },
          baseline: PROM_CLIENT_PEER.library,
        },
        counterFigures,
      ),
      costRow(
        {
          id: 'heap-counter-scraped',
          title: `heap per counter series after two scrapes (${series} series, 3 labels)`,
          unit: 'bytes/series',
          target: { kind: 'at-most', value: 0.5 },
          baseline: PROM_CLIENT_PEER.library,
        },
        scrapedFigures,
      ),
      costRow(
        {
          id: 'heap-histogram',
          title: `heap per histogram series (${series} series, 11 buckets)`,
          unit: 'bytes/series',
          target: { kind: 'at-most', value: 0.5 },
          baseline: PROM_CLIENT_PEER.library,
        },
        histogramFigures,
      ),
    ];
  },
};
