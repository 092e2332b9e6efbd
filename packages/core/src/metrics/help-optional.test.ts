import { describe, expect, expectTypeOf, test } from 'vitest';
import { MetricRegistry } from '../registry/metric-registry.js';
import { Counter } from './counter.js';
import { Gauge } from './gauge.js';
import { Histogram } from './histogram.js';

describe('help is optional (issue 10, item 7)', () => {
  test('new Counter(), new Gauge({ initial: 5 }) and new Histogram() work, with help undefined', () => {
    const counter = new Counter();
    const gauge = new Gauge({ initial: 5 });
    const histogram = new Histogram();
    counter.inc();
    histogram.observe(0.2);
    expect(counter.value()).toBe(1);
    expect(gauge.value()).toBe(5);
    expect(histogram.value()!.count).toBe(1);
    expect([counter.help, gauge.help, histogram.help]).toEqual([undefined, undefined, undefined]);
    expectTypeOf(counter.help).toEqualTypeOf<string | undefined>();
  });

  test('collect() carries help undefined when none was given, and as given otherwise', () => {
    const registry = new MetricRegistry();
    registry.register('without_help_total', new Counter());
    registry.register('with_empty_help', new Gauge({ help: '' }));
    registry.register('with_help_seconds', new Histogram({ help: 'Latency', labels: { route: 'string' } }));
    expect(registry.collect().map((family) => [family.name, family.help])).toEqual([
      ['with_empty_help', ''],
      ['with_help_seconds', 'Latency'],
      ['without_help_total', undefined],
    ]);
  });

  test('a labelled metric without help is typed by its schema like any other', () => {
    const counter = new Counter({ labels: { code: 'int' } });
    counter.inc({ code: 200 });
    expect(counter.value({ code: 200 })).toBe(1);
  });
});
