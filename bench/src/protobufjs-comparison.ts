/**
 * Our hand-written protobuf encoder against protobufjs (the MetricFamily type loaded from
 * client_model's metrics.proto) on the same scrapes: 10 000 counter series (3 labels) and
 * 1 000 native histogram series. Each scrape collects the registry; protobufjs then also builds
 * its message objects from the collected series (what an exporter built on it would do). Prints
 * ms per scrape for each encoder, bytes, and the ratio per round with its range.
 *
 * Run: `pnpm --filter @servermetrics/bench exec node --expose-gc --import tsx src/protobufjs-comparison.ts`
 */
import { Counter, Histogram, MetricRegistry } from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import { largeLabelCorpus } from './fixtures/label-corpus.js';
import { logNormalLatencies } from './fixtures/log-normal.js';
import { fillHistogram, routeSeries } from './fixtures/route-series.js';
import { formatRange, median } from './harness/statistics.js';
import { decodeAll, protobufjsScrape } from './peers/protobufjs-metric-family.js';
import { REQUEST_LABEL_SCHEMA } from './suites/counter-inc-labels.js';
import { ROUTE_LABEL_SCHEMA } from './suites/histogram-observe.js';

const ROUNDS = 7;
const SCRAPES_PER_ROUND = 20;

function oursScrape(registry: MetricRegistry): Uint8Array {
  return renderMetrics(registry, { format: 'protobuf' });
}

function msPerScrape(scrape: () => unknown): number {
  const start = process.hrtime.bigint();
  for (let index = 0; index < SCRAPES_PER_ROUND; index++) scrape();
  return Number(process.hrtime.bigint() - start) / SCRAPES_PER_ROUND / 1e6;
}

function compare(title: string, registry: MetricRegistry): void {
  const ours = oursScrape(registry);
  const theirs = protobufjsScrape(registry);
  const decodedOurs = JSON.stringify(decodeAll(ours));
  const decodedTheirs = JSON.stringify(decodeAll(theirs));
  console.log(
    `${title}: bytes ours ${ours.byteLength}, protobufjs ${theirs.byteLength}; decode equal: ${decodedOurs === decodedTheirs}`,
  );
  for (let warm = 0; warm < 3; warm++) {
    msPerScrape(() => oursScrape(registry));
    msPerScrape(() => protobufjsScrape(registry));
  }
  const ratios: number[] = [];
  const oursTimes: number[] = [];
  const theirTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so that neither always runs right after a collection.
    const first = round % 2 === 0;
    const a = first ? msPerScrape(() => oursScrape(registry)) : 0;
    const b = msPerScrape(() => protobufjsScrape(registry));
    const o = first ? a : msPerScrape(() => oursScrape(registry));
    oursTimes.push(o);
    theirTimes.push(b);
    ratios.push(b / o);
  }
  console.log(
    `  ours ${median(oursTimes).toFixed(2)} ms/scrape (${formatRange(oursTimes, 2)}), protobufjs ${median(theirTimes).toFixed(2)} ms/scrape (${formatRange(theirTimes, 2)}); protobufjs/ours ${median(ratios).toFixed(2)}x (${formatRange(ratios, 2)}) over ${ROUNDS} rounds`,
  );
}

const counters = new MetricRegistry({ defaultMaxCells: 10_000 });
const counter = counters.register(
  'bench_requests_total',
  new Counter({ help: 'Requests.', labels: REQUEST_LABEL_SCHEMA }),
);
for (const labels of largeLabelCorpus(10_000)) counter.inc(labels);
compare('10 000 counter series (3 labels)', counters);

const histograms = new MetricRegistry({ defaultMaxCells: 1000 });
const histogram = histograms.register(
  'bench_request_duration_seconds',
  new Histogram({ help: 'Latency.', labels: ROUTE_LABEL_SCHEMA, native: true }),
);
fillHistogram(histogram, routeSeries(1000), logNormalLatencies(4096, 11), 1000);
compare('1 000 native histogram series', histograms);
