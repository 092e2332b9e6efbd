import {
  type CollectHookFailure,
  Counter,
  type CounterFamily,
  type GaugeFamily,
  type MetricFamily,
  type MetricProducer,
  MetricRegistry,
} from '@servermetrics/core';
import {
  createRecordingLogger,
  type RecordingLogger,
  type StatsdDaemon,
  startStatsdDaemon,
  startUdpListener,
  type UdpListener,
} from '@servermetrics/testing';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { StatsdExporter } from './statsd-exporter.js';
import type { StatsdExporterOptions } from './statsd-exporter-options.js';

let listener: UdpListener;
let daemon: StatsdDaemon;
const exporters: StatsdExporter[] = [];

beforeAll(async () => {
  listener = await startUdpListener();
  daemon = await startStatsdDaemon();
}, 30_000);

afterEach(async () => {
  await Promise.all(exporters.splice(0).map((exporter) => exporter.stop()));
  listener.clear();
});

afterAll(async () => {
  await listener.close();
  await daemon?.stop();
});

function exporterFor(options: StatsdExporterOptions): StatsdExporter {
  const exporter = new StatsdExporter({
    port: listener.port,
    dialect: 'statsd',
    sendOlderThanMs: 0,
    logger: createRecordingLogger(),
    ...options,
  });
  exporters.push(exporter);
  return exporter;
}

/** Flushes and returns the lines of every packet the flush sent (failing on a failed packet). */
function flushAndReceive(exporter: StatsdExporter): Promise<string[]> {
  return listener.linesOf(() => exporter.flush()).then((lines) => lines.sort());
}

/** A user's job queue: jobs wait in an array; the worker counts what it processed. */
class JobQueue {
  readonly waiting: unknown[] = [];
  processed = 0;
}

/**
 * A user-written MetricProducer following the contract: one view object per series, kept across
 * collects, whose `updateCount` grows when its value changes; a stable `metric` per family.
 */
class JobQueueProducer implements MetricProducer {
  readonly logger: RecordingLogger = createRecordingLogger();
  private readonly depth = { labelValues: [] as string[], value: 0, updateCount: 0 };
  private readonly processed = { labelValues: [] as string[], value: 0, updateCount: 0 };
  private readonly families: readonly MetricFamily[];

  constructor(private readonly queue: JobQueue) {
    const processed: CounterFamily = {
      type: 'counter',
      name: 'jobs_processed_total',
      help: 'Jobs processed.',
      unit: undefined,
      labelNames: [],
      metric: {},
      series: [this.processed],
    };
    const depth: GaugeFamily = {
      type: 'gauge',
      name: 'jobs_queue_depth',
      help: 'Jobs waiting.',
      unit: undefined,
      labelNames: [],
      metric: {},
      series: [this.depth],
    };
    this.families = [processed, depth];
  }

  collect(): readonly MetricFamily[] {
    update(this.depth, this.queue.waiting.length);
    update(this.processed, this.queue.processed);
    return this.families;
  }
}

function update(series: { value: number; updateCount: number }, value: number): void {
  if (series.value === value) return;
  series.value = value;
  series.updateCount++;
}

