import { Counter, DEFAULT_BUCKETS, Histogram, MetricRegistry } from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import {
  largeLabelCorpus,
  observationValues,
  routeLabelCorpus,
  SHARED_BUCKETS,
} from '../fixtures/label-corpus.js';
import { logNormalLatencies } from '../fixtures/log-normal.js';
import { fillHistogram, LATENCIES_PER_SERIES, routeSeries } from '../fixtures/route-series.js';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { consumeExposition } from '../harness/consume-exposition.js';
import { compareHeap, type HeapContender } from '../harness/heap.js';
import { isolatedContender, sink } from '../harness/isolated-pass.js';
import { freshRegistry, PROM_CLIENT_PEER } from '../peers/prometheus-clients.js';
import { PROTOBUFJS, protobufjsScrape } from '../peers/protobufjs-metric-family.js';
import { REQUEST_LABEL_SCHEMA } from './counter-inc-labels.js';
import {
  OBSERVATIONS,
  observeEach,
  prometheusClientHistogramContenders,
  ROUTE_LABEL_SCHEMA,
} from './histogram-observe.js';
import { costRow, heapFigures, millisecondFigures, OURS, timingFigures } from './rows.js';
import type { Figure, Row, Suite, SuiteContext } from './suite.js';

const COUNTER_SERIES = 10_000;
const HISTOGRAM_SERIES = 1000;

/** Our classic histogram, as a contender name. */
const OURS_CLASSIC = `${OURS} classic`;
/** Our text exposition, as a contender name. */
const OURS_TEXT = `${OURS} text`;
/** Our classic histogram (14 default buckets) in the text exposition, as a contender name. */
const OURS_CLASSIC_TEXT = `${OURS} classic text`;

/** Byte figures (one measurement: the size does not vary between rounds). */
function byteFigures(sizes: ReadonlyArray<readonly [library: string, bytes: number]>): Figure[] {
  return sizes.map(([library, bytes]) => ({ library, value: bytes, rounds: [bytes] }));
}

async function observeRow(context: SuiteContext): Promise<Row> {
  const corpus = routeLabelCorpus();
  const values = observationValues(OBSERVATIONS);
  const native = new MetricRegistry().register(
    'bench_request_duration_seconds',
    new Histogram({ help: 'Latency.', labels: ROUTE_LABEL_SCHEMA, native: true }),
  );
  const classic = new MetricRegistry().register(
    'bench_request_duration_seconds',
    new Histogram({ help: 'Latency.', labels: ROUTE_LABEL_SCHEMA, buckets: SHARED_BUCKETS }),
  );
  const contenders: Contender[] = [
    isolatedContender(OURS, OBSERVATIONS, observeEach, { metric: native, corpus, values }),
    isolatedContender(OURS_CLASSIC, OBSERVATIONS, observeEach, { metric: classic, corpus, values }),
    ...prometheusClientHistogramContenders(corpus, values),
  ];
  context.log('native histogram observe(labels, value), 2 labels, 64 series');
  return costRow(
    {
      id: 'native-observe',
      title: 'native histogram observe(labels, v), 2 labels, 64 series',
      unit: 'ns/op',
      target: { kind: 'at-most', value: 0.5 },
      baseline: PROM_CLIENT_PEER.library,
      notes: [
        'ours: native-only, schema 3; classic and prom-client: 11 bounds; log-uniform values 1 ms to 20 s',
      ],
    },
    timingFigures(await compareTimings(contenders, context.mode)),
  );
}

async function heapRow(context: SuiteContext): Promise<Row> {
  const corpus = routeSeries(context.mode.heapSeries);
  const latencies = logNormalLatencies(4096, 7);
  const ours = (options: { native?: true; buckets?: readonly number[] }): HeapContender['build'] => {
    return (series) => {
      const registry = new MetricRegistry();
      const histogram = registry.register(
        'bench_request_duration_seconds',
        new Histogram({ help: 'Latency.', labels: ROUTE_LABEL_SCHEMA, maxCells: series, ...options }),
      );
      fillHistogram(histogram, corpus, latencies, series);
      return registry;
    };
  };
  const contenders: HeapContender[] = [
    { library: OURS, build: ours({ native: true }) },
    { library: OURS_CLASSIC, build: ours({ buckets: DEFAULT_BUCKETS }) },
    {
      library: PROM_CLIENT_PEER.library,
      build: (series) => {
        const registry = freshRegistry(PROM_CLIENT_PEER);
        const histogram = new PROM_CLIENT_PEER.module.Histogram({
          name: 'bench_request_duration_seconds',
          help: 'Latency.',
          labelNames: ['method', 'route'],
          buckets: [...DEFAULT_BUCKETS],
          registers: [registry],
        });
        fillHistogram(histogram, corpus, latencies, series);
        return registry;
      },
    },
  ];
  const series = context.mode.heapSeries.toLocaleString('en-US');
  context.log(`heap per native histogram series (${series} series)`);
  return costRow(
    {
      id: 'heap-native-histogram',
      title: `heap per native histogram series vs classic 14 buckets (${series} series)`,
      unit: 'bytes/series',
      target: { kind: 'report' },
      baseline: OURS_CLASSIC,
      notes: [
        `${LATENCIES_PER_SERIES} log-normal latencies per series (median 100 ms, sigma 0.6): 25 to 34 (median 29) populated native buckets`,
      ],
    },
    heapFigures(await compareHeap(contenders, context.mode)),
  );
}

