import { createRecordingLogger, type RecordingLogger } from '@servermetrics/testing';
import { beforeEach, describe, expect, test } from 'vitest';
import type { ValueSeries } from '../collect/metric-family.js';
import { MetricUsageError } from '../errors/metric-usage-error.js';
import { MetricRegistry } from '../registry/metric-registry.js';
import { Counter } from './counter.js';

let logger: RecordingLogger;
let registry: MetricRegistry;

beforeEach(() => {
  logger = createRecordingLogger();
  registry = new MetricRegistry({ logger, strict: false });
});

describe('unlabelled counter', () => {
  test('starts at 0, inc adds 1 or the amount, integers and floats alike', () => {
    const counter = registry.register('lunches_total', new Counter({ help: 'Lunches' }));
    expect(counter.value()).toBe(0);
    counter.inc();
    counter.inc(2);
    counter.inc(0.5);
    expect(counter.value()).toBe(3.5);
  });

  test('inc() grows the exported updateCount by one per call; the view stays the same object until reset()', () => {
    const counter = registry.register('views_total', new Counter({ help: 'c' }));
    const [view] = registry.collect()[0]!.series;
    const start = view!.updateCount;
    const seen = new Set([start]);
    for (let call = 1; call <= 5; call++) {
      counter.inc();
      expect(view!.updateCount).toBe(start + call);
      seen.add(view!.updateCount);
    }
    counter.inc(2.5);
    expect(view!.updateCount).toBeGreaterThan(start + 5);
    expect((view as ValueSeries).value).toBe(7.5);
    expect(registry.collect()[0]!.series[0]).toBe(view);
    counter.reset();
    const [fresh] = registry.collect()[0]!.series;
    expect(fresh).not.toBe(view);
    expect((fresh as ValueSeries).value).toBe(0);
    expect(registry.collect()[0]!.series[0]).toBe(fresh);
  });

  test('inc(0) and inc(-0) are accepted and count as an update', () => {
    const counter = registry.register('c_total', new Counter({ help: 'c' }));
    const [before] = registry.collect()[0]!.series;
    const updates = before!.updateCount;
    counter.inc(0);
    counter.inc(-0);
    expect(counter.value()).toBe(0);
    expect(registry.collect()[0]!.series[0]!.updateCount).toBe(updates + 2);
    expect(logger.errors).toEqual([]);
  });

  test.each([
    ['negative', -1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a string', '5'],
    ['null', null],
  ])('a %s amount is logged and dropped', (_name, amount) => {
    const counter = registry.register('c_total', new Counter({ help: 'c' }));
    counter.inc(1);
    (counter.inc as (amount: unknown) => void)(amount);
    expect(counter.value()).toBe(1);
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toContain('c_total.inc()');
    expect(logger.errors[0]).toContain('non-negative');
  });

  test('labels on an unlabelled counter are logged and dropped', () => {
    const counter = registry.register('c_total', new Counter({ help: 'c' }));
    (counter.inc as (labels: unknown) => void)({ action: 'get' });
    expect(counter.value()).toBe(0);
    expect(logger.errors[0]).toContain('this metric has no labels');
  });

  test('reset starts a new series at 0: a new view for exporters, and bound handles follow it', () => {
    const counter = registry.register('c_total', new Counter({ help: 'c' }));
    const bound = counter.with();
    counter.inc(4);
    const before = registry.collect()[0]!.series[0];
    counter.reset();
    expect(counter.value()).toBe(0);
    const after = registry.collect()[0]!.series[0];
    expect(after).not.toBe(before);
    expect(after).toMatchObject({ value: 0 });
    bound.inc(2);
    counter.inc();
    expect(counter.value()).toBe(3);
    expect(bound.value()).toBe(3);
    expect(counter.with()).toBe(bound);
  });
});

describe('labelled counter', () => {
  const schema = { action: 'string', response_code: 'int' } as const;

  test('different label sets are independent; key order does not matter', () => {
    const counter = registry.register('requests_total', new Counter({ help: 'r', labels: schema }));
    counter.inc({ action: 'get', response_code: 404 });
    counter.inc({ response_code: 404, action: 'get' }, 2);
    counter.inc({ action: 'put', response_code: 500 });
    expect(counter.value({ action: 'get', response_code: 404 })).toBe(3);
    expect(counter.value({ action: 'put', response_code: 500 })).toBe(1);
    expect(counter.value({ action: 'put', response_code: 200 })).toBeUndefined();
    expect(counter.seriesCount).toBe(2);
  });

  test('a labelled counter starts with no series; value() never creates one', () => {
    const counter = registry.register('requests_total', new Counter({ help: 'r', labels: schema }));
    expect(counter.value({ action: 'get', response_code: 1 })).toBeUndefined();
    expect(counter.seriesCount).toBe(0);
    expect(registry.collect()[0]!.series).toEqual([]);
  });

  test.each([
    ['a missing label', { action: 'get' }, 'missing label "response_code"'],
    ['an unknown label', { action: 'get', response_code: 1, extra: 'x' }, 'unknown label "extra"'],
    [
      'a string for an int',
      { action: 'get', response_code: '200' },
      'label "response_code" expects an integer but got "200"',
    ],
    ['a float for an int', { action: 'get', response_code: 200.5 }, 'expects an integer but got 200.5'],
    ['null', { action: null, response_code: 1 }, 'label "action" expects a string but got null'],
    ['no labels at all', undefined, 'expected a label object'],
    ['a number instead of labels', 3, 'expected a label object'],
  ])('%s: logged with the exact problem, nothing created', (_name, labels, problem) => {
    const counter = registry.register('requests_total', new Counter({ help: 'r', labels: schema }));
    (counter.inc as (labels: unknown) => void)(labels);
    expect(counter.seriesCount).toBe(0);
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toContain('requests_total.inc()');
    expect(logger.errors[0]).toContain(problem);
  });

  test('an unknown label is rejected even when the other labels match an existing series', () => {
    const counter = registry.register('requests_total', new Counter({ help: 'r', labels: schema }));
    counter.inc({ action: 'get', response_code: 1 });
    (counter.inc as (labels: unknown) => void)({ action: 'get', response_code: 1, extra: 'x' });
    expect(counter.value({ action: 'get', response_code: 1 })).toBe(1);
    expect(logger.errors[0]).toContain('unknown label "extra"');
  });

  test('an invalid amount never creates the series (unlike ServerMetrics.jl)', () => {
    const counter = registry.register('requests_total', new Counter({ help: 'r', labels: schema }));
    counter.inc({ action: 'get', response_code: 1 }, -1);
    expect(counter.seriesCount).toBe(0);
    expect(logger.errors).toHaveLength(1);
  });

  test('the caller label object is not retained', () => {
    const counter = registry.register('requests_total', new Counter({ help: 'r', labels: schema }));
    const labels = { action: 'get', response_code: 1 };
    counter.inc(labels);
    labels.action = 'changed';
    const [series] = registry.collect()[0]!.series;
    expect(series!.labelValues).toEqual(['get', 1]);
    expect(counter.value({ action: 'get', response_code: 1 })).toBe(1);
  });

  test('remove drops one series; reset drops all', () => {
    const counter = registry.register('requests_total', new Counter({ help: 'r', labels: schema }));
    counter.inc({ action: 'a', response_code: 1 });
    counter.inc({ action: 'b', response_code: 1 });
    expect(counter.remove({ action: 'a', response_code: 1 })).toBe(true);
    expect(counter.remove({ action: 'a', response_code: 1 })).toBe(false);
    expect(counter.seriesCount).toBe(1);
    counter.reset();
    expect(counter.seriesCount).toBe(0);
  });
});

describe('bound series', () => {
  test('with() returns the same handle for the same series, and its inc updates it', () => {
    const counter = registry.register('c_total', new Counter({ help: 'c', labels: { code: 'int' } }));
    const bound = counter.with({ code: 200 });
    expect(counter.with({ code: 200 })).toBe(bound);
    bound.inc();
    bound.inc(2);
    expect(counter.value({ code: 200 })).toBe(3);
    expect(bound.value()).toBe(3);
  });

  test('with() on an unlabelled counter binds its single series', () => {
    const counter = new Counter({ help: 'c' });
    counter.with().inc(5);
    expect(counter.value()).toBe(5);
  });

  test('a bound series that was evicted re-creates its series, from 0, on the next inc', () => {
    const counter = registry.register(
      'c_total',
      new Counter({ help: 'c', labels: { code: 'int' }, maxCells: 2 }),
    );
    const bound = counter.with({ code: 1 });
    bound.inc(10);
    counter.inc({ code: 2 });
    counter.inc({ code: 3 }); // evicts code 1, the least recently updated
    expect(counter.value({ code: 1 })).toBeUndefined();
    expect(bound.value()).toBe(0);
    bound.inc();
    expect(counter.value({ code: 1 })).toBe(1);
    expect(counter.value({ code: 2 })).toBeUndefined(); // re-creating counted as a new series: evicted code 2
    expect(counter.seriesCount).toBe(2);
    const evictions = registry
      .collect()
      .find((family) => family.name === 'servermetrics_evicted_cells_total')!;
    expect(
      evictions.series.map((series) => [series.labelValues, (series as { value: number }).value]),
    ).toEqual([[['c_total'], 2]]);
  });

  test('a bound series whose series was re-created by inc(labels) writes into that same series', () => {
    const counter = registry.register(
      'c_total',
      new Counter({ help: 'c', labels: { code: 'int' }, maxCells: 1 }),
    );
    const bound = counter.with({ code: 1 });
    counter.inc({ code: 2 }); // evicts code 1
    counter.inc({ code: 1 }, 5); // re-creates code 1, evicts code 2
    bound.inc();
    expect(counter.value({ code: 1 })).toBe(6);
    expect(counter.seriesCount).toBe(1);
  });

  test('a removed series is re-created by its bound handle', () => {
    const counter = registry.register('c_total', new Counter({ help: 'c', labels: { code: 'int' } }));
    const bound = counter.with({ code: 1 });
    bound.inc(3);
    counter.remove({ code: 1 });
    bound.inc();
    expect(counter.value({ code: 1 })).toBe(1);
  });

  test('with() with invalid labels logs, returns a handle that drops updates and reports them', () => {
    const counter = registry.register('c_total', new Counter({ help: 'c', labels: { code: 'int' } }));
    const bound = (counter.with as (labels: unknown) => ReturnType<typeof counter.with>)({ code: 'x' });
    bound.inc();
    expect(counter.seriesCount).toBe(0);
    expect(logger.errors[0]).toContain('c_total.with()');
    expect(logger.errors[1]).toContain('bound series was created from invalid labels');
  });

  test('a bound inc with an invalid amount is logged and dropped', () => {
    const counter = registry.register('c_total', new Counter({ help: 'c', labels: { code: 'int' } }));
    const bound = counter.with({ code: 1 });
    bound.inc(-2);
    expect(bound.value()).toBe(0);
    expect(logger.errors[0]).toContain('c_total.inc(): expected a finite, non-negative number, got -2');
  });
});

describe('strict mode', () => {
  test('registry option: misuse throws MetricUsageError naming metric, operation and problem', () => {
    const strict = new MetricRegistry({ strict: true, logger });
    const counter = strict.register('requests_total', new Counter({ help: 'r', labels: { code: 'int' } }));
    let thrown: unknown;
    try {
      (counter.inc as (labels: unknown) => void)({ code: '200' });
    } catch (error) {
      thrown = error;
    }
    expect(MetricUsageError.isInstance(thrown)).toBe(true);
    const error = thrown as MetricUsageError;
    expect(error.metricName).toBe('requests_total');
    expect(error.operation).toBe('inc');
    expect(error.problem).toBe('label "code" expects an integer but got "200"');
    expect(() => counter.inc({ code: 1 }, -1)).toThrow(
      /requests_total\.inc\(\): expected a finite, non-negative number, got -1/,
    );
    expect(() => (counter.with as (labels: unknown) => unknown)({})).toThrow(/missing label "code"/);
    expect(logger.errors).toEqual([]);
  });

  test('SERVERMETRICS_STRICT=1 makes unregistered metrics strict', () => {
    const previous = process.env.SERVERMETRICS_STRICT;
    process.env.SERVERMETRICS_STRICT = '1';
    try {
      const counter = new Counter({ help: 'c' });
      expect(() => counter.inc(-1)).toThrow(MetricUsageError);
      expect(() => counter.inc(-1)).toThrow(/<unregistered counter>\.inc\(\)/);
    } finally {
      if (previous === undefined) delete process.env.SERVERMETRICS_STRICT;
      else process.env.SERVERMETRICS_STRICT = previous;
    }
  });

  test('a metric option overrides the registry', () => {
    const strict = new MetricRegistry({ strict: true, logger });
    const counter = strict.register('c_total', new Counter({ help: 'c', strict: false }));
    expect(() => counter.inc(-1)).not.toThrow();
    expect(logger.errors).toHaveLength(1);
  });
});

describe('rate-limited logging', () => {
  test('a bad call in a hot loop logs once per operation and kind of problem', () => {
    const counter = registry.register('c_total', new Counter({ help: 'c', labels: { code: 'int' } }));
    for (let index = 0; index < 10_000; index++) {
      (counter.inc as (labels: unknown) => void)({ code: 'x' });
      counter.inc({ code: 1 }, -1);
    }
    expect(logger.errors).toHaveLength(2);
    expect(counter.value({ code: 1 })).toBeUndefined();
  });
});
