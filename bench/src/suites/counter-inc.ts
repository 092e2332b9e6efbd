import { Counter, MetricRegistry } from '@servermetrics/core';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { isolatedContender, type Sink } from '../harness/isolated-pass.js';
import { OPEN_TELEMETRY, openTelemetrySetup } from '../peers/open-telemetry.js';
import { freshRegistry, PROMETHEUS_CLIENT_PEERS } from '../peers/prometheus-clients.js';
import { costRow, OURS, timingFigures } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

const CALLS = 1000;

interface State<M> {
  readonly metric: M;
  readonly calls: number;
  readonly sink: Sink;
}

/** Counter `inc()` without labels: the cheapest operation of every library. */
export const counterIncSuite: Suite = {
  id: 'counter-inc',
  rowIds: ['counter-inc'],
  async run(context: SuiteContext): Promise<Row[]> {
    const registry = new MetricRegistry();
    const ours = registry.register('bench_requests_total', new Counter({ help: 'Requests.' }));
    const contenders: Contender[] = [
      isolatedContender(
        OURS,
        CALLS,
        (state: State<typeof ours>) => {
          const { metric, calls } = state;
          for (let call = 0; call < calls; call++) metric.inc();
          state.sink(metric.value());
        },
        { metric: ours, calls: CALLS },
      ),
    ];
    for (const peer of PROMETHEUS_CLIENT_PEERS) {
      const counter = new peer.module.Counter({
        name: 'bench_requests_total',
        help: 'Requests.',
        registers: [freshRegistry(peer)],
      });
      contenders.push(
        isolatedContender(
          peer.library,
          CALLS,
          (state: State<typeof counter>) => {
            const { metric, calls } = state;
            for (let call = 0; call < calls; call++) metric.inc();
            state.sink(metric);
          },
          { metric: counter, calls: CALLS },
        ),
      );
    }
    const openTelemetry = openTelemetrySetup();
    const otelCounter = openTelemetry.meter.createCounter('bench_requests');
    contenders.push(
      isolatedContender(
        OPEN_TELEMETRY,
        CALLS,
        (state: State<typeof otelCounter>) => {
          const { metric, calls } = state;
          for (let call = 0; call < calls; call++) metric.add(1);
          state.sink(metric);
        },
        { metric: otelCounter, calls: CALLS },
      ),
    );
    context.log('counter inc() without labels');
    const timings = await compareTimings(contenders, context.mode);
    await openTelemetry.shutdown();
    return [
      costRow(
        {
          id: 'counter-inc',
          title: 'counter inc(), no labels',
          unit: 'ns/op',
          target: { kind: 'at-most', value: 1 },
        },
        timingFigures(timings),
      ),
    ];
  },
};