describe('StatsdExporter pushing a hand-written MetricProducer', () => {
  test('sends its gauge values and counter deltas, and only what changed', async () => {
    const queue = new JobQueue();
    const producer = new JobQueueProducer(queue);
    const registry = new MetricRegistry({ logger: createRecordingLogger() });
    const done = registry.register('jobs_done_total', new Counter({ help: 'd' }));
    const exporter = exporterFor({ registries: [registry, producer] });

    queue.waiting.push('a', 'b', 'c');
    queue.processed = 5;
    done.inc();
    expect(await flushAndReceive(exporter)).toEqual([
      'jobs_done_total:1|c',
      'jobs_processed_total:5|c',
      'jobs_queue_depth:3|g',
    ]);
    expect((await exporter.flush()).linesSent).toBe(0);
    queue.waiting.pop();
    queue.processed = 8;
    expect(await flushAndReceive(exporter)).toEqual(['jobs_processed_total:3|c', 'jobs_queue_depth:2|g']);
    expect(producer.logger.messages).toEqual([]);
  });

  test('a single producer (not in an array) is accepted; a non-producer is refused', () => {
    const producer = new JobQueueProducer(new JobQueue());
    expect(() => exporterFor({ registries: producer })).not.toThrow();
    expect(() => exporterFor({ registries: [{ collect: 5 } as never] })).toThrow(
      /registries must be a MetricRegistry or another MetricProducer/,
    );
  });

  test('a producer whose refresh rejects or hangs does not break the flush', async () => {
    const queue = new JobQueue();
    queue.waiting.push('a');
    const producer = new JobQueueProducer(queue);
    const rejecting = new (class RejectingProducer implements MetricProducer {
      collect(): readonly MetricFamily[] {
        return [];
      }
      refresh(): Promise<readonly CollectHookFailure[]> {
        return Promise.reject(new Error('queue service down'));
      }
    })();
    const hanging: MetricProducer = {
      collect: () => [],
      refresh: () => new Promise(() => {}),
    };
    const logger = createRecordingLogger();
    const exporter = exporterFor({
      registries: [rejecting, hanging, producer],
      refreshTimeoutMs: 100,
      logger,
    });
    const started = performance.now();
    expect(await flushAndReceive(exporter)).toEqual(['jobs_processed_total:0|c', 'jobs_queue_depth:1|g']);
    expect(performance.now() - started).toBeLessThan(5000);
    queue.waiting.push('b');
    expect(await flushAndReceive(exporter)).toEqual(['jobs_queue_depth:2|g']);
    const messages = logger.messages.map((entry) => entry.message).join('\n');
    expect(messages).toMatch(/RejectingProducer\.refresh\(\) failed: Error: queue service down/);
    expect(messages).toMatch(/producer\.refresh\(\) failed: .*did not settle within 100 ms/);
  });

  test('merged eviction counters of two registries are sent as correct deltas across flushes', async () => {
    const first = new MetricRegistry({ logger: createRecordingLogger() });
    const second = new MetricRegistry({ logger: createRecordingLogger() });
    const left = first.register('left_total', new Counter({ help: 'l', labels: { n: 'int' }, maxCells: 1 }));
    const right = second.register(
      'right_total',
      new Counter({ help: 'r', labels: { n: 'int' }, maxCells: 1 }),
    );
    const exporter = exporterFor({ registries: [first, second] });
    left.inc({ n: 1 });
    left.inc({ n: 2 });
    right.inc({ n: 1 });
    right.inc({ n: 2 });
    const evictions = (lines: string[]): string[] =>
      lines.filter((line) => line.startsWith('servermetrics_evicted_cells_total'));
    expect(evictions(await flushAndReceive(exporter))).toEqual([
      'servermetrics_evicted_cells_total;metric=left_total:1|c',
      'servermetrics_evicted_cells_total;metric=right_total:1|c',
    ]);
    left.inc({ n: 3 });
    left.inc({ n: 4 });
    expect(evictions(await flushAndReceive(exporter))).toEqual([
      'servermetrics_evicted_cells_total;metric=left_total:2|c',
    ]);
  });

  test('a real Etsy statsd daemon adds up the producer counter and keeps its gauge', async () => {
    const queue = new JobQueue();
    const producer = new JobQueueProducer(queue);
    const exporter = exporterFor({ port: daemon.port, registries: [producer], prefix: 'custom' });
    let lines = 0;
    for (const [waiting, processed] of [
      [4, 2],
      [4, 2],
      [1, 7],
      [0, 10],
    ] as const) {
      queue.waiting.length = 0;
      for (let index = 0; index < waiting; index++) queue.waiting.push(index);
      queue.processed = processed;
      const result = await exporter.flush();
      expect(result.packetsFailed).toBe(0);
      lines += result.linesSent;
    }
    expect(lines).toBe(6);
    await daemon.waitForLines(lines);
    expect((await daemon.counters())['custom.jobs_processed_total']).toBe(10);
    expect((await daemon.gauges())['custom.jobs_queue_depth']).toBe(0);
    expect((await daemon.counters())['statsd.bad_lines_seen']).toBe(0);
  }, 30_000);
});
