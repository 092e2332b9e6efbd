import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { type BoundGauge, Gauge } from '@servermetrics/core';
import { emptyCollector, type RuntimeCollector, type RuntimeMetricEntry } from '../runtime-collector.js';
import type { RuntimeGauge, StaticLabels } from '../static-labels.js';

/** Options of the event-loop delay collector. */
export interface EventLoopDelayOptions {
  /** Sampling interval of the timer sampler, in milliseconds (integer, at least 1). */
  resolutionMs: number;
  /** Sample once per loop iteration where the running Node.js offers it. */
  samplePerIteration: boolean;
}

/**
 * True when `monitorEventLoopDelay` honours `samplePerIteration` on this Node.js version
 * (24.19+ and 26.5+). Older versions ignore the option silently, so it cannot be detected
 * by trying it.
 */
export function supportsSamplePerIteration(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 24) return minor >= 19;
  if (major === 26) return minor >= 5;
  return major > 26;
}

const STATISTICS = [
  ['min', 'The minimum recorded event loop delay.'],
  ['max', 'The maximum recorded event loop delay.'],
  ['mean', 'The mean of the recorded event loop delays.'],
  ['stddev', 'The standard deviation of the recorded event loop delays.'],
  ['p50', 'The 50th percentile of the recorded event loop delays.'],
  ['p90', 'The 90th percentile of the recorded event loop delays.'],
  ['p99', 'The 99th percentile of the recorded event loop delays.'],
] as const;

type Statistic = (typeof STATISTICS)[number][0];

/**
 * `nodejs_eventloop_lag_seconds` and `nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds`
 * from a `monitorEventLoopDelay` histogram running between collections.
 *
 * Each collection reports the delays recorded since the previous collection, then resets the
 * histogram (prom-client's semantics); a collection with no new sample keeps the previous
 * values. The statistics are the histogram's, unchanged: with the timer sampler every sample
 * includes the resolution (an idle loop shows about 10 ms), as in prom-client.
 * `nodejs_eventloop_lag_seconds` is the mean delay beyond the resolution (the mean itself when
 * sampling per iteration): how late the loop ran, measured on the loop between collections,
 * not on the scrape.
 */
export function createEventLoopDelayCollector(
  labels: StaticLabels,
  options: EventLoopDelayOptions,
): RuntimeCollector {
  if (typeof monitorEventLoopDelay !== 'function') return emptyCollector();
  const perIteration = options.samplePerIteration && supportsSamplePerIteration();
  const offsetNanoseconds = perIteration ? 0 : options.resolutionMs * 1e6;
  let histogram: IntervalHistogram | undefined;
  const lag: RuntimeGauge = new Gauge({
    help: 'Lag of event loop in seconds.',
    labels: labels.schemaWith(),
    collect: () => {
      if (histogram === undefined || histogram.count === 0) return;
      lagSeries.set(Math.max(0, histogram.mean - offsetNanoseconds) / 1e9);
      statisticSeries.min.set(histogram.min / 1e9);
      statisticSeries.max.set(histogram.max / 1e9);
      statisticSeries.mean.set(histogram.mean / 1e9);
      statisticSeries.stddev.set(histogram.stddev / 1e9);
      statisticSeries.p50.set(histogram.percentile(50) / 1e9);
      statisticSeries.p90.set(histogram.percentile(90) / 1e9);
      statisticSeries.p99.set(histogram.percentile(99) / 1e9);
      histogram.reset();
    },
  });
  const lagSeries = labels.bindGauge(lag);
  const metrics: RuntimeMetricEntry[] = [{ name: 'nodejs_eventloop_lag_seconds', metric: lag }];
  const statisticSeries = {} as Record<Statistic, BoundGauge>;
  for (const [statistic, help] of STATISTICS) {
    const gauge: RuntimeGauge = new Gauge({ help, labels: labels.schemaWith() });
    statisticSeries[statistic] = labels.bindGauge(gauge);
    metrics.push({ name: `nodejs_eventloop_lag_${statistic}_seconds`, metric: gauge });
  }
  return {
    metrics,
    start: () => {
      if (histogram !== undefined) return;
      const monitorOptions = perIteration
        ? ({ resolution: options.resolutionMs, samplePerIteration: true } as { resolution: number })
        : { resolution: options.resolutionMs };
      try {
        const created = monitorEventLoopDelay(monitorOptions);
        created.enable();
        histogram = created;
      } catch {
        // A runtime that declares the API without implementing it (Bun): the gauges stay unset.
        histogram = undefined;
      }
    },
    stop: () => {
      histogram?.disable();
      histogram = undefined;
    },
  };
}
