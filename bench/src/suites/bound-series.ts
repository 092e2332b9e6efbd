import { Counter, MetricRegistry } from '@servermetrics/core';
import { type RequestLabels, requestLabelCorpus } from '../fixtures/label-corpus.js';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { isolatedContender, type Sink } from '../harness/isolated-pass.js';
import { freshRegistry, PROMETHEUS_CLIENT_PEERS } from '../peers/prometheus-clients.js';
import { REQUEST_LABEL_NAMES, REQUEST_LABEL_SCHEMA } from './counter-inc-labels.js';
import { costRow, OURS, timingFigures } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

interface HandleState<H> {
  readonly handles: readonly H[];
  readonly sink: Sink;
}

interface BindState<M> {
  readonly metric: M;
  readonly corpus: readonly RequestLabels[];
  readonly sink: Sink;
}

/** One pass: `inc()` on every pre-bound handle (ours and prom-client's child). */
const incEachHandle = (state: HandleState<{ inc(): unknown }>): void => {
  const { handles } = state;
  for (let index = 0; index < handles.length; index++) handles[index]!.inc();
  state.sink(handles);
};

/**
 * Bound series over the 192 series of the three-label counter:
 * - `bound-inc`: handles made once (`counter.with(labels)`, peers' `counter.labels(labels)`),
 *   then one pass increments every handle once. This is the row with the issue's target.
 * - `bind-and-inc`: `counter.with(labels).inc()` per call against `counter.labels(labels).inc()`
 *   (looking the series up every time); reported only.
 * OpenTelemetry JS has no bound instruments, so it is not in these rows.
 */
export const boundSeriesSuite: Suite = {
  id: 'bound-series',
  rowIds: ['bound-inc', 'bind-and-inc'],
  async run(context: SuiteContext): Promise<Row[]> {
    const corpus = requestLabelCorpus();
    const ours = new MetricRegistry().register(
      'bench_requests_total',
      new Counter({ help: 'Requests.', labels: REQUEST_LABEL_SCHEMA }),
    );
    const ourHandles = corpus.map((labels) => ours.with(labels));
    const bound: Contender[] = [
      isolatedContender(OURS, corpus.length, incEachHandle, { handles: ourHandles }),
    ];
    const bindAndInc: Contender[] = [
      isolatedContender(
        OURS,
        corpus.length,
        (state: BindState<typeof ours>) => {
          const { metric, corpus } = state;
          for (let index = 0; index < corpus.length; index++) metric.with(corpus[index]!).inc();
          state.sink(metric);
        },
        { metric: ours, corpus },
      ),
    ];
    for (const peer of PROMETHEUS_CLIENT_PEERS) {
      const counter = new peer.module.Counter({
        name: 'bench_requests_total',
        help: 'Requests.',
        labelNames: REQUEST_LABEL_NAMES,
        registers: [freshRegistry(peer)],
      });
      const children = corpus.map((labels) => counter.labels(labels));
      bound.push(isolatedContender(peer.library, corpus.length, incEachHandle, { handles: children }));
      bindAndInc.push(
        isolatedContender(
          peer.library,
          corpus.length,
          (state: BindState<typeof counter>) => {
            const { metric, corpus } = state;
            for (let index = 0; index < corpus.length; index++) metric.labels(corpus[index]!).inc();
            state.sink(metric);
          },
          { metric: counter, corpus },
        ),
      );
    }
    context.log('bound series: pre-bound handle inc()');
    const boundTimings = await compareTimings(bound, context.mode);
    context.log('bound series: with(labels).inc() per call');
    const bindTimings = await compareTimings(bindAndInc, context.mode);
    return [
      costRow(
        {
          id: 'bound-inc',
          title: 'bound series inc(), handle made once, 192 series',
          unit: 'ns/op',
          target: { kind: 'at-most', value: 0.1 },
          notes: ['peers: prom-client-style labels(...) child; OpenTelemetry JS has no bound instruments'],
        },
        timingFigures(boundTimings),
      ),
      costRow(
        {
          id: 'bind-and-inc',
          title: 'with(labels).inc() per call vs labels(labels).inc()',
          unit: 'ns/op',
          target: { kind: 'report' },
        },
        timingFigures(bindTimings),
      ),
    ];
  },
};
