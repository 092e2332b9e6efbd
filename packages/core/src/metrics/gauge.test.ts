import { createRecordingLogger, type RecordingLogger } from '@servermetrics/testing';
import { beforeEach, describe, expect, test } from 'vitest';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { MetricRegistry } from '../registry/metric-registry.js';
import { Gauge } from './gauge.js';

let logger: RecordingLogger;
let registry: MetricRegistry;

beforeEach(() => {
  logger = createRecordingLogger();
  registry = new MetricRegistry({ logger, strict: false });
});

describe('gauge', () => {
  test('starts at 0 or at initial; set, inc, dec', () => {
    expect(new Gauge({ help: 'g' }).value()).toBe(0);
    const hunger = new Gauge({ help: 'How hungry', initial: 5 });
    expect(hunger.value()).toBe(5);
    hunger.dec(2);
    hunger.inc();
    expect(hunger.value()).toBe(4);
    hunger.set(0.1);
    expect(hunger.value()).toBe(0.1);
    hunger.dec();
    expect(hunger.value()).toBeCloseTo(-0.9);
  });

  test('a negative inc is a decrease (gauges go both ways)', () => {
    const gauge = new Gauge({ help: 'g' });
    gauge.inc(-3);
    gauge.dec(-1);
    expect(gauge.value()).toBe(-2);
  });

  test('every new labelled series starts at initial', () => {
    const gauge = registry.register(
      'temperature',
      new Gauge({ help: 't', initial: 5, labels: { room: 'string' } }),
    );
    gauge.inc({ room: 'kitchen' });
    gauge.dec({ room: 'cellar' }, 5);
    gauge.set({ room: 'attic' }, 20);
    expect(gauge.value({ room: 'kitchen' })).toBe(6);
    expect(gauge.value({ room: 'cellar' })).toBe(0);
    expect(gauge.value({ room: 'attic' })).toBe(20);
  });

  test('infinities are valid values; NaN and non-numbers are dropped and logged', () => {
    const gauge = registry.register('g', new Gauge({ help: 'g' }));
    gauge.set(Number.POSITIVE_INFINITY);
    expect(gauge.value()).toBe(Number.POSITIVE_INFINITY);
    gauge.set(Number.NaN);
    (gauge.set as (value: unknown) => void)('3');
    (gauge.inc as (value: unknown) => void)(null);
    expect(gauge.value()).toBe(Number.POSITIVE_INFINITY);
    expect(logger.errors).toEqual([
      'g.set(): expected a number (not NaN), got NaN; the call was dropped',
      'g.inc(): expected a finite number, got null; the call was dropped',
    ]);
  });

  test('inc and dec take finite amounts only, so no sequence of calls produces NaN', () => {
    const gauge = registry.register('g', new Gauge({ help: 'g' }));
    gauge.set(Number.POSITIVE_INFINITY);
    gauge.dec(Number.POSITIVE_INFINITY);
    gauge.inc(Number.NEGATIVE_INFINITY);
    expect(gauge.value()).toBe(Number.POSITIVE_INFINITY);
    expect(logger.errors).toHaveLength(2);
    expect(logger.errors[0]).toContain('g.dec(): expected a finite number, got Infinity');
  });

  test('set without a value on a labelled gauge is dropped', () => {
    const gauge = registry.register('g', new Gauge({ help: 'g', labels: { room: 'string' } }));
    (gauge.set as (labels: unknown) => void)({ room: 'x' });
    expect(gauge.seriesCount).toBe(0);
    expect(logger.errors[0]).toContain('g.set(): expected a number (not NaN), got undefined');
  });

  test('setToCurrentTime sets Unix seconds', () => {
    const gauge = new Gauge({ help: 'g', labels: { job: 'string' } });
    const before = Date.now() / 1000;
    gauge.setToCurrentTime({ job: 'backup' });
    const value = gauge.value({ job: 'backup' })!;
    expect(value).toBeGreaterThanOrEqual(before);
    expect(value).toBeLessThanOrEqual(Date.now() / 1000);
  });

  test('bound gauge: set, inc, dec; re-created at initial after eviction', () => {
    const gauge = registry.register(
      'g',
      new Gauge({ help: 'g', initial: 1, labels: { n: 'int' }, maxCells: 1 }),
    );
    const bound = gauge.with({ n: 1 });
    bound.set(10);
    bound.inc(2);
    bound.dec();
    expect(gauge.value({ n: 1 })).toBe(11);
    gauge.set({ n: 2 }, 0);
    expect(bound.value()).toBe(1);
    bound.inc();
    expect(gauge.value({ n: 1 })).toBe(2);
  });

  test('reset puts an unlabelled gauge back to initial', () => {
    const gauge = new Gauge({ help: 'g', initial: 5 });
    gauge.set(1);
    gauge.reset();
    expect(gauge.value()).toBe(5);
  });

  test('an initial that is not a number is a set-up error', () => {
    expect(() => new Gauge({ help: 'g', initial: Number.NaN })).toThrow(InvalidOptionError);
  });
});
