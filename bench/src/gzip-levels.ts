import { gzipSync } from 'node:zlib';
import { Counter, Histogram, MetricRegistry } from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import { largeLabelCorpus, SHARED_BUCKETS } from './fixtures/label-corpus.js';
import { median } from './harness/statistics.js';
import { REQUEST_LABEL_SCHEMA } from './suites/counter-inc-labels.js';

/**
 * `node --import tsx src/gzip-levels.ts`: gzip levels 1 to 6 on scrape bodies (10 000 and
 * 100 000 counter series, 10 000 histogram series), bytes and CPU time per compression (median
 * of 5), the measurement behind exporter-prometheus's gzip level (see BENCHMARKS.md).
 */
function body(kind: 'counter' | 'histogram', series: number): Buffer {
  const corpus = largeLabelCorpus(series);
  const registry = new MetricRegistry({ defaultMaxCells: series });
  if (kind === 'counter') {
    const counter = registry.register(
      'bench_requests_total',
      new Counter({ help: 'Requests.', labels: REQUEST_LABEL_SCHEMA }),
    );
    for (const [index, labels] of corpus.entries()) counter.inc(labels, index % 1000);
  } else {
    const histogram = registry.register(
      'bench_request_duration_seconds',
      new Histogram({ help: 'Latency.', labels: REQUEST_LABEL_SCHEMA, buckets: SHARED_BUCKETS }),
    );
    for (const [index, labels] of corpus.entries()) histogram.observe(labels, (index % 997) / 100);
  }
  return Buffer.from(renderMetrics(registry), 'utf8');
}

const bodies: [string, Buffer][] = [
  ['10 000 counter series', body('counter', 10_000)],
  ['100 000 counter series', body('counter', 100_000)],
  ['10 000 histogram series', body('histogram', 10_000)],
];
process.stdout.write(
  '| body | level | bytes | ratio to raw | ms (CPU, median of 5) |\n|---|---:|---:|---:|---:|\n',
);
for (const [name, raw] of bodies) {
  process.stdout.write(`| ${name}, raw | - | ${raw.length.toLocaleString('en-US')} | 1 | - |\n`);
  for (let level = 1; level <= 6; level++) {
    const times: number[] = [];
    let size = 0;
    for (let round = 0; round < 5; round++) {
      const started = process.cpuUsage();
      size = gzipSync(raw, { level }).length;
      const used = process.cpuUsage(started);
      times.push((used.user + used.system) / 1000);
    }
    process.stdout.write(
      `| ${name} | ${level} | ${size.toLocaleString('en-US')} | ${(size / raw.length).toFixed(3)} | ${median(times).toFixed(1)} |\n`,
    );
  }
}
