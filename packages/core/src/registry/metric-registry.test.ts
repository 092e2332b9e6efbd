import { createRecordingLogger, type RecordingLogger } from '@servermetrics/testing';
import { beforeEach, describe, expect, test } from 'vitest';
import { CollectTimeoutError } from '../errors/collect-timeout-error.js';
import { DuplicateMetricError } from '../errors/duplicate-metric-error.js';
import { InvalidNameError } from '../errors/invalid-name-error.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { MetricNameMismatchError } from '../errors/metric-name-mismatch-error.js';
import { MetricNotFoundError } from '../errors/metric-not-found-error.js';
import { Counter } from '../metrics/counter.js';
import { Gauge } from '../metrics/gauge.js';
import { Histogram } from '../metrics/histogram.js';
import { defaultRegistry, publishMetricsFrom } from './default-registry.js';
import { MetricCollection } from './metric-collection.js';
import { EVICTED_CELLS_METRIC, MetricRegistry } from './metric-registry.js';

let logger: RecordingLogger;
let registry: MetricRegistry;

beforeEach(() => {
  logger = createRecordingLogger();
  registry = new MetricRegistry({ logger });
});

describe('register', () => {
  test('fixes the name; get returns the metric; names are in byte order', () => {
    const zzz = registry.register('zzz', new Gauge({ help: 'z' }));
    registry.register('aaa', new Counter({ help: 'a' }));
    registry.register('Bbb', new Counter({ help: 'b' }));
    expect(zzz.name).toBe('zzz');
    expect(registry.get('zzz')).toBe(zzz);
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.names()).toEqual(['Bbb', 'aaa', 'zzz']);
    expect(registry.collect().map((family) => family.name)).toEqual(['Bbb', 'aaa', 'zzz']);
  });

  test('a taken name throws DuplicateMetricError carrying the existing metric; the new metric stays unnamed', () => {
    const first = registry.register('c', new Counter({ help: 'c' }));
    const second = new Counter({ help: 'c' });
    let thrown: unknown;
    try {
      registry.register('c', second);
    } catch (error) {
      thrown = error;
    }
    expect(DuplicateMetricError.isInstance(thrown)).toBe(true);
    expect((thrown as DuplicateMetricError).existing).toBe(first);
    expect((thrown as Error).message).toContain('overwrite: true');
    expect(second.name).toBeUndefined();
    expect(() => registry.register('c', first)).toThrow(DuplicateMetricError);
  });

  test('overwrite replaces and warns', () => {
    registry.register('c', new Counter({ help: 'c' }));
    const replacement = registry.register('c', new Counter({ help: 'c2' }), { overwrite: true });
    expect(registry.get('c')).toBe(replacement);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('"c" was registered again');
  });

  test('the same metric may sit in two registries under its name, never under another', () => {
    const other = new MetricRegistry();
    const counter = registry.register('c', new Counter({ help: 'c' }));
    other.register('c', counter);
    expect(other.get('c')).toBe(counter);
    expect(() => other.register('d', counter)).toThrow(MetricNameMismatchError);
    registry.unregister('c');
    expect(counter.name).toBe('c');
    expect(() => registry.register('renamed', counter)).toThrow(/name is fixed by its first registration/);
  });

  test.each(['', '2abc', '.x', 'a-b', 'a.b', 'a\\b', 'a,b()', 'é', 'c'.repeat(201)])(
    'rejects metric name %j',
    (name) => {
      expect(() => registry.register(name, new Counter({ help: 'c' }))).toThrow(InvalidNameError);
    },
  );

  test.each(['a:b', 'a_b', 'A1', '_abc', ':abc', 'c'.repeat(200)])('accepts metric name %j', (name) => {
    expect(registry.register(name, new Counter({ help: 'c' })).name).toBe(name);
  });

  test('the eviction counter name is reserved', () => {
    expect(() => registry.register(EVICTED_CELLS_METRIC, new Counter({ help: 'c' }))).toThrow(/reserved/);
  });

  test('a unit requires the matching name suffix', () => {
    expect(() => registry.register('latency', new Histogram({ help: 'h', unit: 'seconds' }))).toThrow(
      /must end in "_seconds"/,
    );
    registry.register('latency_seconds', new Histogram({ help: 'h', unit: 'seconds' }));
    registry.register('sent_bytes_total', new Counter({ help: 'c', unit: 'bytes' }));
  });

  test('non-metrics are rejected with a typed error', () => {
    expect(() => registry.register('x', {} as Counter)).toThrow(InvalidOptionError);
  });

  test('unregister removes; unregistering a missing name throws MetricNotFoundError', () => {
    registry.register('c', new Counter({ help: 'c' }));
    registry.unregister('c');
    expect(registry.get('c')).toBeUndefined();
    expect(() => registry.unregister('c')).toThrow(MetricNotFoundError);
  });

  test('clear empties the registry, also when already empty', () => {
    registry.clear();
    registry.register('c', new Counter({ help: 'c' }));
    registry.clear();
    expect(registry.collect()).toEqual([]);
  });
});

