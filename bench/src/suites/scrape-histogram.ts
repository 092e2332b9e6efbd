import { Histogram, MetricRegistry } from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import { observationValues, requestLabelCorpus, SHARED_BUCKETS } from '../fixtures/label-corpus.js';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { consumeExposition } from '../harness/consume-exposition.js';
import { OPEN_TELEMETRY, openTelemetrySetup } from '../peers/open-telemetry.js';
import { freshRegistry, PROMETHEUS_CLIENT_PEERS } from '../peers/prometheus-clients.js';
import { REQUEST_LABEL_NAMES, REQUEST_LABEL_SCHEMA } from './counter-inc-labels.js';
import { costRow, millisecondFigures, OURS, timingFigures } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

/**
 * Scrape: render a histogram with 192 three-label series (11 bucket bounds, so 192 x 14 = 2 688
 * sample lines) to Prometheus text and to OpenMetrics. Before each timed scrape every series
 * gets one more observation (untimed). OpenTelemetry has no OpenMetrics output, so it is only
 * in the text row.
 */
export const scrapeHistogramSuite: Suite = {
  id: 'scrape-histogram',
  rowIds: ['scrape-histogram-text', 'scrape-histogram-openmetrics'],
  async run(context: SuiteContext): Promise<Row[]> {
    const corpus = requestLabelCorpus();
    const values = observationValues(corpus.length);
    const registry = new MetricRegistry();
    const ours = registry.register(
      'bench_request_duration_seconds',
      new Histogram({ help: 'Latency.', labels: REQUEST_LABEL_SCHEMA, buckets: SHARED_BUCKETS }),
    );
    const observeOurs = (): void => {
      for (let index = 0; index < corpus.length; index++) ours.observe(corpus[index]!, values[index]!);
    };
    const text: Contender[] = [
      {
        library: OURS,
        operationsPerPass: 1,
        prepare: observeOurs,
        pass: (): void => consumeExposition(renderMetrics(registry)),
      },
    ];
    const openMetrics: Contender[] = [
      {
        library: OURS,
        operationsPerPass: 1,
        prepare: observeOurs,
        pass: (): void => consumeExposition(renderMetrics(registry, { format: 'openmetrics' })),
      },
    ];
    for (const peer of PROMETHEUS_CLIENT_PEERS) {
      for (const format of ['text', 'openmetrics'] as const) {
        const peerRegistry = freshRegistry(peer, format);
        const histogram = new peer.module.Histogram({
          name: 'bench_request_duration_seconds',
          help: 'Latency.',
          labelNames: REQUEST_LABEL_NAMES,
          buckets: [...SHARED_BUCKETS],
          registers: [peerRegistry],
        });
        (format === 'text' ? text : openMetrics).push({
          library: peer.library,
          operationsPerPass: 1,
          prepare: (): void => {
            for (let index = 0; index < corpus.length; index++)
              histogram.observe(corpus[index]!, values[index]!);
          },
          pass: async (): Promise<void> => consumeExposition(await peerRegistry.metrics()),
        });
      }
    }
    const openTelemetry = openTelemetrySetup();
    const otelHistogram = openTelemetry.meter.createHistogram('bench_request_duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [...SHARED_BUCKETS] },
    });
    text.push({
      library: OPEN_TELEMETRY,
      operationsPerPass: 1,
      prepare: (): void => {
        for (let index = 0; index < corpus.length; index++)
          otelHistogram.record(values[index]!, corpus[index]!);
      },
      pass: async (): Promise<void> => consumeExposition(await openTelemetry.scrape()),
    });
    context.log('scrape: 192-series histogram to Prometheus text');
    const textTimings = await compareTimings(text, context.mode);
    context.log('scrape: 192-series histogram to OpenMetrics');
    const openMetricsTimings = await compareTimings(openMetrics, context.mode);
    await openTelemetry.shutdown();
    return [
      costRow(
        {
          id: 'scrape-histogram-text',
          title: 'scrape: 192-series histogram to Prometheus text',
          unit: 'ms/scrape',
          target: { kind: 'at-most', value: 0.5 },
        },
        millisecondFigures(timingFigures(textTimings)),
      ),
      costRow(
        {
          id: 'scrape-histogram-openmetrics',
          title: 'scrape: 192-series histogram to OpenMetrics',
          unit: 'ms/scrape',
          target: { kind: 'at-most', value: 0.5 },
          notes: ['OpenTelemetry JS has no OpenMetrics output'],
        },
        millisecondFigures(timingFigures(openMetricsTimings)),
      ),
    ];
  },
};
