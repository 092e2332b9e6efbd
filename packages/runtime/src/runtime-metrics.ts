import {
  type AnyMetric,
  defaultRegistry,
  InvalidOptionError,
  type MetricRegistry,
} from '@servermetrics/core';
import { createActiveHandlesCollector } from './collectors/active-handles.js';
import { createActiveRequestsCollector } from './collectors/active-requests.js';
import { createActiveResourcesCollector } from './collectors/active-resources.js';
import { createEventLoopDelayCollector } from './collectors/event-loop-delay.js';
import { createEventLoopUtilizationCollector } from './collectors/event-loop-utilization.js';
import { createGarbageCollectionCollector } from './collectors/garbage-collection.js';
import { createHeapSizeCollector } from './collectors/heap-size.js';
import { createHeapSpacesCollector } from './collectors/heap-spaces.js';
import { createProcessCpuCollector } from './collectors/process-cpu.js';
import { createProcessFileDescriptorsCollector } from './collectors/process-file-descriptors.js';
import { createProcessMemoryCollector } from './collectors/process-memory.js';
import { createProcessStartTimeCollector } from './collectors/process-start-time.js';
import { createVersionCollector } from './collectors/version.js';
import { ProcfsReader } from './procfs/procfs-reader.js';
import type { RuntimeCollector } from './runtime-collector.js';
import {
  DEFAULT_EVENT_LOOP_RESOLUTION_MS,
  DEFAULT_GC_DURATION_BUCKETS,
  type RuntimeMetricGroups,
  type RuntimeMetricsOptions,
} from './runtime-metrics-options.js';
import { StaticLabels } from './static-labels.js';

/** RuntimeMetricGroups with every group decided. */
type ResolvedGroups = Required<RuntimeMetricGroups>;

const GROUP_NAMES: readonly (keyof RuntimeMetricGroups)[] = [
  'process',
  'eventLoop',
  'heap',
  'handles',
  'gc',
  'version',
];

/**
 * RuntimeMetrics exposes process and Node.js runtime metrics under prom-client 15's default
 * metric names, types, units and labels, plus event-loop utilization.
 *
 * - The constructor validates the options and does nothing else.
 * - `start()` creates the metrics (on the first start), registers them all into the registry
 *   (none when any name is taken: DuplicateMetricError, carrying the metric in the way), then
 *   starts the event-loop delay histogram and the GC observer. Snapshot values (CPU, memory,
 *   heap, handles, file descriptors) are read by collect hooks when an exporter collects.
 * - `stop()` disables the histogram, disconnects the GC observer, and unregisters every metric
 *   it registered, so the registry looks as before `start()`.
 * - `start()` after `stop()` registers the same metric objects again: counters and the GC
 *   histogram continue from their values (nothing is observed while stopped).
 *
 * Nothing it starts keeps the process alive; nothing runs at import.
 */
export class RuntimeMetrics {
  /** The registry the metrics go into. */
  readonly registry: MetricRegistry;
  /** The name prefix. */
  readonly prefix: string;
  private readonly staticLabels: StaticLabels;
  private readonly groups: ResolvedGroups;
  private readonly eventLoopResolutionMs: number;
  private readonly eventLoopSamplePerIteration: boolean;
  private readonly gcDurationBuckets: readonly number[];
  private readonly procfsPath: string | false;
  private collectors: RuntimeCollector[] | undefined;
  private registered: [string, AnyMetric][] = [];
  private running = false;

