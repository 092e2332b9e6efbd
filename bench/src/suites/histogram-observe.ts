import { Histogram, MetricRegistry } from '@servermetrics/core';
import {
  observationValues,
  type RouteLabels,
  routeLabelCorpus,
  SHARED_BUCKETS,
} from '../fixtures/label-corpus.js';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { isolatedContender, type Sink } from '../harness/isolated-pass.js';
import { OPEN_TELEMETRY, openTelemetrySetup } from '../peers/open-telemetry.js';
import { freshRegistry, PROMETHEUS_CLIENT_PEERS } from '../peers/prometheus-clients.js';
import { costRow, OURS, timingFigures } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

/** Observations per timed pass of the `observe(labels, value)` rows (this suite's and native-observe). */
export const OBSERVATIONS = 1024;

/** What an observe pass reads: the metric, the label sets it cycles through, the values, the sink. */
export interface ObserveState<M> {
  readonly metric: M;
  readonly corpus: readonly RouteLabels[];
  readonly values: Float64Array;
  readonly sink: Sink;
}

/** One pass: `metric.observe(labels, value)` cycling through the series (ours and prom-client's API). */
export const observeEach = (
  state: ObserveState<{ observe(labels: RouteLabels, value: number): unknown }>,
): void => {
  const { metric, corpus, values } = state;
  const mask = corpus.length - 1;
  for (let index = 0; index < values.length; index++) metric.observe(corpus[index & mask]!, values[index]!);
  state.sink(metric);
};

/**
 * One observeEach contender per Prometheus client peer (prom-client and its successor), each on
 * its own registry: a histogram `bench_request_duration_seconds` with labels `method` and
 * `route` and the SHARED_BUCKETS bounds, cycling through `corpus` with `values`.
 */
export function prometheusClientHistogramContenders(
  corpus: readonly RouteLabels[],
  values: Float64Array,
): Contender[] {
  const contenders: Contender[] = [];
  for (const peer of PROMETHEUS_CLIENT_PEERS) {
    const histogram = new peer.module.Histogram({
      name: 'bench_request_duration_seconds',
      help: 'Latency.',
      labelNames: ['method', 'route'],
      buckets: [...SHARED_BUCKETS],
      registers: [freshRegistry(peer)],
    });
    contenders.push(
      isolatedContender(peer.library, OBSERVATIONS, observeEach, { metric: histogram, corpus, values }),
    );
  }
  return contenders;
}

/** Our two-label histogram schema. */
export const ROUTE_LABEL_SCHEMA = { method: 'string', route: 'string' } as const;

/**
 * Histogram `observe(labels, value)` with 2 labels over 8 x 8 = 64 series, prom-client's default
 * buckets (0.005 to 10, given explicitly to every library so all scan the same 11 bounds).
 * One pass makes 1024 observations cycling through the series, with log-uniform values.
 */
export const histogramObserveSuite: Suite = {
  id: 'histogram-observe',
  rowIds: ['histogram-observe'],
  async run(context: SuiteContext): Promise<Row[]> {
    const corpus = routeLabelCorpus();
    const values = observationValues(OBSERVATIONS);
    const ours = new MetricRegistry().register(
      'bench_request_duration_seconds',
      new Histogram({ help: 'Latency.', labels: ROUTE_LABEL_SCHEMA, buckets: SHARED_BUCKETS }),
    );
    const contenders: Contender[] = [
      isolatedContender(OURS, OBSERVATIONS, observeEach, { metric: ours, corpus, values }),
      ...prometheusClientHistogramContenders(corpus, values),
    ];
    const openTelemetry = openTelemetrySetup();
    const otelHistogram = openTelemetry.meter.createHistogram('bench_request_duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [...SHARED_BUCKETS] },
    });
    contenders.push(
      isolatedContender(
        OPEN_TELEMETRY,
        OBSERVATIONS,
        (state: ObserveState<typeof otelHistogram>) => {
          const { metric, corpus, values } = state;
          const mask = corpus.length - 1;
          for (let index = 0; index < values.length; index++)
            metric.record(values[index]!, corpus[index & mask]!);
          state.sink(metric);
        },
        { metric: otelHistogram, corpus, values },
      ),
    );
    context.log('histogram observe(labels, value), 2 labels, 64 series');
    const timings = await compareTimings(contenders, context.mode);
    await openTelemetry.shutdown();
    return [
      costRow(
        {
          id: 'histogram-observe',
          title: 'histogram observe(labels, v), 2 labels, 64 series',
          unit: 'ns/op',
          target: { kind: 'at-most', value: 0.5 },
          notes: ['same 11 bucket bounds (prom-client defaults) for every library'],
        },
        timingFigures(timings),
      ),
    ];
  },
};
