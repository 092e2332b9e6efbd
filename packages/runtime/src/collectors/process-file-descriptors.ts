import { Gauge } from '@servermetrics/core';
import type { ProcfsReader } from '../procfs/procfs-reader.js';
import type { RuntimeCollector, RuntimeMetricEntry } from '../runtime-collector.js';
import type { RuntimeGauge, StaticLabels } from '../static-labels.js';

/**
 * `process_open_fds` (entries of `/proc/self/fd`) and `process_max_fds` (the soft limit in
 * `/proc/self/limits`, `+Inf` when unlimited), each only where its file is readable when the
 * collector is created. Both are read at each collection.
 */
export function createProcessFileDescriptorsCollector(
  labels: StaticLabels,
  procfs: ProcfsReader,
): RuntimeCollector {
  const metrics: RuntimeMetricEntry[] = [];
  if (procfs.countOpenFileDescriptors() !== undefined) {
    const openFileDescriptors: RuntimeGauge = new Gauge({
      help: 'Number of open file descriptors.',
      labels: labels.schemaWith(),
      collect: () => {
        const count = procfs.countOpenFileDescriptors();
        if (count !== undefined) openSeries.set(count);
      },
    });
    const openSeries = labels.bindGauge(openFileDescriptors);
    metrics.push({ name: 'process_open_fds', metric: openFileDescriptors });
  }
  if (procfs.readMaxFileDescriptors() !== undefined) {
    const maxFileDescriptors: RuntimeGauge = new Gauge({
      help: 'Maximum number of open file descriptors.',
      labels: labels.schemaWith(),
      collect: () => {
        const limit = procfs.readMaxFileDescriptors();
        if (limit !== undefined) maxSeries.set(limit);
      },
    });
    const maxSeries = labels.bindGauge(maxFileDescriptors);
    metrics.push({ name: 'process_max_fds', metric: maxFileDescriptors });
  }
  return { metrics, start: () => {}, stop: () => {} };
}
