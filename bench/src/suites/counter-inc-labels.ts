import { Counter, MetricRegistry } from '@servermetrics/core';
import { type RequestLabels, requestLabelCorpus } from '../fixtures/label-corpus.js';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { isolatedContender, type Sink } from '../harness/isolated-pass.js';
import { OPEN_TELEMETRY, openTelemetrySetup } from '../peers/open-telemetry.js';
import { freshRegistry, PROMETHEUS_CLIENT_PEERS } from '../peers/prometheus-clients.js';
import { costRow, OURS, timingFigures } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

interface State<M> {
  readonly metric: M;
  readonly corpus: readonly RequestLabels[];
  readonly sink: Sink;
}

/** One pass: `metric.inc(labels)` for every label set of the corpus (ours and prom-client's API). */
const incEach = (state: State<{ inc(labels: RequestLabels): unknown }>): void => {
  const { metric, corpus } = state;
  for (let index = 0; index < corpus.length; index++) metric.inc(corpus[index]!);
  state.sink(metric);
};

/** Our three-label request counter schema. */
export const REQUEST_LABEL_SCHEMA = { method: 'string', route: 'string', status: 'int' } as const;

/** The three label names, in the order peers declare them. */
export const REQUEST_LABEL_NAMES: readonly ['method', 'route', 'status'] = ['method', 'route', 'status'];

/**
 * Counter `inc(labels)` with 3 labels over 8 x 8 x 3 = 192 existing series, the labels passed
 * as an object. One pass increments every series once, in a fixed order.
 */
export const counterIncLabelsSuite: Suite = {
  id: 'counter-inc-labels',
  rowIds: ['counter-inc-labels'],
  async run(context: SuiteContext): Promise<Row[]> {
    const corpus = requestLabelCorpus();
    const ours = new MetricRegistry().register(
      'bench_requests_total',
      new Counter({ help: 'Requests.', labels: REQUEST_LABEL_SCHEMA }),
    );
    const contenders: Contender[] = [
      isolatedContender(OURS, corpus.length, incEach, { metric: ours, corpus }),
    ];
    for (const peer of PROMETHEUS_CLIENT_PEERS) {
      const counter = new peer.module.Counter({
        name: 'bench_requests_total',
        help: 'Requests.',
        labelNames: REQUEST_LABEL_NAMES,
        registers: [freshRegistry(peer)],
      });
      contenders.push(isolatedContender(peer.library, corpus.length, incEach, { metric: counter, corpus }));
    }
    const openTelemetry = openTelemetrySetup();
    const otelCounter = openTelemetry.meter.createCounter('bench_requests');
    contenders.push(
      isolatedContender(
        OPEN_TELEMETRY,
        corpus.length,
        (state: State<typeof otelCounter>) => {
          const { metric, corpus } = state;
          for (let index = 0; index < corpus.length; index++) metric.add(1, corpus[index]!);
          state.sink(metric);
        },
        { metric: otelCounter, corpus },
      ),
    );
    context.log('counter inc(labels), 3 labels, 192 series');
    const timings = await compareTimings(contenders, context.mode);
    await openTelemetry.shutdown();
    return [
      costRow(
        {
          id: 'counter-inc-labels',
          title: 'counter inc(labels), 3 labels, 192 series',
          unit: 'ns/op',
          target: { kind: 'at-most', value: 0.5 },
        },
        timingFigures(timings),
      ),
    ];
  },
};
