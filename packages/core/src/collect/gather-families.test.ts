import { createRecordingLogger, type RecordingLogger } from '@servermetrics/testing';
import { describe, expect, it } from 'vitest';
import { Counter } from '../metrics/counter.js';
import { Gauge } from '../metrics/gauge.js';
import { Histogram } from '../metrics/histogram.js';
import { EVICTED_CELLS_METRIC, MetricRegistry } from '../registry/metric-registry.js';
import { gatherFamilies } from './gather-families.js';
import type { GaugeFamily, MetricFamily, ValueSeries } from './metric-family.js';
import type { MetricProducer } from './metric-producer.js';

function newRegistry(logger: RecordingLogger = createRecordingLogger()): MetricRegistry {
  return new MetricRegistry({ logger, strict: true });
}

function names(families: readonly MetricFamily[]): string[] {
  return families.map((family) => family.name);
}

function values(family: MetricFamily | undefined): [unknown, number][] {
  return (family!.series as readonly ValueSeries[]).map((series) => [series.labelValues[0], series.value]);
}

/** A hand-written producer of fixed gauge families, built fresh on every collect. */
function gaugeProducer(
  entries: readonly [name: string, value: number][],
  logger?: RecordingLogger,
): MetricProducer & { identities: Map<string, object> } {
  const identities = new Map(entries.map(([name]) => [name, {}]));
  return {
    identities,
    logger,
    collect: (): MetricFamily[] =>
      entries.map(
        ([name, value]): GaugeFamily => ({
          type: 'gauge',
          name,
          help: `${name} help`,
          unit: undefined,
          labelNames: [],
          metric: identities.get(name)!,
          series: [{ labelValues: [], value, updateCount: 1 }],
        }),
      ),
  };
}

describe('gatherFamilies: the multi-registry rules', () => {
  it('gathers a metric shared by several registries once, in name order then registry order', () => {
    const first = newRegistry();
    const second = newRegistry();
    const shared = new Counter({ help: 'Shared.' });
    first.register('shared_total', shared);
    second.register('shared_total', shared);
    second.register('a_only_second', new Gauge({ help: 'Second.' })).set(2);
    first.register('z_only_first', new Gauge({ help: 'First.' })).set(1);
    shared.inc(7);
    const families = gatherFamilies([first, second]);
    expect(names(families)).toEqual(['a_only_second', 'shared_total', 'z_only_first']);
    expect(families[1]!.metric).toBe(shared);
    expect(names(gatherFamilies([first, first]))).toEqual(names(gatherFamilies([first])));
  });

  it('sorts by byte order, not locale order', () => {
    const first = newRegistry();
    const second = newRegistry();
    first.register('b', new Gauge({ help: 'b' }));
    second.register('B', new Gauge({ help: 'B' }));
    second.register('_x', new Gauge({ help: '_x' }));
    first.register('a', new Gauge({ help: 'a' }));
    expect(names(gatherFamilies([first, second]))).toEqual(['B', '_x', 'a', 'b']);
  });

  it('merges the eviction counters of several registries into one family', () => {
    const first = newRegistry();
    const second = newRegistry();
    const shared = new Counter({ help: 'Shared.', labels: { n: 'int' }, maxCells: 1 });
    first.register('shared_total', shared);
    second.register('shared_total', shared);
    const own = second.register(
      'own_total',
      new Counter({ help: 'Own.', labels: { n: 'int' }, maxCells: 1 }),
    );
    const firstOwn = first.register(
      'first_own_total',
      new Counter({ help: 'First own.', labels: { n: 'int' }, maxCells: 1 }),
    );
    for (let n = 0; n < 3; n++) {
      shared.inc({ n });
      own.inc({ n });
    }
    firstOwn.inc({ n: 1 });
    firstOwn.inc({ n: 2 });
    const families = gatherFamilies([first, second]);
    expect(names(families).filter((name) => name === EVICTED_CELLS_METRIC)).toHaveLength(1);
    const evictions = families.find((family) => family.name === EVICTED_CELLS_METRIC);
    expect(values(evictions)).toEqual([
      ['shared_total', 2],
      ['first_own_total', 1],
      ['own_total', 2],
    ]);
    expect(names(families)).toEqual(['first_own_total', 'own_total', EVICTED_CELLS_METRIC, 'shared_total']);
  });

  it('keeps the merged eviction series as the same live objects from one gather to the next', () => {
    const first = newRegistry();
    const second = newRegistry();
    const left = first.register('left_total', new Counter({ help: 'l', labels: { n: 'int' }, maxCells: 1 }));
    const right = second.register(
      'right_total',
      new Counter({ help: 'r', labels: { n: 'int' }, maxCells: 1 }),
    );
    left.inc({ n: 1 });
    left.inc({ n: 2 });
    right.inc({ n: 1 });
    right.inc({ n: 2 });
    const evictions = (): readonly ValueSeries[] =>
      gatherFamilies([first, second]).find((family) => family.name === EVICTED_CELLS_METRIC)!
        .series as readonly ValueSeries[];
    const before = evictions();
    const leftSeries = before[0]!;
    const updatesBefore = leftSeries.updateCount;
    left.inc({ n: 3 });
    const after = evictions();
    expect(after[0]).toBe(leftSeries);
    expect(after[1]).toBe(before[1]);
    expect(leftSeries.value).toBe(2);
    expect(leftSeries.updateCount).toBeGreaterThan(updatesBefore);
  });

  it('keeps the first of two different metrics with the same name and logs once through the later producer', () => {
    const firstLog = createRecordingLogger();
    const secondLog = createRecordingLogger();
    const first = newRegistry(firstLog);
    const second = newRegistry(secondLog);
    first.register('queue_depth', new Gauge({ help: 'From first.' })).set(1);
    second.register('queue_depth', new Gauge({ help: 'From second.' })).set(2);
    for (let round = 0; round < 2; round++) {
      const families = gatherFamilies([first, second]);
      expect(families.map((family) => [family.name, family.help])).toEqual([['queue_depth', 'From first.']]);
    }
    expect(firstLog.warnings).toEqual([]);
    expect(secondLog.warnings).toHaveLength(1);
    expect(secondLog.warnings[0]).toContain('"queue_depth"');
  });

  it('leaves out a metric whose series names clash with another family, so the output stays valid', () => {
    const logger = createRecordingLogger();
    const registry = newRegistry(logger);
    registry.register('requests', new Gauge({ help: 'Gauge named like a counter family.' })).set(1);
    registry.register('requests_total', new Counter({ help: 'Counter.' })).inc();
    registry.register('latency', new Histogram({ help: 'Latency.', buckets: [1] })).observe(0.5);
    registry.register('latency_count', new Gauge({ help: 'Clashes with the histogram count.' })).set(9);
    expect(names(gatherFamilies([registry]))).toEqual(['latency', 'requests']);
    expect(names(gatherFamilies([registry]))).toEqual(['latency', 'requests']);
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings.join('\n')).toMatch(/latency_count/);
    expect(logger.warnings.join('\n')).toMatch(/requests_total/);
  });
});