describe('collections', () => {
  class LunchMetrics extends MetricCollection {
    lunches_consumed = new Counter({ help: 'Lunches eaten' });
    hunger_level = new Gauge({ help: 'How hungry', initial: 5 });
    note = 'not a metric';
    nested = { inner: new Counter({ help: 'ignored' }) };
  }

  test('field names become metric names; non-metric fields and nested objects are ignored', () => {
    const metrics = registry.registerCollection(new LunchMetrics());
    expect(registry.names()).toEqual(['hunger_level', 'lunches_consumed']);
    expect(metrics.hunger_level.name).toBe('hunger_level');
    expect(registry.collect().find((family) => family.name === 'hunger_level')!.series[0]).toMatchObject({
      value: 5,
    });
  });

  test('plain objects work, with a prefix', () => {
    registry.registerCollection({ jobs_total: new Counter({ help: 'j' }) }, { prefix: 'worker_' });
    expect(registry.names()).toEqual(['worker_jobs_total']);
  });

  test('registration is atomic: a failing field registers nothing', () => {
    registry.register('taken', new Counter({ help: 't' }));
    const collection = { fine: new Counter({ help: 'f' }), taken: new Counter({ help: 't' }) };
    expect(() => registry.registerCollection(collection)).toThrow(DuplicateMetricError);
    expect(registry.names()).toEqual(['taken']);
    expect(collection.fine.name).toBeUndefined();
    expect(() =>
      registry.registerCollection({ ok: new Counter({ help: 'o' }), 'bad-name': new Counter({ help: 'b' }) }),
    ).toThrow(InvalidNameError);
    expect(registry.names()).toEqual(['taken']);
  });

  test('the same metric twice in one collection is rejected atomically', () => {
    const shared = new Counter({ help: 's' });
    expect(() => registry.registerCollection({ a: shared, b: shared })).toThrow(MetricNameMismatchError);
    expect(registry.names()).toEqual([]);
  });

  test('non-objects are rejected', () => {
    expect(() => registry.registerCollection(3 as unknown as object)).toThrow(InvalidOptionError);
  });

  test('publishMetricsFrom registers into the default registry', () => {
    const metrics = publishMetricsFrom({ test_publish_total: new Counter({ help: 'p' }) });
    try {
      expect(defaultRegistry.get('test_publish_total')).toBe(metrics.test_publish_total);
    } finally {
      defaultRegistry.unregister('test_publish_total');
    }
  });
});

describe('settings inherited from the first registry', () => {
  test('defaultMaxCells applies to metrics without maxCells', () => {
    const small = new MetricRegistry({ defaultMaxCells: 3, logger });
    const counter = small.register('c', new Counter({ help: 'c', labels: { n: 'int' } }));
    const explicit = small.register('d', new Counter({ help: 'd', labels: { n: 'int' }, maxCells: 5 }));
    for (let n = 0; n < 10; n++) {
      counter.inc({ n });
      explicit.inc({ n });
    }
    expect(counter.seriesCount).toBe(3);
    expect(explicit.seriesCount).toBe(5);
  });

  test('invalid registry options are set-up errors', () => {
    expect(() => new MetricRegistry({ defaultMaxCells: 0 })).toThrow(InvalidOptionError);
  });
});

