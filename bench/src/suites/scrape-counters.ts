import { Counter, MetricRegistry } from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import { largeLabelCorpus } from '../fixtures/label-corpus.js';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { consumeExposition } from '../harness/consume-exposition.js';
import { OPEN_TELEMETRY, openTelemetrySetup } from '../peers/open-telemetry.js';
import { freshRegistry, PROMETHEUS_CLIENT_PEERS } from '../peers/prometheus-clients.js';
import { REQUEST_LABEL_NAMES, REQUEST_LABEL_SCHEMA } from './counter-inc-labels.js';
import { costRow, millisecondFigures, OURS, timingFigures } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

const SERIES = 10_000;

/**
 * Scrape: render one counter with 10 000 three-label series to Prometheus text. Before every
 * timed scrape each library's series are all incremented (untimed), so no output can be reused
 * from the previous scrape. Ours: `renderMetrics(registry)`; prom-client and its successor:
 * `await registry.metrics()`; OpenTelemetry: reader `collect()` plus its PrometheusSerializer
 * (cardinality limit raised so all 10 000 series are kept).
 */
export const scrapeCountersSuite: Suite = {
  id: 'scrape-counters',
  rowIds: ['scrape-counters'],
  async run(context: SuiteContext): Promise<Row[]> {
    const corpus = largeLabelCorpus(SERIES);
    const registry = new MetricRegistry({ defaultMaxCells: SERIES });
    const ours = registry.register(
      'bench_requests_total',
      new Counter({ help: 'Requests.', labels: REQUEST_LABEL_SCHEMA }),
    );
    const contenders: Contender[] = [
      {
        library: OURS,
        operationsPerPass: 1,
        prepare: (): void => {
          for (const labels of corpus) ours.inc(labels);
        },
        pass: (): void => consumeExposition(renderMetrics(registry)),
      },
    ];
    for (const peer of PROMETHEUS_CLIENT_PEERS) {
      const peerRegistry = freshRegistry(peer);
      const counter = new peer.module.Counter({
        name: 'bench_requests_total',
        help: 'Requests.',
        labelNames: REQUEST_LABEL_NAMES,
        registers: [peerRegistry],
      });
      contenders.push({
        library: peer.library,
        operationsPerPass: 1,
        prepare: (): void => {
          for (const labels of corpus) counter.inc(labels);
        },
        pass: async (): Promise<void> => consumeExposition(await peerRegistry.metrics()),
      });
    }
    const openTelemetry = openTelemetrySetup();
    const otelCounter = openTelemetry.meter.createCounter('bench_requests');
    contenders.push({
      library: OPEN_TELEMETRY,
      operationsPerPass: 1,
      prepare: (): void => {
        for (const labels of corpus) otelCounter.add(1, labels);
      },
      pass: async (): Promise<void> => consumeExposition(await openTelemetry.scrape()),
    });
    context.log('scrape: 10 000 counter series to Prometheus text');
    const timings = await compareTimings(contenders, context.mode);
    await openTelemetry.shutdown();
    return [
      costRow(
        {
          id: 'scrape-counters',
          title: 'scrape: 10 000 counter series to Prometheus text',
          unit: 'ms/scrape',
          target: { kind: 'at-most', value: 0.5 },
        },
        millisecondFigures(timingFigures(timings)),
      ),
    ];
  },
};
