import { Gauge, MetricRegistry } from '@servermetrics/core';
import { type RequestLabels, requestLabelCorpus } from '../fixtures/label-corpus.js';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { isolatedContender, type Sink } from '../harness/isolated-pass.js';
import { OPEN_TELEMETRY, openTelemetrySetup } from '../peers/open-telemetry.js';
import { freshRegistry, PROMETHEUS_CLIENT_PEERS } from '../peers/prometheus-clients.js';
import { REQUEST_LABEL_NAMES, REQUEST_LABEL_SCHEMA } from './counter-inc-labels.js';
import { costRow, OURS, timingFigures } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

interface State<M> {
  readonly metric: M;
  readonly corpus: readonly RequestLabels[];
  readonly sink: Sink;
}

/** One pass: `metric.set(labels, index)` for every label set of the corpus (ours and prom-client's API). */
const setEach = (state: State<{ set(labels: RequestLabels, value: number): unknown }>): void => {
  const { metric, corpus } = state;
  for (let index = 0; index < corpus.length; index++) metric.set(corpus[index]!, index);
  state.sink(metric);
};

/**
 * Gauge `set(labels, value)` over the 192 series of the three-label corpus; each call sets a
 * different value (the series index). OpenTelemetry uses its synchronous Gauge `record`.
 */
export const gaugeSetSuite: Suite = {
  id: 'gauge-set',
  rowIds: ['gauge-set'],
  async run(context: SuiteContext): Promise<Row[]> {
    const corpus = requestLabelCorpus();
    const ours = new MetricRegistry().register(
      'bench_queue_depth',
      new Gauge({ help: 'Queue depth.', labels: REQUEST_LABEL_SCHEMA }),
    );
    const contenders: Contender[] = [
      isolatedContender(OURS, corpus.length, setEach, { metric: ours, corpus }),
    ];
    for (const peer of PROMETHEUS_CLIENT_PEERS) {
      const gauge = new peer.module.Gauge({
        name: 'bench_queue_depth',
        help: 'Queue depth.',
        labelNames: REQUEST_LABEL_NAMES,
        registers: [freshRegistry(peer)],
      });
      contenders.push(isolatedContender(peer.library, corpus.length, setEach, { metric: gauge, corpus }));
    }
    const openTelemetry = openTelemetrySetup();
    const otelGauge = openTelemetry.meter.createGauge('bench_queue_depth');
    contenders.push(
      isolatedContender(
        OPEN_TELEMETRY,
        corpus.length,
        (state: State<typeof otelGauge>) => {
          const { metric, corpus } = state;
          for (let index = 0; index < corpus.length; index++) metric.record(index, corpus[index]!);
          state.sink(metric);
        },
        { metric: otelGauge, corpus },
      ),
    );
    context.log('gauge set(labels, value), 3 labels, 192 series');
    const timings = await compareTimings(contenders, context.mode);
    await openTelemetry.shutdown();
    return [
      costRow(
        {
          id: 'gauge-set',
          title: 'gauge set(labels, v), 3 labels, 192 series',
          unit: 'ns/op',
          target: { kind: 'at-most', value: 0.5 },
        },
        timingFigures(timings),
      ),
    ];
  },
};
