import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { metricsHandler } from '@servermetrics/exporter-prometheus';
import { findSamples, parseExposition, parseSamples, send, waitFor } from '@servermetrics/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterAggregator } from './aggregator/cluster-aggregator.js';

const THREAD = new URL('./fixtures/thread-worker.mjs', import.meta.url);
const BUILT = new URL('../dist/index.js', import.meta.url);

const threads = new Set<Worker>();
let server: Server | undefined;

afterAll(async () => {
  await Promise.all([...threads].map((thread) => thread.terminate()));
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
});

/** Starts a real thread running fixtures/thread-worker.mjs, attached to `aggregator`. */
async function startThread(aggregator: ClusterAggregator, name: string): Promise<Worker> {
  const thread = new Worker(THREAD, { workerData: { intervalMs: 0, name } });
  threads.add(thread);
  thread.once('exit', () => threads.delete(thread));
  aggregator.attachThread(thread);
  const ready = await reply(thread, 'ready');
  expect(ready).toBe(true);
  return thread;
}

/** The next message of `thread` that has `key`, or the thread's error. */
function reply(thread: Worker, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>): void => {
      if (!(key in message)) return;
      thread.off('message', onMessage);
      thread.off('error', reject);
      resolve(message[key]);
    };
    thread.on('message', onMessage);
    thread.once('error', reject);
  });
}

async function work(thread: Worker, jobs: number): Promise<void> {
  const done = reply(thread, 'done');
  thread.postMessage({ work: jobs });
  await done;
}

describe('worker_threads: one aggregate for the threads of one process', () => {
  it('sums real threads, stays monotonic when a thread is terminated or stopped and replaced, served by metricsHandler', async () => {
    if (!existsSync(BUILT)) {
      throw new Error('@servermetrics/cluster is not built: run `pnpm turbo run build` before these tests.');
    }
    const aggregator = new ClusterAggregator({ refreshTimeoutMs: 5000 });
    server = createServer(metricsHandler({ registry: aggregator }));
    const listening = server;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/metrics`;
    const totals: number[] = [];
    /** One real scrape: the handler refreshes the aggregate (asks every thread) and renders it. */
    const scrape = async (): Promise<ReturnType<typeof parseSamples>> => {
      const response = await send(url);
      expect(response.status).toBe(200);
      parseExposition(response.body, 'text'); // strict: throws on any malformed line
      const samples = parseSamples(response.body);
      totals.push(findSamples(samples, 'jobs_total').reduce((sum, sample) => sum + sample.value, 0));
      return samples;
    };
    const value = (samples: ReturnType<typeof parseSamples>, name: string): number | undefined =>
      findSamples(samples, name)[0]?.value;

    const [first, second, third] = [
      await startThread(aggregator, 'a'),
      await startThread(aggregator, 'b'),
      await startThread(aggregator, 'c'),
    ];
    await waitFor('the three threads to join the aggregate', async () => {
      const samples = await scrape();
      return value(samples, 'servermetrics_cluster_workers') === 3;
    });
    await Promise.all([work(first!, 100), work(second!, 200), work(third!, 300)]);
    let samples = await scrape();
    // Periodic sends are off: only the scrape's refresh can have brought these counts.
    expect(totals.at(-1)).toBe(600);
    expect(findSamples(samples, 'jobs_total', { kind: 'even' })[0]?.value).toBe(300);
    expect(value(samples, 'jobs_busy')).toBe(3);

    // Thread a counts 40 more and is terminated before anything asks for them: the documented
    // loss of a killed worker (everything since its last send; with intervalMs 0 that is all 40).
    // What it sent before stays in the sum.
    await work(first!, 40);
    const firstExit = new Promise((resolve) => first!.once('exit', resolve));
    await first!.terminate();
    await firstExit;
    // Thread b counts 30 more and stops gracefully: ClusterWorker.stop() sends them.
    await work(second!, 30);
    const stopped = reply(second!, 'stopped');
    second!.postMessage({ stop: true });
    await stopped;
    await second!.terminate();
    // A replacement thread starts from zero; its counts add on top.
    const replacement = await startThread(aggregator, 'd');
    await work(replacement, 100);
    await waitFor('the aggregate to see two exits and the replacement', async () => {
      samples = await scrape();
      return (
        value(samples, 'servermetrics_cluster_worker_exits_total') === 2 &&
        value(samples, 'servermetrics_cluster_workers') === 2
      );
    });
    samples = await scrape();
    expect(totals.at(-1)).toBe(600 + 30 + 100);
    // The gauge (rule sum) counts only live threads: c and d.
    expect(value(samples, 'jobs_busy')).toBe(2);
    expect(value(samples, 'servermetrics_cluster_stale_workers')).toBe(0);
    // Monotonic across every scrape of the run: no reset for Prometheus to see.
    for (let index = 1; index < totals.length; index++)
      expect(totals[index]).toBeGreaterThanOrEqual(totals[index - 1]!);

    // The surviving thread keeps adding to the same series.
    await work(third!, 5);
    samples = await scrape();
    expect(totals.at(-1)).toBe(735);
  });
});
