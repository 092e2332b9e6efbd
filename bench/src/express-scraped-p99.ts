import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Histogram, MetricRegistry } from '@servermetrics/core';
import { metricsHandler } from '@servermetrics/exporter-prometheus';
import express from 'express';
import { largeLabelCorpus, SHARED_BUCKETS } from './fixtures/label-corpus.js';
import { median, percentile } from './harness/statistics.js';
import { REQUEST_LABEL_SCHEMA } from './suites/counter-inc-labels.js';

/**
 * `node --import tsx src/express-scraped-p99.ts [seconds] [rounds]`: p99 latency of an Express
 * hello world under load (16 keep-alive requests in flight, closed loop) while `/metrics` of the
 * same app (10 000 histogram series, streamed, gzip) is scraped every second, versus the same
 * app not scraped. The app runs in a child process (its own event loop); the load and the
 * scrapes come from this process. Rounds alternate scraped / not scraped; prints every round.
 */
const SERIES = 10_000;
const CONCURRENCY = 16;

async function serve(): Promise<void> {
  const registry = new MetricRegistry({ defaultMaxCells: SERIES });
  const histogram = registry.register(
    'bench_request_duration_seconds',
    new Histogram({ help: 'Latency.', labels: REQUEST_LABEL_SCHEMA, buckets: SHARED_BUCKETS }),
  );
  const corpus = largeLabelCorpus(SERIES);
  for (let index = 0; index < corpus.length; index++) histogram.observe(corpus[index]!, (index % 997) / 100);
  const app = express();
  app.get('/hello', (_request, response) => {
    response.send('Hello World!');
  });
  app.get('/metrics', metricsHandler({ registry }));
  const server = app.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.address() as AddressInfo).port });
  });
  process.on('disconnect', () => server.close(() => process.exit(0)));
}

/**
 * GETs `path` and reads the answer to its end; rejects on a status other than 200 (the body is
 * still drained, so a keep-alive socket goes back to the agent) or a request error.
 */
function get(
  port: number,
  path: string,
  agent: Agent | false,
  headers: Record<string, string> = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, agent, headers }, (incoming) => {
      if (incoming.statusCode !== 200) reject(new Error(`${path} answered ${incoming.statusCode}`));
      incoming.on('data', () => {});
      incoming.on('end', resolve);
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Closed-loop load for `seconds`; returns every request's latency in ms, and the scrapes' times. */
async function load(
  port: number,
  seconds: number,
  scraped: boolean,
): Promise<{ latencies: number[]; scrapes: number[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  const scrapes: number[] = [];
  const end = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const started = performance.now();
      await get(port, '/hello', agent);
      latencies.push(performance.now() - started);
    }
  };
  const scraper = async (): Promise<void> => {
    while (performance.now() + 1000 < end) {
      const next = performance.now() + 1000;
      const started = performance.now();
      await get(port, '/metrics', false, { 'accept-encoding': 'gzip' });
      scrapes.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
  };
  await Promise.all([...Array.from({ length: CONCURRENCY }, worker), ...(scraped ? [scraper()] : [])]);
  agent.destroy();
  return { latencies, scrapes };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const rounds = Number(process.argv[3] ?? 3);
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  await load(port, 1, true); // warm-up
  const p99 = { scraped: [] as number[], plain: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    for (const scraped of round % 2 === 0 ? [false, true] : [true, false]) {
      const result = await load(port, seconds, scraped);
      const value = percentile(result.latencies, 0.99);
      (scraped ? p99.scraped : p99.plain).push(value);
      console.log(
        `round ${round + 1} ${scraped ? 'scraped    ' : 'not scraped'}: ${result.latencies.length} requests, p50 ${percentile(result.latencies, 0.5).toFixed(2)} ms, p99 ${value.toFixed(2)} ms, max ${percentile(result.latencies, 1).toFixed(1)} ms` +
          (scraped ? `; scrapes ${result.scrapes.map((ms) => ms.toFixed(0)).join(', ')} ms` : ''),
      );
    }
  }
  const ratios = p99.scraped.map((value, index) => value / p99.plain[index]!);
  console.log(
    `p99 scraped / not scraped: median ${(median(p99.scraped) / median(p99.plain)).toFixed(2)}, rounds ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}`,
  );
  child.disconnect();
}

if (process.argv.includes('--serve')) void serve();
else void main();
