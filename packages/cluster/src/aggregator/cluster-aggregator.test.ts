import {
  Counter,
  Gauge,
  Histogram,
  type HistogramFamily,
  InvalidOptionError,
  MetricRegistry,
  nativeBucketUpperBound,
} from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import {
  bucketNativeObservations,
  createRecordingLogger,
  findSamples,
  logNormalSamples,
  parseSamples,
  waitFor,
} from '@servermetrics/testing';
import { describe, expect, it } from 'vitest';
import type { WorkerChannel } from '../channel/worker-channel.js';
import { clusterMerge } from '../merge/merge-rule.js';
import { ClusterWorker } from '../worker/cluster-worker.js';
import { ClusterAggregator } from './cluster-aggregator.js';

/**
 * An in-memory worker: its registry, its ClusterWorker, a switch that mutes it (the aggregator's
 * requests are held instead of delivered) and `deliverHeld`, which hands the held requests over.
 */
function connectWorker(aggregator: ClusterAggregator, name: string) {
  const registry = new MetricRegistry();
  // muted: the aggregator's requests are held; failing: the worker's sends are refused.
  const state = { muted: false, failing: false };
  const held: unknown[] = [];
  let toWorker: ((message: unknown) => void) | undefined;
  const connection = aggregator.connect((message) => {
    if (state.muted) held.push(message);
    else queueMicrotask(() => toWorker?.(message));
    return true;
  });
  const channel: WorkerChannel = {
    send: (message) => {
      if (state.failing) return false;
      connection.receive(structuredClone(message));
      return true;
    },
    onMessage: (listener) => {
      toWorker = listener;
      return () => {
        toWorker = undefined;
      };
    },
  };
  const worker = new ClusterWorker({ registry, channel, name, intervalMs: 0 });
  const deliverHeld = (): void => {
    for (const message of held.splice(0)) toWorker?.(message);
  };
  return { registry, worker, connection, state, deliverHeld };
}

async function scrape(aggregator: ClusterAggregator) {
  await aggregator.refresh();
  return parseSamples(renderMetrics(aggregator) as string);
}

function total(samples: ReturnType<typeof parseSamples>, name: string): number {
  return findSamples(samples, name).reduce((sum, sample) => sum + sample.value, 0);
}

