import { describe, expect, test } from 'vitest';
import { IncompatibleMetricError } from '../errors/incompatible-metric-error.js';
import { InvalidNameError } from '../errors/invalid-name-error.js';
import { ServerMetricsError } from '../errors/servermetrics-error.js';
import { Counter } from '../metrics/counter.js';
import { Gauge } from '../metrics/gauge.js';
import { Histogram } from '../metrics/histogram.js';
import { MetricRegistry } from './metric-registry.js';
import { registerOrReuse, registerOrReuseAll } from './register-or-reuse.js';

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('registerOrReuse', () => {
  test('registers a new metric and returns it', () => {
    const registry = new MetricRegistry();
    const counter = new Counter({ help: 'h', labels: { code: 'int' } });
    expect(registerOrReuse(registry, 'requests_total', counter)).toBe(counter);
    expect(registry.get('requests_total')).toBe(counter);
  });

  test('returns the registered metric when type, labels and buckets agree (help may differ)', () => {
    const registry = new MetricRegistry();
    const first = registerOrReuse(
      registry,
      'latency_seconds',
      new Histogram({ help: 'a', labels: { route: 'string' }, buckets: [1, 2] }),
    );
    const second = registerOrReuse(
      registry,
      'latency_seconds',
      new Histogram({ help: 'b', labels: { route: 'string' }, buckets: [1, 2] }),
    );
    expect(second).toBe(first);
    second.observe({ route: '/' }, 1);
    expect(first.value({ route: '/' })?.count).toBe(1);
  });

  test.each([
    [
      'another type',
      () => new Gauge({ help: 'h', labels: { code: 'int' } }),
      /needs a gauge .* but it is a counter/,
    ],
    [
      'other label names',
      () => new Counter({ help: 'h', labels: { status: 'int' } }),
      /its labels are \[code\]/,
    ],
    [
      'another label type',
      () => new Counter({ help: 'h', labels: { code: 'string' } }),
      /its label "code" has type "int"/,
    ],
  ])('throws IncompatibleMetricError for %s', (_, create, message) => {
    const registry = new MetricRegistry();
    registry.register('thing', new Counter({ help: 'h', labels: { code: 'int' } }));
    const error = caught(() => registerOrReuse(registry, 'thing', create()));
    expect(IncompatibleMetricError.isInstance(error)).toBe(true);
    expect((error as IncompatibleMetricError).metricName).toBe('thing');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('separate registry');
  });

  test('throws IncompatibleMetricError for other buckets, and for enum labels with other members', () => {
    const registry = new MetricRegistry();
    registry.register('size_bytes', new Histogram({ help: 'h', buckets: [1, 2] }));
    expect(() =>
      registerOrReuse(registry, 'size_bytes', new Histogram({ help: 'h', buckets: [1, 3] })),
    ).toThrow(/its buckets are \[1, 2\]/);
    registry.register('kind_total', new Counter({ help: 'h', labels: { kind: ['a', 'b'] } }));
    expect(
      registerOrReuse(registry, 'kind_total', new Counter({ help: 'h', labels: { kind: ['a', 'b'] } })),
    ).toBe(registry.get('kind_total'));
    expect(() =>
      registerOrReuse(registry, 'kind_total', new Counter({ help: 'h', labels: { kind: ['a', 'c'] } })),
    ).toThrow(IncompatibleMetricError);
  });

  test('other registration errors pass through', () => {
    expect(() => registerOrReuse(new MetricRegistry(), 'bad name', new Counter({ help: 'h' }))).toThrow(
      InvalidNameError,
    );
  });
});

describe('registerOrReuseAll', () => {
  test('registers or reuses each metric, in order', () => {
    const registry = new MetricRegistry();
    const existing = registry.register('b_total', new Counter({ help: 'h' }));
    const fresh = new Gauge({ help: 'h' });
    expect(
      registerOrReuseAll(registry, [
        ['a', fresh],
        ['b_total', new Counter({ help: 'h' })],
      ]),
    ).toEqual([fresh, existing]);
  });

  test('is all or nothing: a failure unregisters what this call added, and keeps what was there', () => {
    const registry = new MetricRegistry();
    const existing = registry.register('b_total', new Counter({ help: 'h' }));
    const error = caught(() =>
      registerOrReuseAll(registry, [
        ['a', new Gauge({ help: 'h' })],
        ['b_total', new Counter({ help: 'h' })],
        ['c', new Gauge({ help: 'h' })],
        ['b_total', new Gauge({ help: 'h' })],
      ]),
    );
    expect(IncompatibleMetricError.isInstance(error)).toBe(true);
    expect(ServerMetricsError.isInstance(error)).toBe(true);
    expect((error as Error).name).toBe('IncompatibleMetricError');
    expect(registry.names()).toEqual(['b_total']);
    expect(registry.get('b_total')).toBe(existing);
  });
});
