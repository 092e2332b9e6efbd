import { createServer } from 'node:http';
import {
  type CollectHookFailure,
  Counter,
  type GaugeFamily,
  type HistogramFamily,
  type MetricFamily,
  type MetricProducer,
  MetricRegistry,
} from '@servermetrics/core';
import {
  checkOpenMetrics,
  createRecordingLogger,
  parseExposition,
  promtoolCheckMetrics,
  runningApps,
  send,
} from '@servermetrics/testing';
import { describe, expect, it } from 'vitest';
import { metricsHandler } from './metrics-handler.js';
import type { MetricsHandlerOptions } from './metrics-responder.js';

const apps = runningApps();

/** Serves `metricsHandler(options)` on a loopback port until the test ends; returns its URL. */
async function serve(options: MetricsHandlerOptions): Promise<string> {
  return `${await apps.serve(createServer(metricsHandler(options)))}/metrics`;
}

/** A user's job queues, whose depths are read at scrape time by the producer below. */
class JobQueues {
  readonly waiting = new Map<string, unknown[]>([
    ['email', [1, 2, 3]],
    ['thumbnails', []],
  ]);
  /** Like a remote queue: its age is only known after an asynchronous call. */
  async oldestAgeSeconds(): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return 12.5;
  }
}

/**
 * A user-written MetricProducer: one gauge family labelled by queue, read on every collect, and
 * one gauge refreshed asynchronously before the scrape. Views are kept per series and
 * `updateCount` grows when a value changes, as the MetricProducer contract asks.
 */
class JobQueueProducer implements MetricProducer {
  readonly logger = createRecordingLogger();
  private readonly depthSeries = new Map<
    string,
    { labelValues: string[]; value: number; updateCount: number }
  >();
  private readonly ageSeries = { labelValues: [], value: 0, updateCount: 0 };
  private readonly families: [GaugeFamily, GaugeFamily];

  constructor(private readonly queues: JobQueues) {
    this.families = [
      {
        type: 'gauge',
        name: 'jobs_oldest_age_seconds',
        help: 'Age of the oldest waiting job.',
        unit: 'seconds',
        labelNames: [],
        metric: {},
        series: [this.ageSeries],
      },
      {
        type: 'gauge',
        name: 'jobs_queue_depth',
        help: 'Jobs waiting, per queue.',
        unit: undefined,
        labelNames: ['queue'],
        metric: {},
        series: [],
      },
    ];
  }

  async refresh(): Promise<readonly CollectHookFailure[]> {
    const age = await this.queues.oldestAgeSeconds();
    if (age !== this.ageSeries.value) {
      this.ageSeries.value = age;
      this.ageSeries.updateCount++;
    }
    return [];
  }

  collect(): readonly MetricFamily[] {
    for (const [queue, jobs] of this.queues.waiting) {
      let series = this.depthSeries.get(queue);
      if (series === undefined) {
        series = { labelValues: [queue], value: jobs.length, updateCount: 1 };
        this.depthSeries.set(queue, series);
      } else if (series.value !== jobs.length) {
        series.value = jobs.length;
        series.updateCount++;
      }
    }
    this.families[1] = { ...this.families[1], series: [...this.depthSeries.values()] };
    return this.families;
  }
}

