import type { GaugeFamily, MetricFamily, MetricProducer } from '@servermetrics/core';

/** Anything with a length, e.g. an array of jobs waiting to run. */
export interface JobQueue {
  readonly length: number;
}

/**
 * QueueDepthProducer serves `jobs_queue_depth{queue=...}`: each queue's length, read at scrape
 * (or flush) time, with no metric to keep up to date in between. Pass it to an exporter beside
 * (or instead of) a registry: `metricsHandler({ registry: [defaultRegistry, producer] })`.
 *
 * It keeps one view object per series and bumps `updateCount` when a length changes, as the
 * MetricProducer contract asks (the StatsD exporter only sends series whose updateCount moved).
 */
export class QueueDepthProducer implements MetricProducer {
  private readonly series = new Map<string, { labelValues: [string]; value: number; updateCount: number }>();
  private readonly family: GaugeFamily = {
    type: 'gauge',
    name: 'jobs_queue_depth',
    help: 'Jobs waiting, per queue.',
    unit: undefined,
    labelNames: ['queue'],
    metric: this, // any object that stays the same for this family
    series: [],
  };

  constructor(private readonly queues: ReadonlyMap<string, JobQueue>) {}

  collect(): readonly MetricFamily[] {
    for (const [queue, jobs] of this.queues) {
      const view = this.series.get(queue);
      if (view === undefined) {
        this.series.set(queue, { labelValues: [queue], value: jobs.length, updateCount: 1 });
      } else if (view.value !== jobs.length) {
        view.value = jobs.length;
        view.updateCount++;
      }
    }
    return [{ ...this.family, series: [...this.series.values()] }];
  }
}