describe('gatherFamilies: hand-written producers', () => {
  it('serves a producer beside a registry, sorting a producer that lists its families out of order', () => {
    const registry = newRegistry();
    registry.register('m_gauge', new Gauge({ help: 'm' })).set(3);
    const producer = gaugeProducer([
      ['z_depth', 2],
      ['a_depth', 1],
    ]);
    expect(names(gatherFamilies([producer]))).toEqual(['a_depth', 'z_depth']);
    expect(names(gatherFamilies([registry, producer]))).toEqual(['a_depth', 'm_gauge', 'z_depth']);
  });

  it('treats families with the same metric object but different names as different families', () => {
    const producer: MetricProducer = {
      collect: () =>
        ['a_depth', 'b_depth'].map(
          (name): GaugeFamily => ({
            type: 'gauge',
            name,
            help: name,
            unit: undefined,
            labelNames: [],
            metric: producer,
            series: [],
          }),
        ),
    };
    expect(names(gatherFamilies([producer, producer]))).toEqual(['a_depth', 'b_depth']);
  });

  it('reports a clash through the producer logger, else the logger option, once per producer', () => {
    const registry = newRegistry();
    registry.register('jobs_depth', new Gauge({ help: 'j' }));
    const ownLog = createRecordingLogger();
    const withLogger = gaugeProducer([['jobs_depth', 1]], ownLog);
    const fallback = createRecordingLogger();
    const withoutLogger = gaugeProducer([['jobs_depth', 2]]);
    for (let round = 0; round < 3; round++) {
      expect(names(gatherFamilies([registry, withLogger, withoutLogger], { logger: fallback }))).toEqual([
        'jobs_depth',
      ]);
    }
    expect(ownLog.warnings).toHaveLength(1);
    expect(fallback.warnings).toHaveLength(1);
    expect(fallback.warnings[0]).toMatch(/gauge "jobs_depth" is left out of the exported metrics/);
  });

  it('a logger that throws does not break gathering', () => {
    const registry = newRegistry();
    registry.register('jobs_depth', new Gauge({ help: 'j' }));
    const producer = gaugeProducer([['jobs_depth', 1]]);
    const throwing = {
      warn: (): void => {
        throw new Error('logger down');
      },
      error: (): void => {},
    };
    expect(names(gatherFamilies([registry, producer], { logger: throwing }))).toEqual(['jobs_depth']);
  });
});
