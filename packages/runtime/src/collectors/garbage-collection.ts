import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { type BoundHistogram, Histogram } from '@servermetrics/core';
import { emptyCollector, type RuntimeCollector } from '../runtime-collector.js';
import type { RuntimeHistogram, StaticLabels } from '../static-labels.js';

/** The `kind` label of a GC entry, by `detail.kind` (prom-client's four names). */
export function garbageCollectionKind(kind: number | undefined): string {
  switch (kind) {
    case constants.NODE_PERFORMANCE_GC_MAJOR:
      return 'major';
    case constants.NODE_PERFORMANCE_GC_MINOR:
      return 'minor';
    case constants.NODE_PERFORMANCE_GC_INCREMENTAL:
      return 'incremental';
    case constants.NODE_PERFORMANCE_GC_WEAKCB:
      return 'weakcb';
    default:
      return 'unknown';
  }
}

/**
 * `nodejs_gc_duration_seconds{kind}`: one observation per garbage collection, from a
 * `PerformanceObserver` on `gc` entries connected by `start()` and disconnected by `stop()`.
 * Every entry of a delivered batch is observed (prom-client observes only the first).
 */
export function createGarbageCollectionCollector(
  labels: StaticLabels,
  buckets: readonly number[],
): RuntimeCollector {
  if (typeof PerformanceObserver !== 'function') return emptyCollector();
  const duration: RuntimeHistogram = new Histogram({
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labels: labels.schemaWith({ kind: 'string' }),
    buckets,
  });
  let observer: PerformanceObserver | undefined;
  // Bound on the first collection of each kind, so a kind never seen has no series.
  const seriesByKind = new Map<string, BoundHistogram>();
  const record = (entry: PerformanceEntry): void => {
    const kind = garbageCollectionKind((entry as { detail?: { kind?: number } }).detail?.kind);
    let series = seriesByKind.get(kind);
    if (series === undefined) {
      series = labels.bindHistogram(duration, { kind });
      seriesByKind.set(kind, series);
    }
    series.observe(entry.duration / 1000);
  };
  return {
    metrics: [{ name: 'nodejs_gc_duration_seconds', metric: duration }],
    start: () => {
      if (observer !== undefined) return;
      const created = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) record(entry);
      });
      try {
        created.observe({ entryTypes: ['gc'] });
        observer = created;
      } catch {
        // No `gc` entries on this runtime: the histogram stays empty.
      }
    },
    stop: () => {
      observer?.disconnect();
      observer = undefined;
    },
  };
}