/** A timed scrape: `prepare` changes every series, `render` returns the body. */
function scrapeContender(library: string, prepare: () => void, render: () => string | Buffer): Contender {
  return {
    library,
    operationsPerPass: 1,
    prepare,
    pass: (): void => {
      const body = render();
      if (typeof body === 'string') consumeExposition(body);
      else sink(body.length);
    },
  };
}

/**
 * Time of our protobuf encoder against protobufjs (7.6.6, `MetricFamily` from client_model's
 * metrics.proto) encoding the same collected series, measured in the same alternating rounds as
 * the row before it: the measurement behind the choice of a hand-written encoder (see the
 * exporter README).
 */
function protobufjsRow(id: string, title: string, timings: Awaited<ReturnType<typeof compareTimings>>): Row {
  const figures = millisecondFigures(timingFigures(timings)).filter(
    (figure) => figure.library === OURS || figure.library === PROTOBUFJS,
  );
  return costRow(
    {
      id,
      title,
      unit: 'ms/scrape',
      target: { kind: 'report' },
      baseline: PROTOBUFJS,
      notes: ['protobufjs also builds its message objects from the collected series each scrape'],
    },
    figures,
  );
}

async function scrapeCounterRows(context: SuiteContext): Promise<Row[]> {
  const corpus = largeLabelCorpus(COUNTER_SERIES);
  const registry = new MetricRegistry({ defaultMaxCells: COUNTER_SERIES });
  const counter = registry.register(
    'bench_requests_total',
    new Counter({ help: 'Requests.', labels: REQUEST_LABEL_SCHEMA }),
  );
  const prepare = (): void => {
    for (const labels of corpus) counter.inc(labels);
  };
  prepare();
  const protobuf = (): Buffer => renderMetrics(registry, { format: 'protobuf' });
  const text = (): string => renderMetrics(registry);
  context.log('scrape: 10 000 counter series, protobuf vs text');
  const timings = await compareTimings(
    [
      scrapeContender(OURS, prepare, protobuf),
      scrapeContender(OURS_TEXT, prepare, text),
      scrapeContender(PROTOBUFJS, prepare, () => Buffer.from(protobufjsScrape(registry))),
    ],
    context.mode,
  );
  const title = 'scrape: 10 000 counter series (3 labels), protobuf vs our text';
  return [
    costRow(
      {
        id: 'protobuf-counters-time',
        title: `${title}, time`,
        unit: 'ms/scrape',
        target: { kind: 'report' },
        baseline: OURS_TEXT,
      },
      millisecondFigures(timingFigures(timings)),
    ),
    costRow(
      {
        id: 'protobuf-counters-bytes',
        title: `${title}, size`,
        unit: 'bytes/scrape',
        target: { kind: 'report' },
        baseline: OURS_TEXT,
      },
      byteFigures([
        [OURS, protobuf().length],
        [OURS_TEXT, Buffer.byteLength(text(), 'utf8')],
        [PROTOBUFJS, protobufjsScrape(registry).byteLength],
      ]),
    ),
    protobufjsRow(
      'protobuf-counters-vs-protobufjs-time',
      `${title.replace('vs our text', 'vs protobufjs')}, time`,
      timings,
    ),
  ];
}