describe('ClusterAggregator with in-memory workers', () => {
  it("sums counters and histograms and keeps a dead worker's counts (monotonic across restarts)", async () => {
    const aggregator = new ClusterAggregator({ logger: createRecordingLogger() });
    const first = connectWorker(aggregator, '1');
    const second = connectWorker(aggregator, '2');
    for (const member of [first, second]) {
      member.registry.register('jobs_total', new Counter({ labels: { kind: 'string' } }));
      member.registry.register('latency_seconds', new Histogram({ buckets: [1, 2] }));
      member.worker.start();
    }
    (first.registry.get('jobs_total') as Counter<{ kind: 'string' }>).inc({ kind: 'a' }, 3);
    (second.registry.get('jobs_total') as Counter<{ kind: 'string' }>).inc({ kind: 'a' }, 4);
    (first.registry.get('latency_seconds') as Histogram).observe(1.5);
    (second.registry.get('latency_seconds') as Histogram).observe(5);
    let samples = await scrape(aggregator);
    expect(total(samples, 'jobs_total')).toBe(7);
    expect(findSamples(samples, 'latency_seconds_bucket', { le: '2' })[0]?.value).toBe(1);
    expect(findSamples(samples, 'latency_seconds_count')[0]?.value).toBe(2);

    first.connection.close(); // worker 1 dies; a replacement starts from zero
    const replacement = connectWorker(aggregator, '3');
    const counter = replacement.registry.register('jobs_total', new Counter({ labels: { kind: 'string' } }));
    replacement.worker.start();
    counter.inc({ kind: 'a' });
    samples = await scrape(aggregator);
    expect(total(samples, 'jobs_total')).toBe(8);
    expect(findSamples(samples, 'servermetrics_cluster_worker_exits_total')[0]?.value).toBe(1);
  });

  it('sends only increases: reset(), removal and re-creation never double count or go backwards', async () => {
    const aggregator = new ClusterAggregator();
    const member = connectWorker(aggregator, '1');
    const counter = member.registry.register('jobs_total', new Counter({ labels: { kind: 'string' } }));
    member.worker.start();
    counter.inc({ kind: 'a' }, 5);
    expect(total(await scrape(aggregator), 'jobs_total')).toBe(5);
    await scrape(aggregator);
    expect(total(await scrape(aggregator), 'jobs_total')).toBe(5); // unchanged: nothing added twice
    counter.reset();
    counter.inc({ kind: 'a' }, 2);
    expect(total(await scrape(aggregator), 'jobs_total')).toBe(7);
    counter.remove({ kind: 'a' });
    counter.inc({ kind: 'a' });
    expect(total(await scrape(aggregator), 'jobs_total')).toBe(8);
  });

  it('a native histogram reset in place (minResetDurationMs) adds its new observations: the aggregate never goes back', async () => {
    const aggregator = new ClusterAggregator();
    const member = connectWorker(aggregator, '1');
    const latency = member.registry.register(
      'latency_seconds',
      new Histogram({ buckets: [1, 100], native: { maxBuckets: 2, minResetDurationMs: 1 } }),
    );
    member.worker.start();
    latency.observe(1);
    latency.observe(2);
    let samples = await scrape(aggregator);
    expect(findSamples(samples, 'latency_seconds_count')[0]?.value).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // A third bucket past minResetDurationMs: the series restarts with 50. Then 1 and 50 again:
    // every count is at least what was sent before, so only `resets` shows the restart.
    for (const value of [50, 1, 50]) latency.observe(value);
    expect(latency.value()!.count).toBe(3);
    samples = await scrape(aggregator);
    expect(findSamples(samples, 'latency_seconds_count')[0]?.value).toBe(5);
    expect(findSamples(samples, 'latency_seconds_bucket', { le: '100' })[0]?.value).toBe(5);
    expect(findSamples(samples, 'latency_seconds_bucket', { le: '1' })[0]?.value).toBe(2);
    expect(findSamples(samples, 'latency_seconds_sum')[0]?.value).toBe(104);
    // The native part restarted too: the aggregate holds all five observations.
    const family = aggregator
      .collect()
      .find((candidate) => candidate.name === 'latency_seconds') as HistogramFamily;
    const native = family.series[0]!.native!;
    expect(native.zeroCount + native.positive.counts.reduce((total, count) => total + count, 0)).toBe(5);
  });

  it("sums native histograms of different schemas and zero thresholds and keeps a dead worker's observations", async () => {
    const aggregator = new ClusterAggregator();
    const zeroThreshold = 2 ** -10;
    // Worker 1 keeps schema 3; worker 2 has few buckets, so core lowers its schema as it fills,
    // and a wider zero bucket; worker 3 replaces worker 1 after it dies.
    const histograms = [
      new Histogram({ native: true }),
      new Histogram({ native: { maxBuckets: 12, zeroThreshold } }),
      new Histogram({ native: true }),
    ];
    const members = ['1', '2', '3'].map((name, index) => {
      const member = connectWorker(aggregator, name);
      member.registry.register('latency_seconds', histograms[index]!);
      return member;
    });
    members[0]!.worker.start();
    members[1]!.worker.start();
    const samples = logNormalSamples(900, 7).map((value, index) =>
      index % 5 === 0 ? -value : index % 31 === 0 ? value / 5000 : value,
    );
    const observe = (histogram: Histogram, values: number[]): void => {
      for (const value of values) histogram.observe(value);
    };
    observe(histograms[0]!, samples.slice(0, 150));
    observe(histograms[1]!, samples.slice(150, 200));
    await aggregator.refresh();
    observe(histograms[0]!, samples.slice(200, 350));
    observe(histograms[1]!, samples.slice(350, 600));
    await aggregator.refresh();
    members[0]!.connection.close();
    members[2]!.worker.start();
    observe(histograms[2]!, samples.slice(600));
    await aggregator.refresh();

    const [family] = aggregator.collect().filter((candidate) => candidate.name === 'latency_seconds');
    const series = (family as HistogramFamily).series[0]!;
    const native = series.native!;
    expect(native.schema).toBeLessThan(3); // worker 2's lowered schema: both sides were merged down
    const expected = bucketNativeObservations(samples, native.schema, zeroThreshold);
    expect(series.count).toBe(samples.length);
    expect(native.zeroThreshold).toBe(zeroThreshold);
    expect(native.zeroCount).toBe(expected.zeroCount);
    expect(native.positive).toEqual(expected.positive);
    expect(native.negative).toEqual(expected.negative);
    // The view is stable and follows later increases.
    observe(histograms[2]!, [1000]);
    await aggregator.refresh();
    expect(series.native).toBe(native);
    expect(native.positive.counts.reduce((total, count) => total + count, 0)).toBe(
      expected.positive.counts.reduce((total, count) => total + count, 0) + 1,
    );
  });

  it('merges gauges by their declared rule over live workers, or keeps a worker label', async () => {
    const aggregator = new ClusterAggregator({ deadWorkerRetentionMs: 0 });
    const members = ['1', '2', '3'].map((name) => connectWorker(aggregator, name));
    members.forEach((member, index) => {
      member.registry.register('in_flight', new Gauge()).set(index + 1);
      member.registry.register('queue_depth', clusterMerge(new Gauge(), 'max')).set(10 * (index + 1));
      member.registry.register('oldest_seconds', clusterMerge(new Gauge(), 'min')).set(100 - index);
      member.registry.register('per_worker', clusterMerge(new Gauge(), 'worker')).set(index);
      member.worker.start();
    });
    let samples = await scrape(aggregator);
    expect(findSamples(samples, 'in_flight')[0]?.value).toBe(6);
    expect(findSamples(samples, 'queue_depth')[0]?.value).toBe(30);
    expect(findSamples(samples, 'oldest_seconds')[0]?.value).toBe(98);
    expect(
      findSamples(samples, 'per_worker')
        .map((sample) => sample.labels.worker)
        .sort(),
    ).toEqual(['1', '2', '3']);
    members[2]!.connection.close();
    samples = await scrape(aggregator);
    expect(findSamples(samples, 'in_flight')[0]?.value).toBe(3);
    expect(findSamples(samples, 'queue_depth')[0]?.value).toBe(20);
    expect(
      findSamples(samples, 'per_worker')
        .map((sample) => sample.labels.worker)
        .sort(),
    ).toEqual(['1', '2']);
  });

  it('a worker that does not answer never blocks a scrape: its last values are served and it is counted stale', async () => {
    const aggregator = new ClusterAggregator({ refreshTimeoutMs: 50 });
    const member = connectWorker(aggregator, '1');
    const counter = member.registry.register('jobs_total', new Counter());
    member.worker.start();
    counter.inc(2);
    member.worker.flush();
    member.state.muted = true;
    counter.inc(); // not sent yet: the request that would carry it is held
    const started = performance.now();
    const samples = await scrape(aggregator);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(total(samples, 'jobs_total')).toBe(2);
    expect(findSamples(samples, 'servermetrics_cluster_stale_workers')[0]?.value).toBe(1);
    // The worker's answer to that request arrives after its deadline: applied and counted.
    member.deliverHeld();
    const after = await waitFor('the late answer to count', async () => {
      const current = parseSamples(renderMetrics(aggregator) as string);
      return findSamples(current, 'servermetrics_cluster_late_messages_total')[0]?.value === 1
        ? current
        : undefined;
    });
    expect(total(after, 'jobs_total')).toBe(3);
  });

  it('drops malformed and conflicting messages, counts and logs them, and keeps serving', async () => {
    const logger = createRecordingLogger();
    const aggregator = new ClusterAggregator({ logger });
    const good = connectWorker(aggregator, '1');
    good.registry.register('jobs_total', new Counter()).inc();
    good.worker.start();
    const conflicting = connectWorker(aggregator, '2');
    conflicting.registry.register('jobs_total', new Gauge()).set(100);
    conflicting.worker.start();
    const hostile = aggregator.connect(() => true);
    for (const message of [
      { servermetrics: 'servermetrics:cluster', version: 1, kind: 'update', worker: 'x', values: [1, -5] },
      {
        servermetrics: 'servermetrics:cluster',
        version: 1,
        kind: 'update',
        worker: 'x',
        definitions: [{ id: 1, name: 'bad name', type: 'counter' }],
      },
      { servermetrics: 'servermetrics:cluster', version: 99, kind: 'update' },
      {
        servermetrics: 'servermetrics:cluster',
        version: 1,
        kind: 'update',
        worker: 'x',
        histograms: [7, 1, 1],
      },
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('trap');
          },
        },
      ),
    ]) {
      hostile.receive(message);
    }
    const samples = await scrape(aggregator);
    expect(total(samples, 'jobs_total')).toBe(1);
    // The four hostile messages and worker 2's conflicting definition; the Proxy is not ours: ignored.
    expect(findSamples(samples, 'servermetrics_cluster_invalid_messages_total')[0]?.value).toBe(5);
    expect(logger.messages.length).toBeGreaterThan(0);
  });

  it('a zero threshold inside a populated bucket is raised to its bound, as Prometheus does: no served bucket is split', async () => {
    const aggregator = new ClusterAggregator();
    const [narrow, wide] = ['1', '2'].map((name) => connectWorker(aggregator, name));
    // 0.0028 and 0.003 share the schema-3 bucket -67, (2^(-68/8), 2^(-67/8)]; 0.0029 lies inside it.
    const narrowHistogram = narrow!.registry.register('latency_seconds', new Histogram({ native: true }));
    const wideHistogram = wide!.registry.register(
      'latency_seconds',
      new Histogram({ native: { zeroThreshold: 0.0029 } }),
    );
    narrow!.worker.start();
    wide!.worker.start();
    for (const value of [0.0028, 0.003, 0.5]) narrowHistogram.observe(value);
    await aggregator.refresh();
    wideHistogram.observe(0.001);
    wideHistogram.observe(0.7);
    await aggregator.refresh();
    const family = aggregator
      .collect()
      .find((candidate) => candidate.name === 'latency_seconds') as HistogramFamily;
    const native = family.series[0]!.native!;
    const bound = nativeBucketUpperBound(-67, 3);
    expect(native.zeroThreshold).toBe(bound);
    const expected = bucketNativeObservations([0.0028, 0.003, 0.5, 0.001, 0.7], 3, bound);
    expect(native.zeroCount).toBe(3);
    expect(native.zeroCount).toBe(expected.zeroCount);
    expect(native.positive).toEqual(expected.positive);
  });

  it('a refused send of native increases is sent again with the next one, across a lowered schema: exact buckets', async () => {
    const aggregator = new ClusterAggregator({ refreshTimeoutMs: 50 });
    const member = connectWorker(aggregator, '1');
    const histogram = member.registry.register(
      'latency_seconds',
      new Histogram({ native: { maxBuckets: 10 } }),
    );
    member.worker.start();
    const values = logNormalSamples(300, 3).map((value, index) => (index % 4 === 0 ? -value : value));
    for (const value of values.slice(0, 20)) histogram.observe(value);
    await aggregator.refresh();
    const schemaBefore = histogram.value()!.native!.schema;
    member.state.failing = true;
    for (const value of values.slice(20, 200)) histogram.observe(value);
    await aggregator.refresh(); // refused: nothing arrives
    member.state.failing = false;
    for (const value of values.slice(200)) histogram.observe(value);
    await aggregator.refresh();
    const family = aggregator
      .collect()
      .find((candidate) => candidate.name === 'latency_seconds') as HistogramFamily;
    const native = family.series[0]!.native!;
    expect(native.schema).toBeLessThan(schemaBefore); // lowered while the sends were refused
    const expected = bucketNativeObservations(values, native.schema);
    expect(family.series[0]!.count).toBe(values.length);
    expect(native.positive).toEqual(expected.positive);
    expect(native.negative).toEqual(expected.negative);
  });

  it('refuses malformed native histogram increases, counts them and keeps what was valid', async () => {
    const aggregator = new ClusterAggregator({ logger: createRecordingLogger() });
    const worker = aggregator.connect(() => true);
    const update = (fields: Record<string, unknown>): void =>
      worker.receive({
        servermetrics: 'servermetrics:cluster',
        version: 1,
        kind: 'update',
        worker: 'x',
        ...fields,
      });
    update({
      definitions: [{ id: 1, name: 'h', type: 'histogram', labelNames: [], bucketBounds: [] }],
      newSeries: [1, 1, []],
      histograms: [1, 0.5, 1, 1],
      natives: [1, 3, 0, 0, 1, 5, 1, 0],
    });
    for (const natives of [
      'nope',
      [1, 9, 0, 0, 0, 0], // schema out of -4..8
      [1, 3, -1, 0, 0, 0], // negative zero threshold
      [1, 3, 0, 0, 2, 5, 1], // truncated
      [1, 3, 0, 0, 1, 5, -1, 0], // negative count
      [1, 3, 0, 0, 1, 1.5, 1, 0], // fractional bucket index
      [2, 3, 0, 0, 0, 0], // unknown series
    ]) {
      update({ natives });
    }
    const family = aggregator.collect().find((candidate) => candidate.name === 'h') as HistogramFamily;
    expect(family.series[0]!.native).toMatchObject({
      schema: 3,
      zeroCount: 0,
      positive: { spans: [{ offset: 5, length: 1 }], counts: [1] },
      negative: { spans: [], counts: [] },
    });
    // A classic increase without its native one (a worker of an older version, or a native
    // increase refused while its classic one was applied) leaves the native part short of the
    // count: the series is then served by its classic part only, as Prometheus would refuse it.
    update({ histograms: [1, 0.25, 1, 1] });
    expect(family.series[0]!.count).toBe(2);
    expect(family.series[0]!.native).toBeUndefined();
    const invalid = aggregator
      .collect()
      .find((candidate) => candidate.name === 'servermetrics_cluster_invalid_messages_total');
    expect((invalid!.series[0] as { value: number }).value).toBe(7);
  });

  it('keeps per-worker series for everything in perWorker mode', async () => {
    const aggregator = new ClusterAggregator({ perWorker: true });
    for (const name of ['a', 'b']) {
      const member = connectWorker(aggregator, name);
      member.registry.register('jobs_total', new Counter()).inc(name === 'a' ? 1 : 2);
      member.worker.start();
    }
    const samples = await scrape(aggregator);
    expect(
      findSamples(samples, 'jobs_total')
        .map((sample) => [sample.labels.worker, sample.value])
        .sort(),
    ).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it("perWorker: a restarted worker's gauge replaces the dead one's value of the same name (never adds to it)", async () => {
    const aggregator = new ClusterAggregator({ perWorker: true });
    const first = connectWorker(aggregator, '1');
    first.registry.register('in_flight', new Gauge()).set(5);
    first.worker.start();
    expect(findSamples(await scrape(aggregator), 'in_flight', { worker: '1' })[0]?.value).toBe(5);
    first.connection.close(); // its series stays for deadWorkerRetentionMs
    const replacement = connectWorker(aggregator, '1'); // PM2 restarts it under the same name
    replacement.registry.register('in_flight', new Gauge()).set(2);
    replacement.worker.start();
    const samples = findSamples(await scrape(aggregator), 'in_flight');
    expect(samples.map((sample) => [sample.labels.worker, sample.value])).toEqual([['1', 2]]);
  });

  it('throws InvalidOptionError on bad options and bad merge declarations', () => {
    expect(() => new ClusterAggregator({ refreshTimeoutMs: -1 })).toThrow(InvalidOptionError);
    expect(() => new ClusterAggregator({ workerLabel: '__x' })).toThrow(InvalidOptionError);
    expect(() => new ClusterAggregator({ merge: { a: 'avg' as never } })).toThrow(InvalidOptionError);
    expect(() => clusterMerge(new Counter(), 'max')).toThrow(InvalidOptionError);
    expect(() => clusterMerge({}, 'max')).toThrow(InvalidOptionError);
  });
});
