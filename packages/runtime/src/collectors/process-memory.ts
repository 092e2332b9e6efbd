import { Gauge } from '@servermetrics/core';
import type { ProcfsReader } from '../procfs/procfs-reader.js';
import type { RuntimeCollector, RuntimeMetricEntry } from '../runtime-collector.js';
import type { RuntimeGauge, StaticLabels } from '../static-labels.js';

/**
 * `process_resident_memory_bytes` everywhere, plus `process_virtual_memory_bytes` and
 * `process_heap_bytes` (VmSize and VmData) where `/proc/self/status` is readable. The resident
 * size comes from `/proc/self/status` (VmRSS) when readable, else from `process.memoryUsage.rss()`.
 * Whether procfs is readable is decided once, when the collector is created.
 */
export function createProcessMemoryCollector(labels: StaticLabels, procfs: ProcfsReader): RuntimeCollector {
  const hasStatus = procfs.readMemoryStatus() !== undefined;
  const resident: RuntimeGauge = new Gauge({
    help: 'Resident memory size in bytes.',
    labels: labels.schemaWith(),
    collect: () => {
      const status = hasStatus ? procfs.readMemoryStatus() : undefined;
      if (status !== undefined) {
        residentSeries.set(status.residentBytes);
        virtualSeries?.set(status.virtualBytes);
        heapSeries?.set(status.dataBytes);
        return;
      }
      const rss = readResidentSetSize();
      if (rss !== undefined) residentSeries.set(rss);
    },
  });
  const residentSeries = labels.bindGauge(resident);
  const metrics: RuntimeMetricEntry[] = [{ name: 'process_resident_memory_bytes', metric: resident }];
  let virtualSeries: ReturnType<StaticLabels['bindGauge']> | undefined;
  let heapSeries: ReturnType<StaticLabels['bindGauge']> | undefined;
  if (hasStatus) {
    const virtual: RuntimeGauge = new Gauge({
      help: 'Virtual memory size in bytes.',
      labels: labels.schemaWith(),
    });
    const heap: RuntimeGauge = new Gauge({
      help: 'Process heap size in bytes.',
      labels: labels.schemaWith(),
    });
    virtualSeries = labels.bindGauge(virtual);
    heapSeries = labels.bindGauge(heap);
    metrics.push(
      { name: 'process_virtual_memory_bytes', metric: virtual },
      { name: 'process_heap_bytes', metric: heap },
    );
  }
  return { metrics, start: () => {}, stop: () => {} };
}

/** `process.memoryUsage.rss()` (cheaper than `process.memoryUsage()`), undefined where it throws or is missing. */
function readResidentSetSize(): number | undefined {
  try {
    const memoryUsage = process.memoryUsage;
    return typeof memoryUsage.rss === 'function' ? memoryUsage.rss() : memoryUsage().rss;
  } catch {
    return undefined;
  }
}