describe('collect hooks', () => {
  test('hooks run before collection; a failing hook is logged and does not stop the others', async () => {
    registry.register(
      'broken',
      new Gauge({
        help: 'b',
        collect: () => {
          throw new Error('boom');
        },
      }),
    );
    const queue = registry.register(
      'queue_length',
      new Gauge({
        help: 'q',
        collect: async (gauge) => {
          await Promise.resolve();
          gauge.set(7);
        },
      }),
    );
    const failures = await registry.runCollectHooks();
    expect(failures.map((failure) => failure.name)).toEqual(['broken']);
    expect(queue.value()).toBe(7);
    expect(logger.errors[0]).toContain('collect hook of "broken" failed: Error: boom');
  });
});

describe('collect hook timeouts', () => {
  test('a hook that never settles is reported after collectTimeoutMs; the others are not held up', async () => {
    const quick = new MetricRegistry({ logger, collectTimeoutMs: 50 });
    quick.register('stuck', new Gauge({ help: 's', collect: () => new Promise<void>(() => {}) }));
    const fine = quick.register('fine', new Gauge({ help: 'f', collect: async (gauge) => gauge.set(3) }));
    const started = performance.now();
    const failures = await quick.runCollectHooks();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.name).toBe('stuck');
    expect(CollectTimeoutError.isInstance(failures[0]!.error)).toBe(true);
    expect(String(failures[0]!.error)).toContain('did not settle within 50 ms');
    expect(fine.value()).toBe(3);
    // Still running: not started a second time, reported at once.
    const again = await quick.runCollectHooks();
    expect(String(again[0]!.error)).toContain('still running from an earlier collection');
    expect(logger.errors).toHaveLength(1); // rate-limited per metric
  });

  test('a slow hook that settles later is started again once it has', async () => {
    const quick = new MetricRegistry({ logger, collectTimeoutMs: 20 });
    let calls = 0;
    let release: () => void = () => {};
    quick.register(
      'slow',
      new Gauge({
        help: 's',
        collect: () => {
          calls++;
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
      }),
    );
    await quick.runCollectHooks();
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const pending = quick.runCollectHooks();
    release();
    expect(await pending).toEqual([]);
    expect(calls).toBe(2);
  });

  test('collectTimeoutMs must be positive', () => {
    expect(() => new MetricRegistry({ collectTimeoutMs: 0 })).toThrow(
      /collectTimeoutMs must be a positive number/,
    );
  });
});

describe('evictions', () => {
  test('counted per metric in servermetrics_evicted_cells_total, and logged once per interval', () => {
    const counter = registry.register(
      'requests_total',
      new Counter({ help: 'r', labels: { path: 'string' }, maxCells: 200 }),
    );
    for (let index = 0; index < 205; index++) counter.inc({ path: `/${index}` });
    expect(counter.seriesCount).toBe(200);
    expect(counter.value({ path: '/0' })).toBeUndefined();
    expect(counter.value({ path: '/204' })).toBe(1);
    const families = registry.collect();
    expect(families.map((family) => family.name)).toEqual(['requests_total', EVICTED_CELLS_METRIC]);
    expect(families[1]!.series[0]).toMatchObject({ labelValues: ['requests_total'], value: 5 });
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('requests_total: more than 200 series (maxCells)');
  });

  test('counted once, by the registry the metric was registered in first', () => {
    const other = new MetricRegistry({ logger });
    const counter = registry.register(
      'c_total',
      new Counter({ help: 'c', labels: { n: 'int' }, maxCells: 1 }),
    );
    other.register('c_total', counter);
    counter.inc({ n: 1 });
    counter.inc({ n: 2 });
    const evicted = (target: MetricRegistry): unknown =>
      target.collect().find((family) => family.name === EVICTED_CELLS_METRIC)?.series[0];
    expect(evicted(registry)).toMatchObject({ labelValues: ['c_total'], value: 1 });
    expect(evicted(other)).toBeUndefined();
  });
});