async function scrapeNativeRows(context: SuiteContext): Promise<Row[]> {
  const corpus = routeSeries(HISTOGRAM_SERIES);
  const latencies = logNormalLatencies(4096, 11);
  const histogramIn = (options: {
    native?: true;
    buckets?: readonly number[];
  }): { registry: MetricRegistry; prepare: () => void } => {
    const registry = new MetricRegistry({ defaultMaxCells: HISTOGRAM_SERIES });
    const histogram = registry.register(
      'bench_request_duration_seconds',
      new Histogram({ help: 'Latency.', labels: ROUTE_LABEL_SCHEMA, ...options }),
    );
    fillHistogram(histogram, corpus, latencies, HISTOGRAM_SERIES);
    let next = 0;
    const prepare = (): void => {
      for (const labels of corpus) histogram.observe(labels, latencies[next++ & 4095]!);
    };
    return { registry, prepare };
  };
  const native = histogramIn({ native: true });
  const classic = histogramIn({ buckets: DEFAULT_BUCKETS });
  const protobuf = (): Buffer => renderMetrics(native.registry, { format: 'protobuf' });
  const classicText = (): string => renderMetrics(classic.registry);
  const classicProtobuf = (): Buffer => renderMetrics(classic.registry, { format: 'protobuf' });
  const OURS_CLASSIC_PROTOBUF = `${OURS} classic protobuf`;
  context.log('scrape: 1 000 native histogram series to protobuf vs classic (14 buckets) to text');
  const timings = await compareTimings(
    [
      scrapeContender(OURS, native.prepare, protobuf),
      scrapeContender(OURS_CLASSIC_TEXT, classic.prepare, classicText),
      scrapeContender(OURS_CLASSIC_PROTOBUF, classic.prepare, classicProtobuf),
      scrapeContender(PROTOBUFJS, native.prepare, () => Buffer.from(protobufjsScrape(native.registry))),
    ],
    context.mode,
  );
  const title = 'scrape: 1 000 native histogram series (protobuf) vs classic 14 buckets (our text)';
  const notes = [
    `${LATENCIES_PER_SERIES}+ log-normal latencies per series (median 100 ms, sigma 0.6); text of a native-only histogram would hold only its \`+Inf\` bucket, \`_sum\` and \`_count\``,
  ];
  return [
    costRow(
      {
        id: 'protobuf-native-time',
        title: `${title}, time`,
        unit: 'ms/scrape',
        target: { kind: 'report' },
        baseline: OURS_CLASSIC_TEXT,
        notes,
      },
      millisecondFigures(timingFigures(timings)),
    ),
    costRow(
      {
        id: 'protobuf-native-bytes',
        title: `${title}, size`,
        unit: 'bytes/scrape',
        target: { kind: 'report' },
        baseline: OURS_CLASSIC_TEXT,
        notes,
      },
      byteFigures([
        [OURS, protobuf().length],
        [OURS_CLASSIC_TEXT, Buffer.byteLength(classicText(), 'utf8')],
        [OURS_CLASSIC_PROTOBUF, classicProtobuf().length],
        [PROTOBUFJS, protobufjsScrape(native.registry).byteLength],
      ]),
    ),
    protobufjsRow(
      'protobuf-native-vs-protobufjs-time',
      'scrape: 1 000 native histogram series, protobuf: ours vs protobufjs, time',
      timings,
    ),
  ];
}

/**
 * Native histograms (issue 14), side by side in one run:
 * - `native-observe`: native `observe(labels, value)` vs our classic observe vs prom-client's
 *   (and its successor's) classic observe, 2 labels, 64 series, 1024 log-uniform values per pass;
 *   goal: native at most 0.5 of prom-client.
 * - `heap-native-histogram`: retained heap per native series vs a classic series with the
 *   default 14 buckets (ours and prom-client's), each series observed 100 log-normal latencies.
 * - `protobuf-counters-*`: the protobuf exposition of 10 000 counter series vs our text, time
 *   and bytes; every series incremented (untimed) before each timed scrape.
 * - `protobuf-native-*`: 1 000 native histogram series to protobuf vs the same series as classic
 *   14-bucket histograms to our text (and to protobuf), time and bytes.
 * - `*-vs-protobufjs-time`: the same scrapes encoded by protobufjs (7.6.6, `MetricFamily` from
 *   client_model's metrics.proto), measured in the same rounds: why the encoder is hand-written.
 */
export const nativeHistogramSuite: Suite = {
  id: 'native-histogram',
  rowIds: [
    'native-observe',
    'heap-native-histogram',
    'protobuf-counters-time',
    'protobuf-counters-bytes',
    'protobuf-counters-vs-protobufjs-time',
    'protobuf-native-time',
    'protobuf-native-bytes',
    'protobuf-native-vs-protobufjs-time',
  ],
  async run(context: SuiteContext): Promise<Row[]> {
    return [
      await observeRow(context),
      await heapRow(context),
      ...(await scrapeCounterRows(context)),
      ...(await scrapeNativeRows(context)),
    ];
  },
};
