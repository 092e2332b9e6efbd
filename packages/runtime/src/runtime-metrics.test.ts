import { createServer } from 'node:net';
import {
  DuplicateMetricError,
  Gauge,
  InvalidOptionError,
  type MetricFamily,
  MetricRegistry,
} from '@servermetrics/core';
import { afterEach, describe, expect, it } from 'vitest';
import { blockEventLoop, burnUserCpu, collectByName, onlyValue, sleep } from './fixtures/collect-families.js';
import { RuntimeMetrics, startRuntimeMetrics } from './runtime-metrics.js';

const running: RuntimeMetrics[] = [];

/** Starts runtime metrics into a fresh registry and remembers them for afterEach. */
function start(options: ConstructorParameters<typeof RuntimeMetrics>[0] = {}): {
  registry: MetricRegistry;
  runtime: RuntimeMetrics;
} {
  const registry = options.registry ?? new MetricRegistry();
  const runtime = startRuntimeMetrics({ ...options, registry });
  running.push(runtime);
  return { registry, runtime };
}

afterEach(() => {
  for (const runtime of running.splice(0)) runtime.stop();
});

describe('RuntimeMetrics values', () => {
  it('counts CPU seconds of the whole process and they grow after busy work', async () => {
    const { registry } = start();
    const before = await collectByName(registry);
    const userBefore = onlyValue(before, 'process_cpu_user_seconds_total');
    const totalBefore = onlyValue(before, 'process_cpu_seconds_total');
    expect(userBefore).toBeGreaterThan(0); // CPU spent before start() counts too
    burnUserCpu(150);
    const after = await collectByName(registry);
    expect(onlyValue(after, 'process_cpu_user_seconds_total') - userBefore).toBeGreaterThan(0.05);
    expect(onlyValue(after, 'process_cpu_seconds_total') - totalBefore).toBeGreaterThan(0.05);
    expect(onlyValue(after, 'process_cpu_seconds_total')).toBeCloseTo(
      onlyValue(after, 'process_cpu_user_seconds_total') +
        onlyValue(after, 'process_cpu_system_seconds_total'),
      3,
    );
  });

  it('reports plausible memory, heap, start time and version', async () => {
    const { registry } = start();
    const families = await collectByName(registry);
    const resident = onlyValue(families, 'process_resident_memory_bytes');
    expect(resident).toBeGreaterThan(10 * 1024 * 1024);
    expect(onlyValue(families, 'process_virtual_memory_bytes')).toBeGreaterThan(resident);
    expect(onlyValue(families, 'process_heap_bytes')).toBeGreaterThan(0);
    const heapTotal = onlyValue(families, 'nodejs_heap_size_total_bytes');
    const heapUsed = onlyValue(families, 'nodejs_heap_size_used_bytes');
    expect(heapUsed).toBeGreaterThan(0);
    expect(heapUsed).toBeLessThanOrEqual(heapTotal);
    expect(onlyValue(families, 'nodejs_external_memory_bytes')).toBeGreaterThan(0);
    const startTime = onlyValue(families, 'process_start_time_seconds');
    expect(startTime).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    expect(startTime).toBeGreaterThan(Date.now() / 1000 - process.uptime() - 2);
    expect(onlyValue(families, 'process_open_fds')).toBeGreaterThan(2);
    expect(onlyValue(families, 'process_max_fds')).toBeGreaterThan(onlyValue(families, 'process_open_fds'));

    const spaces = families.get('nodejs_heap_space_size_used_bytes')!;
    const spaceNames = spaces.series.map((series) => series.labelValues[0]);
    expect(spaceNames).toEqual(expect.arrayContaining(['new', 'old', 'code', 'large_object']));
    expect(spaceNames.every((name) => typeof name === 'string' && !String(name).endsWith('_space'))).toBe(
      true,
    );
    const oldTotal = families
      .get('nodejs_heap_space_size_total_bytes')!
      .series.find((series) => series.labelValues[0] === 'old');
    expect(oldTotal && 'value' in oldTotal ? oldTotal.value : 0).toBeGreaterThan(0);

    const version = families.get('nodejs_version_info')!;
    expect(version.labelNames).toEqual(['version', 'major', 'minor', 'patch']);
    const [major, minor, patch] = process.versions.node.split('.').map(Number);
    expect(version.series.map((series) => [...series.labelValues])).toEqual([
      [process.version, major, minor, patch],
    ]);
    expect(onlyValue(families, 'nodejs_version_info')).toBe(1);
  });

  it('shows a deliberate 200 ms block in the event-loop delay max, and resets per collection', async () => {
    const { registry } = start();
    await sleep(100);
    await collectByName(registry); // starts a fresh interval
    await sleep(50);
    blockEventLoop(200);
    await sleep(50);
    const families = await collectByName(registry);
    const blockedMax = onlyValue(families, 'nodejs_eventloop_lag_max_seconds'); // views are live: copy
    expect(blockedMax).toBeGreaterThan(0.19);
    expect(onlyValue(families, 'nodejs_eventloop_lag_min_seconds')).toBeGreaterThan(0);
    expect(onlyValue(families, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0.19);
    expect(onlyValue(families, 'nodejs_eventloop_lag_seconds')).toBeGreaterThan(0);
    expect(onlyValue(families, 'nodejs_eventloop_utilization_ratio')).toBeGreaterThan(0.3);
    expect(onlyValue(families, 'nodejs_eventloop_utilization_ratio')).toBeLessThanOrEqual(1);
    const time = families.get('nodejs_eventloop_time_seconds_total')!;
    expect(time.type).toBe('counter');
    const active = time.series.find((series) => series.labelValues[0] === 'active');
    expect(active && 'value' in active ? active.value : 0).toBeGreaterThan(0.2);

    await sleep(150); // no block in this interval
    const calm = await collectByName(registry);
    // The 200 ms block is no longer in the statistics: the histogram was reset by the collection.
    expect(onlyValue(calm, 'nodejs_eventloop_lag_max_seconds')).toBeLessThan(blockedMax);
  });

  it('counts active handles, requests and resources by type, dropping series that are gone', async () => {
    const { registry } = start();
    const servers = (families: Map<string, MetricFamily>, name: string, type: string): number => {
      const series = families.get(name)!.series.find((candidate) => candidate.labelValues[0] === type);
      return series !== undefined && 'value' in series ? series.value : 0;
    };
    const before = await collectByName(registry);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const withServer = await collectByName(registry);
    expect(withServer.get('nodejs_active_handles')!.labelNames).toEqual(['type']);
    expect(servers(withServer, 'nodejs_active_handles', 'Server')).toBe(
      servers(before, 'nodejs_active_handles', 'Server') + 1,
    );
    expect(onlyValue(withServer, 'nodejs_active_handles_total')).toBeGreaterThanOrEqual(1);
    expect(servers(withServer, 'nodejs_active_resources', 'TCPServerWrap')).toBe(
      servers(before, 'nodejs_active_resources', 'TCPServerWrap') + 1,
    );
    expect(onlyValue(withServer, 'nodejs_active_resources_total')).toBeGreaterThanOrEqual(1);
    expect(withServer.get('nodejs_active_requests')!.labelNames).toEqual(['type']);
    expect(onlyValue(withServer, 'nodejs_active_requests_total')).toBeGreaterThanOrEqual(0);

    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sleep(10);
    const closed = await collectByName(registry);
    expect(servers(closed, 'nodejs_active_handles', 'Server')).toBe(
      servers(before, 'nodejs_active_handles', 'Server'),
    );
    if (servers(before, 'nodejs_active_resources', 'TCPServerWrap') === 0) {
      // The type is gone, so its series is gone rather than stuck at 0 or at its old value.
      expect(
        closed
          .get('nodejs_active_resources')!
          .series.some((series) => series.labelValues[0] === 'TCPServerWrap'),
      ).toBe(false);
    }
  });
});

describe('RuntimeMetrics options', () => {
  it('prefixes every name and appends static labels after the metric’s own labels', async () => {
    const { registry, runtime } = start({ prefix: 'app_', labels: { service: 'checkout' } });
    const families = await collectByName(registry);
    expect([...families.keys()].every((name) => name.startsWith('app_'))).toBe(true);
    expect(runtime.metricNames().sort()).toEqual([...families.keys()].sort());
    expect(families.get('app_process_cpu_user_seconds_total')!.labelNames).toEqual(['service']);
    expect(families.get('app_nodejs_heap_space_size_used_bytes')!.labelNames).toEqual(['space', 'service']);
    expect(families.get('app_nodejs_gc_duration_seconds')!.labelNames).toEqual(['kind', 'service']);
    for (const family of families.values()) {
      for (const series of family.series) expect(series.labelValues.at(-1)).toBe('checkout');
    }
  });

  it('accepts eventLoopSamplePerIteration and falls back to the timer where Node.js lacks it', async () => {
    const { registry } = start({ eventLoopSamplePerIteration: true, eventLoopResolutionMs: 5 });
    await sleep(60);
    const families = await collectByName(registry);
    expect(onlyValue(families, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThan(0);
    expect(onlyValue(families, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('enables only the groups asked for', async () => {
    const { registry } = start({
      groups: { process: false, eventLoop: false, handles: false, heap: false, gc: false },
    });
    expect(registry.names()).toEqual(['nodejs_version_info']);
  });

  it('rejects invalid options with InvalidOptionError', () => {
    expect(() => new RuntimeMetrics({ labels: { type: 'x' } })).toThrow(InvalidOptionError);
    expect(() => new RuntimeMetrics({ labels: { team: 3 as unknown as string } })).toThrow(
      InvalidOptionError,
    );
    expect(() => new RuntimeMetrics({ eventLoopResolutionMs: 0 })).toThrow(InvalidOptionError);
    expect(() => new RuntimeMetrics({ eventLoopResolutionMs: 2.5 })).toThrow(InvalidOptionError);
    expect(() => new RuntimeMetrics({ groups: { cpu: true } as never })).toThrow(InvalidOptionError);
    expect(() => new RuntimeMetrics({ procfsPath: '' })).toThrow(InvalidOptionError);
  });

  it('starts nothing and registers nothing until start()', () => {
    const registry = new MetricRegistry();
    const runtime = new RuntimeMetrics({ registry });
    expect(runtime.isRunning).toBe(false);
    expect(runtime.metricNames()).toEqual([]);
    expect(registry.names()).toEqual([]);
  });
});

describe('RuntimeMetrics without procfs', () => {
  for (const procfsPath of ['/nonexistent/proc', false] as const) {
    it(`leaves out the procfs metrics and throws nothing (procfsPath ${String(procfsPath)})`, async () => {
      const { registry } = start({ procfsPath });
      const families = await collectByName(registry);
      for (const name of [
        'process_virtual_memory_bytes',
        'process_heap_bytes',
        'process_open_fds',
        'process_max_fds',
      ]) {
        expect(families.has(name)).toBe(false);
      }
      expect(onlyValue(families, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
      expect(onlyValue(families, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    });
  }
});

describe('RuntimeMetrics lifecycle', () => {
  it('stop() unregisters everything it registered and restart continues the counters', async () => {
    const registry = new MetricRegistry();
    const mine = registry.register('app_queue_length', new Gauge({ help: 'Queue length' }));
    const runtime = new RuntimeMetrics({ registry });
    runtime.start();
    expect(runtime.isRunning).toBe(true);
    expect(runtime.start()).toBe(runtime); // idempotent
    const first = await collectByName(registry);
    const cpu = onlyValue(first, 'process_cpu_seconds_total');
    runtime.stop();
    runtime.stop(); // idempotent
    expect(runtime.isRunning).toBe(false);
    expect(registry.names()).toEqual(['app_queue_length']);
    expect(registry.get('app_queue_length')).toBe(mine);

    runtime.start();
    running.push(runtime);
    blockEventLoop(30);
    const again = await collectByName(registry);
    expect(again.size).toBe(first.size);
    expect(onlyValue(again, 'process_cpu_seconds_total')).toBeGreaterThan(cpu);
  });

  it('a second start into the same registry throws DuplicateMetricError and registers nothing', () => {
    const { registry } = start();
    const before = [...registry.names()];
    const second = new RuntimeMetrics({ registry });
    let thrown: unknown;
    try {
      second.start();
    } catch (error) {
      thrown = error;
    }
    expect(DuplicateMetricError.isInstance(thrown)).toBe(true);
    expect((thrown as DuplicateMetricError).existing).toBe(
      registry.get((thrown as DuplicateMetricError).metricName),
    );
    expect(second.isRunning).toBe(false);
    expect([...registry.names()]).toEqual(before);
    // With another prefix both fit.
    expect(() => start({ registry, prefix: 'second_' })).not.toThrow();
  });

  it('a name taken by the app makes start() throw before registering anything', () => {
    const registry = new MetricRegistry();
    registry.register('nodejs_version_info', new Gauge({ help: 'Not ours' }));
    expect(() => new RuntimeMetrics({ registry }).start()).toThrow(DuplicateMetricError);
    expect(registry.names()).toEqual(['nodejs_version_info']);
  });
});