describe('metricsHandler serving a hand-written MetricProducer', () => {
  it('serves a custom producer beside a registry, valid for promtool, with values read at scrape time', async () => {
    const registry = new MetricRegistry({ logger: createRecordingLogger() });
    registry.register('jobs_done_total', new Counter({ help: 'Jobs done.' })).inc(4);
    const queues = new JobQueues();
    const producer = new JobQueueProducer(queues);
    const url = await serve({ registry: [registry, producer] });

    const first = (await send(url)).body;
    expect(first).toBe(
      '# HELP jobs_done_total Jobs done.\n# TYPE jobs_done_total counter\njobs_done_total 4\n' +
        '# HELP jobs_oldest_age_seconds Age of the oldest waiting job.\n# TYPE jobs_oldest_age_seconds gauge\n' +
        'jobs_oldest_age_seconds 12.5\n' +
        '# HELP jobs_queue_depth Jobs waiting, per queue.\n# TYPE jobs_queue_depth gauge\n' +
        'jobs_queue_depth{queue="email"} 3\njobs_queue_depth{queue="thumbnails"} 0\n',
    );
    const check = await promtoolCheckMetrics(first);
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);

    queues.waiting.get('thumbnails')!.push('a.png', 'b.png');
    const openMetrics = await send(url, { headers: { accept: 'application/openmetrics-text' } });
    expect(await checkOpenMetrics(openMetrics.body)).toEqual({ ok: true, error: '' });
    const families = parseExposition(openMetrics.body, 'openmetrics');
    const depth = families.find((family) => family.name === 'jobs_queue_depth')!;
    expect(depth.samples.map((sample) => [sample.labels, sample.value])).toEqual([
      [[['queue', 'email']], 3],
      [[['queue', 'thumbnails']], 2],
    ]);
    expect(producer.logger.messages).toEqual([]);
  }, 30_000);

  it('a producer whose refresh rejects or hangs, or that throws, does not break the scrape', async () => {
    const registry = new MetricRegistry({ logger: createRecordingLogger() });
    registry.register('jobs_done_total', new Counter({ help: 'Jobs done.' })).inc();
    const rejecting = new (class RejectingProducer implements MetricProducer {
      readonly logger = createRecordingLogger();
      collect(): readonly MetricFamily[] {
        return [];
      }
      refresh(): Promise<readonly CollectHookFailure[]> {
        return Promise.reject(new Error('queue service down'));
      }
    })();
    const histogram: HistogramFamily = {
      type: 'histogram',
      name: 'stuck_wait_seconds',
      help: 'Wait.',
      unit: 'seconds',
      labelNames: [],
      metric: {},
      bucketBounds: [1],
      series: [{ labelValues: [], bucketCounts: [1, 1], sum: 3, count: 2, updateCount: 2 }],
    };
    const hanging = new (class HangingProducer implements MetricProducer {
      readonly logger = createRecordingLogger();
      collect(): readonly MetricFamily[] {
        return [histogram];
      }
      refresh(): Promise<readonly CollectHookFailure[]> {
        return new Promise(() => {});
      }
    })();
    const url = await serve({ registry: [registry, rejecting, hanging], refreshTimeoutMs: 100 });
    for (let scrape = 0; scrape < 2; scrape++) {
      const started = performance.now();
      const response = await send(url);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(response.status).toBe(200);
      const body = response.body;
      expect(body).toContain('jobs_done_total 1\n');
      expect(body).toContain('stuck_wait_seconds_bucket{le="+Inf"} 2\n');
    }
    expect(rejecting.logger.messages[0]?.message).toMatch(
      /RejectingProducer\.refresh\(\) failed: Error: queue service down/,
    );
    expect(hanging.logger.messages[0]?.message).toMatch(
      /HangingProducer\.refresh\(\) failed: .*did not settle within 100 ms/,
    );

    const throwing: MetricProducer = {
      collect: () => {
        throw new Error('collect boom');
      },
    };
    const log = createRecordingLogger();
    const broken = new MetricRegistry({ logger: log });
    const brokenUrl = await serve({ registry: [broken, throwing] });
    const response = await send(brokenUrl);
    expect(response.status).toBe(500);
    expect(log.messages.map((entry) => entry.message).join('\n')).toContain('collect boom');
  }, 30_000);

  it('rejects an option that is not a producer, and a bad refreshTimeoutMs', () => {
    expect(() => metricsHandler({ registry: [{ collect: 'no' } as never] })).toThrow(
      /registry must be a MetricRegistry or another MetricProducer/,
    );
    expect(() => metricsHandler({ refreshTimeoutMs: 0 })).toThrow(
      /refreshTimeoutMs must be a positive number/,
    );
  });
});
