/**
 * Child process of the cluster suite: a `node:cluster` primary with `workers` forked workers,
 * each holding `series` counter series, serving the merged view on 127.0.0.1. `library` picks
 * the aggregation: prom-client's `AggregatorRegistry.clusterMetrics()` in the primary and its
 * global registry in the workers, or ours (`startClusterWorker` in the workers,
 * `ClusterAggregator` + `metricsHandler` in the primary). Configuration in
 * `CLUSTER_BENCH_CONFIG` (JSON). Protocol with the parent over IPC:
 * - the primary sends `{ type: 'ready', port }` once every worker is ready (and, for ours, joined);
 * - `'touch'`: every worker increments every series once; answered with `{ type: 'touched' }`;
 * - `{ type: 'inc-cost', ms }` (ours only): one worker times `counter.inc(labels)` over its series
 *   for `ms` with its ClusterWorker running, then stopped, then running; answered with
 *   `{ type: 'inc-cost', attached: [ns, ns], detached: ns, flushUnchangedMs, flushAllChangedMs }`;
 * - exits when the parent disconnects.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClusterAggregator, type ClusterWorker, startClusterWorker } from '@servermetrics/cluster';
import { Counter, defaultRegistry } from '@servermetrics/core';
import { metricsHandler } from '@servermetrics/exporter-prometheus';
import promClient from 'prom-client';

interface Config {
  readonly library: 'servermetrics' | 'prom-client';
  readonly workers: number;
  readonly series: number;
}

const config = JSON.parse(process.env.CLUSTER_BENCH_CONFIG ?? '{}') as Config;
const ROUTES = 1000;

/** Label sets of the series: `route` r0..r999 x `status` 200, 201, ... */
function labelSets(series: number): { route: string; status: string }[] {
  return Array.from({ length: series }, (_, index) => ({
    route: `/api/r${index % ROUTES}`,
    status: String(200 + Math.floor(index / ROUTES)),
  }));
}

if (cluster.isPrimary) {
  const send = (message: unknown): void => void process.send?.(message);
  let respond: (
    request: import('node:http').IncomingMessage,
    response: import('node:http').ServerResponse,
  ) => void;
  let aggregator: ClusterAggregator | undefined;
  if (config.library === 'prom-client') {
    const registry = new promClient.AggregatorRegistry();
    respond = (_request, response) => {
      registry.clusterMetrics().then(
        (body) => {
          response.writeHead(200, { 'content-type': registry.contentType });
          response.end(body);
        },
        (error: Error) => {
          response.writeHead(500);
          response.end(error.message);
        },
      );
    };
  } else {
    aggregator = new ClusterAggregator({ refreshTimeoutMs: 5000 });
    aggregator.attachCluster(cluster);
    const handler = metricsHandler({ registry: aggregator });
    respond = (request, response) => void handler(request, response);
  }
  const server = createServer((request, response) => respond(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  let ready = 0;
  let pending: { count: number; answer: (message: unknown) => void } | undefined;
  cluster.on('message', (_worker, message: { type?: string }) => {
    if (message?.type === 'worker-ready') ready++;
    else if (message?.type === 'touched' && pending !== undefined && --pending.count === 0) {
      pending.answer({ type: 'touched' });
      pending = undefined;
    } else if (message?.type === 'inc-cost') send(message);
  });
  for (let index = 0; index < config.workers; index++) cluster.fork();
  const started = Date.now();
  while (ready < config.workers || (aggregator !== undefined && aggregator.liveWorkers < config.workers)) {
    if (Date.now() - started > 120_000) throw new Error('workers did not start within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  process.on('message', (message: { type?: string; ms?: number } | string) => {
    if (message === 'touch') {
      pending = { count: config.workers, answer: send };
      for (const worker of Object.values(cluster.workers ?? {})) worker?.send('touch');
    } else if (typeof message === 'object' && message.type === 'inc-cost') {
      Object.values(cluster.workers ?? {})[0]?.send(message);
    }
  });
  process.on('disconnect', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    process.exit(0);
  });
  send({ type: 'ready', port: (server.address() as AddressInfo).port });
} else {
  const labels = labelSets(config.series);
  let inc: (index: number) => void;
  let clusterWorker: ClusterWorker | undefined;
  if (config.library === 'prom-client') {
    new promClient.AggregatorRegistry(); // the worker side answers the primary's requests
    const counter = new promClient.Counter({
      name: 'http_requests_total',
      help: 'Requests',
      labelNames: ['route', 'status'],
    });
    inc = (index) => counter.inc(labels[index]!);
  } else {
    const counter = defaultRegistry.register(
      'http_requests_total',
      new Counter({
        help: 'Requests',
        labels: { route: 'string', status: 'string' },
        maxCells: config.series,
      }),
    );
    inc = (index) => counter.inc(labels[index]!);
  }
  for (let index = 0; index < labels.length; index++) inc(index);
  if (config.library === 'servermetrics') clusterWorker = startClusterWorker();
  /** ns per inc over `ms`, in slices of 10 000 incs that yield (so timers, e.g. periodic sends, run). */
  const timeIncs = async (ms: number): Promise<number> => {
    let done = 0;
    let busyNs = 0n;
    const started = performance.now();
    const wallStart = process.hrtime.bigint();
    while (performance.now() - started < ms) {
      for (let index = 0; index < 10_000; index++) inc((done + index) % labels.length);
      done += 10_000;
      await new Promise((resolve) => setImmediate(resolve));
    }
    busyNs = process.hrtime.bigint() - wallStart;
    return Number(busyNs) / done;
  };
  const timeFlush = (): number => {
    const started = performance.now();
    clusterWorker?.flush();
    return performance.now() - started;
  };
  process.on('message', async (message: { type?: string; ms?: number } | string) => {
    if (message === 'touch') {
      for (let index = 0; index < labels.length; index++) inc(index);
      process.send?.({ type: 'touched' });
    } else if (typeof message === 'object' && message.type === 'inc-cost' && clusterWorker !== undefined) {
      const ms = message.ms ?? 1000;
      const attachedBefore = await timeIncs(ms);
      clusterWorker.stop();
      const detached = await timeIncs(ms);
      clusterWorker.start();
      const attachedAfter = await timeIncs(ms);
      timeFlush();
      const flushUnchangedMs = timeFlush();
      for (let index = 0; index < labels.length; index++) inc(index);
      const flushAllChangedMs = timeFlush();
      process.send?.({
        type: 'inc-cost',
        attached: [attachedBefore, attachedAfter],
        detached,
        flushUnchangedMs,
        flushAllChangedMs,
      });
    }
  });
  process.send?.({ type: 'worker-ready' });
}