  /** Validates `options` (throws InvalidOptionError); starts nothing. */
  constructor(options: RuntimeMetricsOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError('options', 'RuntimeMetrics options must be an object.');
    }
    this.registry = options.registry ?? defaultRegistry;
    this.prefix = options.prefix ?? '';
    if (typeof this.prefix !== 'string') {
      throw new InvalidOptionError('prefix', 'prefix must be a string.');
    }
    this.staticLabels = new StaticLabels(options.labels);
    const groups = options.groups ?? {};
    for (const name of Object.keys(groups)) {
      if (!GROUP_NAMES.includes(name as keyof RuntimeMetricGroups)) {
        throw new InvalidOptionError(
          'groups',
          `unknown group "${name}"; groups are ${GROUP_NAMES.join(', ')}.`,
        );
      }
    }
    this.groups = {
      process: groups.process !== false,
      eventLoop: groups.eventLoop !== false,
      heap: groups.heap !== false,
      handles: groups.handles !== false,
      gc: groups.gc !== false,
      version: groups.version !== false,
    };
    const resolution = options.eventLoopResolutionMs ?? DEFAULT_EVENT_LOOP_RESOLUTION_MS;
    if (!(Number.isInteger(resolution) && resolution >= 1)) {
      throw new InvalidOptionError(
        'eventLoopResolutionMs',
        `eventLoopResolutionMs must be a whole number of milliseconds, at least 1, got ${String(resolution)}.`,
      );
    }
    this.eventLoopResolutionMs = resolution;
    this.eventLoopSamplePerIteration = options.eventLoopSamplePerIteration === true;
    this.gcDurationBuckets = options.gcDurationBuckets ?? DEFAULT_GC_DURATION_BUCKETS;
    const procfsPath = options.procfsPath ?? '/proc';
    if (procfsPath !== false && (typeof procfsPath !== 'string' || procfsPath === '')) {
      throw new InvalidOptionError('procfsPath', 'procfsPath must be a directory path or false.');
    }
    this.procfsPath = procfsPath;
  }

  /** True between `start()` and `stop()`. */
  get isRunning(): boolean {
    return this.running;
  }

  /**
   * The names (prefix included) of the metrics this instance registers, in registration order.
   * Empty before the first `start()`: which metrics exist depends on the runtime (procfs,
   * Node.js APIs), probed when they are created.
   */
  metricNames(): string[] {
    return (this.collectors ?? []).flatMap((collector) =>
      collector.metrics.map((entry) => this.prefix + entry.name),
    );
  }

  /**
   * Registers the metrics and starts observing. Returns `this`. A no-op when already running.
   * Throws DuplicateMetricError (registering nothing) when a name is already taken in the
   * registry, e.g. by another RuntimeMetrics or by prom-client-style metrics of the app.
   */
  start(): this {
    if (this.running) return this;
    this.collectors ??= this.createCollectors();
    const entries: [string, AnyMetric][] = this.collectors.flatMap((collector) =>
      collector.metrics.map((entry): [string, AnyMetric] => [this.prefix + entry.name, entry.metric]),
    );
    // Atomic: a taken name throws DuplicateMetricError (with the metric there) and registers nothing.
    this.registry.registerCollection(Object.fromEntries(entries));
    this.registered = entries;
    for (const collector of this.collectors) collector.start();
    this.running = true;
    return this;
  }

  /**
   * Stops every observer and timer and unregisters every metric `start()` registered (a metric
   * someone else has since put under the same name stays). Idempotent.
   */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const collector of this.collectors ?? []) collector.stop();
    for (const [name, metric] of this.registered) this.unregisterIfOurs(name, metric);
    this.registered = [];
  }

  private unregisterIfOurs(name: string, metric: AnyMetric): void {
    if (this.registry.get(name) === metric) this.registry.unregister(name);
  }

  private createCollectors(): RuntimeCollector[] {
    const labels = this.staticLabels;
    const collectors: RuntimeCollector[] = [];
    if (this.groups.process) {
      const procfs = new ProcfsReader(this.procfsPath);
      collectors.push(
        createProcessCpuCollector(labels),
        createProcessStartTimeCollector(labels),
        createProcessMemoryCollector(labels, procfs),
        createProcessFileDescriptorsCollector(labels, procfs),
      );
    }
    if (this.groups.eventLoop) {
      collectors.push(
        createEventLoopDelayCollector(labels, {
          resolutionMs: this.eventLoopResolutionMs,
          samplePerIteration: this.eventLoopSamplePerIteration,
        }),
        createEventLoopUtilizationCollector(labels),
      );
    }
    if (this.groups.handles) {
      collectors.push(
        createActiveHandlesCollector(labels),
        createActiveRequestsCollector(labels),
        createActiveResourcesCollector(labels),
      );
    }
    if (this.groups.heap) collectors.push(createHeapSizeCollector(labels), createHeapSpacesCollector(labels));
    if (this.groups.version) collectors.push(createVersionCollector(labels));
    if (this.groups.gc) collectors.push(createGarbageCollectionCollector(labels, this.gcDurationBuckets));
    return collectors.filter((collector) => collector.metrics.length > 0);
  }
}

/**
 * Creates RuntimeMetrics with `options` and starts it: the one call that replaces prom-client's
 * `collectDefaultMetrics()`. Call `stop()` on the result to disconnect and unregister everything.
 */
export function startRuntimeMetrics(options: RuntimeMetricsOptions = {}): RuntimeMetrics {
  return new RuntimeMetrics(options).start();
}
