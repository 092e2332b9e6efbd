import { createRecordingLogger, type RecordingLogger } from '@servermetrics/testing';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MetricUsageError } from '../errors/metric-usage-error.js';
import { EVICTED_CELLS_METRIC, MetricRegistry } from '../registry/metric-registry.js';
import { ValueCell } from './cell.js';
import { Counter } from './counter.js';
import { Gauge } from './gauge.js';
import { Histogram } from './histogram.js';
import { SeriesStore } from './series-store.js';

// DESIGN rule 11: each declared label name is read exactly once per call, whatever the shape of
// the label object; what is validated is what is stored; a throwing read is misuse.

type Loose = (...arguments_: unknown[]) => unknown;
const loose = (metric: object, method: string): Loose =>
  (metric as Record<string, Loose>)[method]!.bind(metric);

let logger: RecordingLogger;
let registry: MetricRegistry;
let strict: MetricRegistry;

beforeEach(() => {
  logger = createRecordingLogger();
  registry = new MetricRegistry({ logger, strict: false });
  strict = new MetricRegistry({ logger, strict: true });
});

function evictionFamily(target: MetricRegistry): unknown {
  return target.collect().find((family) => family.name === EVICTED_CELLS_METRIC);
}

describe('label objects of any shape find the same series', () => {
  test('labels from a class getter: one series, no evictions (issue 11, item 1)', () => {
    class L {
      get route(): string {
        return '/users/:id';
      }
    }
    const counter = registry.register(
      'requests_total',
      new Counter({ help: 'r', labels: { route: 'string' }, maxCells: 5 }),
    );
    for (let call = 0; call < 8; call++) counter.inc(new L());
    expect(counter.seriesCount).toBe(1);
    expect(counter.value({ route: '/users/:id' })).toBe(8);
    expect(counter.value(new L())).toBe(8);
    expect(evictionFamily(registry)).toBeUndefined();
    expect(logger.warnings).toEqual([]);
    expect(logger.errors).toEqual([]);
    const [family] = registry.collect();
    expect(family!.series).toHaveLength(1);
    expect(family!.series[0]).toMatchObject({ labelValues: ['/users/:id'], value: 8 });
  });

  test('non-enumerable, frozen, null-prototype, inherited and Proxy labels are the same series', () => {
    const counter = registry.register(
      'c_total',
      new Counter({ help: 'c', labels: { method: 'string', code: 'int' } }),
    );
    counter.inc({ method: 'GET', code: 200 });
    const hidden = {};
    Object.defineProperty(hidden, 'method', { value: 'GET', enumerable: false });
    Object.defineProperty(hidden, 'code', { value: 200, enumerable: false });
    const nullPrototype = Object.assign(Object.create(null) as object, { method: 'GET', code: 200 });
    const inherited = Object.create({ method: 'GET', code: 200 }) as object;
    const proxy = new Proxy({}, { get: (_target, key) => (key === 'method' ? 'GET' : 200) });
    for (const labels of [
      hidden,
      Object.freeze({ method: 'GET', code: 200 }),
      nullPrototype,
      inherited,
      proxy,
    ]) {
      loose(counter, 'inc')(labels);
    }
    expect(counter.seriesCount).toBe(1);
    expect(counter.value({ method: 'GET', code: 200 })).toBe(6);
    expect(logger.errors).toEqual([]);
    expect(loose(counter, 'remove')(hidden)).toBe(true);
    expect(counter.seriesCount).toBe(0);
  });

  test('a prototype-polluted key is ignored; an own unknown key is still rejected', () => {
    const counter = registry.register('c_total', new Counter({ help: 'c', labels: { route: 'string' } }));
    counter.inc({ route: '/' });
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.evil = 'x';
    try {
      counter.inc({ route: '/' });
      counter.inc({ route: '/new' });
      expect(counter.value({ route: '/' })).toBe(2);
      expect(counter.value({ route: '/new' })).toBe(1);
      expect(counter.with({ route: '/' })).toBe(counter.with({ route: '/' }));
      loose(counter, 'inc')({ route: '/', extra: 'y' });
    } finally {
      delete prototype.evil;
    }
    expect(counter.value({ route: '/' })).toBe(2);
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toContain('unknown label "extra"');
  });

  test('a Proxy: each declared name is read exactly once per call, on a hit and on a miss', () => {
    const counter = registry.register(
      'c_total',
      new Counter({ help: 'c', labels: { method: 'string', code: 'int' } }),
    );
    const reads: string[] = [];
    const proxy = new Proxy(
      { method: 'GET', code: 200 },
      {
        get(target, key, receiver): unknown {
          reads.push(String(key));
          return Reflect.get(target, key, receiver);
        },
      },
    );
    counter.inc(proxy);
    expect(reads.sort()).toEqual(['code', 'method']);
    reads.length = 0;
    counter.inc(proxy);
    expect(reads.sort()).toEqual(['code', 'method']);
    expect(counter.value({ method: 'GET', code: 200 })).toBe(2);
  });
});

describe('a value is read once: what is validated is what is stored (issue 11, item 3)', () => {
  test.each([
    ['default', (): MetricRegistry => registry],
    ['strict', (): MetricRegistry => strict],
  ])('%s mode: a getter giving 200 then "x" stores 200 into an int label', (_mode, target) => {
    const counter = target().register('c_total', new Counter({ help: 'c', labels: { code: 'int' } }));
    let reads = 0;
    class Flipping {
      get code(): unknown {
        reads++;
        return reads === 1 ? 200 : 'x';
      }
    }
    loose(counter, 'inc')(new Flipping());
    expect(reads).toBe(1);
    const [family] = target().collect();
    expect(family!.series.map((series) => series.labelValues)).toEqual([[200]]);
    expect(counter.value({ code: 200 })).toBe(1);
  });

  test('startTimer reads the labels once, when it starts', () => {
    const histogram = registry.register('h', new Histogram({ help: 'h', labels: { code: 'int' } }));
    let reads = 0;
    class Flipping {
      get code(): unknown {
        reads++;
        return reads === 1 ? 200 : 'x';
      }
    }
    const stop = loose(histogram, 'startTimer')(new Flipping()) as () => number;
    stop();
    expect(reads).toBe(1);
    expect(histogram.value({ code: 200 })!.count).toBe(1);
    expect(logger.errors).toEqual([]);
  });
});

describe('a throwing getter or Proxy trap is misuse (issue 11, item 2)', () => {
  const boom = new Error('boom');
  class Throwing {
    get route(): string {
      throw boom;
    }
  }
  const throwingTrap = (): object =>
    new Proxy(
      {},
      {
        ownKeys(): never {
          throw boom;
        },
        get: (): string => '/',
      },
    );

  type Call = (
    metrics: {
      counter: Counter<{ route: 'string' }>;
      gauge: Gauge<{ route: 'string' }>;
      histogram: Histogram<{ route: 'string' }>;
    },
    labels: unknown,
  ) => unknown;
  const calls: [string, string, Call][] = [
    ['counter.inc', 'inc', ({ counter }, labels) => loose(counter, 'inc')(labels)],
    ['counter.with', 'with', ({ counter }, labels) => loose(counter, 'with')(labels)],
    ['counter.value', 'value', ({ counter }, labels) => loose(counter, 'value')(labels)],
    ['counter.remove', 'remove', ({ counter }, labels) => loose(counter, 'remove')(labels)],
    ['gauge.set', 'set', ({ gauge }, labels) => loose(gauge, 'set')(labels, 1)],
    ['gauge.inc', 'inc', ({ gauge }, labels) => loose(gauge, 'inc')(labels)],
    ['gauge.dec', 'dec', ({ gauge }, labels) => loose(gauge, 'dec')(labels)],
    ['gauge.setToCurrentTime', 'set', ({ gauge }, labels) => loose(gauge, 'setToCurrentTime')(labels)],
    ['histogram.observe', 'observe', ({ histogram }, labels) => loose(histogram, 'observe')(labels, 1)],
    [
      'histogram.startTimer',
      'startTimer',
      ({ histogram }, labels) => (loose(histogram, 'startTimer')(labels) as () => number)(),
    ],
    ['histogram.value', 'value', ({ histogram }, labels) => loose(histogram, 'value')(labels)],
  ];

  function metricsIn(target: MetricRegistry): Parameters<Call>[0] {
    const labels = { route: 'string' } as const;
    return {
      counter: target.register('c_total', new Counter({ help: 'c', labels })),
      gauge: target.register('g', new Gauge({ help: 'g', labels })),
      histogram: target.register('h', new Histogram({ help: 'h', labels })),
    };
  }

  describe.each([
    ['a throwing getter', (): unknown => new Throwing()],
    ['a throwing Proxy trap', throwingTrap],
  ])('%s', (_shape, makeLabels) => {
    test.each(calls)(
      '%s: logged once (rate-limited) and dropped in default mode',
      (_name, operation, call) => {
        const metrics = metricsIn(registry);
        for (let index = 0; index < 100; index++) expect(() => call(metrics, makeLabels())).not.toThrow();
        expect(metrics.counter.seriesCount + metrics.gauge.seriesCount + metrics.histogram.seriesCount).toBe(
          0,
        );
        expect(logger.errors).toHaveLength(1);
        expect(logger.errors[0]).toContain(`.${operation}(): `);
        expect(logger.errors[0]).toContain('boom');
      },
    );

    test.each(calls)(
      '%s: MetricUsageError with the error as cause in strict mode',
      (_name, operation, call) => {
        const metrics = metricsIn(strict);
        let thrown: unknown;
        try {
          call(metrics, makeLabels());
        } catch (error) {
          thrown = error;
        }
        expect(MetricUsageError.isInstance(thrown)).toBe(true);
        expect((thrown as MetricUsageError).operation).toBe(operation);
        expect((thrown as Error).cause).toBe(boom);
        expect(metrics.counter.seriesCount + metrics.gauge.seriesCount + metrics.histogram.seriesCount).toBe(
          0,
        );
      },
    );
  });

  test('an error that cannot even be described is still reported', () => {
    const counter = registry.register('c_total', new Counter({ help: 'c', labels: { route: 'string' } }));
    const nasty = new Proxy(
      {},
      {
        get(): never {
          throw new Proxy(
            {},
            {
              get(): never {
                throw new Error('again');
              },
            },
          );
        },
      },
    );
    expect(() => loose(counter, 'inc')(nasty)).not.toThrow();
    expect(logger.errors).toHaveLength(1);
  });
});

describe('with() on invalid labels', () => {
  test('returns one shared no-op handle per metric; its updates are reported (rate-limited) and dropped', () => {
    const counter = registry.register('c_total', new Counter({ help: 'c', labels: { code: 'int' } }));
    const with_ = loose(counter, 'with');
    const first = with_({ code: 'x' }) as ReturnType<typeof counter.with>;
    expect(with_({ nope: 1 })).toBe(first);
    expect(with_(undefined)).toBe(first);
    for (let call = 0; call < 100; call++) first.inc();
    expect(first.value()).toBe(0);
    expect(counter.seriesCount).toBe(0);
    expect(logger.errors.filter((message) => message.includes('c_total.inc()'))).toEqual([
      'c_total.inc(): bound series was created from invalid labels (see the with() report); the call was dropped',
    ]);
    const gauge = registry.register('g', new Gauge({ help: 'g', initial: 3 }));
    const noOp = loose(gauge, 'with')({ room: 'a' }) as ReturnType<typeof gauge.with>;
    expect(loose(gauge, 'with')({ room: 'b' })).toBe(noOp);
    noOp.set(7);
    expect(noOp.value()).toBe(3);
    expect(gauge.value()).toBe(3);
  });

  test('in strict mode with() throws, and an update through a no-op handle throws too', () => {
    const counter = new Counter({ help: 'c', labels: { code: 'int' }, logger });
    const noOp = loose(counter, 'with')({ code: 'x' }) as ReturnType<typeof counter.with>;
    strict.register('c_total', counter);
    expect(() => loose(counter, 'with')({ code: 'x' })).toThrow(MetricUsageError);
    expect(() => noOp.inc()).toThrow(/c_total\.inc\(\): bound series was created from invalid labels/);
  });
});

describe('the series store never replaces a live series', () => {
  test('insert of an existing series returns the live cell and changes nothing', () => {
    const store = new SeriesStore<ValueCell>(['route'], 5, () => {});
    const first = new ValueCell(['/'], 0);
    expect(store.insert(first)).toBe(first);
    const second = new ValueCell(['/'], 0);
    expect(store.insert(second)).toBe(first);
    expect(store.size).toBe(1);
    expect(store.cells()).toEqual([first]);
    expect(store.findByValues(['/'])).toBe(first);
  });
});

describe('a getter that uses the same metric while it is read', () => {
  test('the outer call still stores what it read', () => {
    const counter = registry.register(
      'c_total',
      new Counter({ help: 'c', labels: { first: 'string', second: 'string' } }),
    );
    class Reentrant {
      get first(): string {
        counter.inc({ first: 'inner', second: 'inner' });
        return 'outer';
      }
      get second(): string {
        return 'outer';
      }
    }
    counter.inc(new Reentrant());
    expect(counter.value({ first: 'outer', second: 'outer' })).toBe(1);
    expect(counter.value({ first: 'inner', second: 'inner' })).toBe(1);
  });
});

describe('property: the shape of a label object never changes which series it names', () => {
  const schema = { method: ['GET', 'POST'], code: 'int', route: 'string', ok: 'boolean' } as const;
  type Labels = { method: 'GET' | 'POST'; code: number; route: string; ok: boolean };
  const labelValues = fc.record({
    method: fc.constantFrom('GET' as const, 'POST' as const),
    code: fc.integer({ min: -3, max: 3 }),
    route: fc.constantFrom('/', '/a', 'a"b', ''),
    ok: fc.boolean(),
  });

  /** Builds one label object of the given shape holding `values`, counting reads of declared names. */
  function shaped(shape: number, values: Labels, reads: { count: number }): object {
    const names = Object.keys(values) as (keyof Labels)[];
    switch (shape) {
      case 0:
        return { ...values };
      case 1: {
        const hidden = {};
        for (const name of names) {
          Object.defineProperty(hidden, name, {
            get: () => {
              reads.count++;
              return values[name];
            },
            enumerable: false,
          });
        }
        return hidden;
      }
      case 2: {
        class Getters {}
        for (const name of names) {
          Object.defineProperty(Getters.prototype, name, {
            get: () => {
              reads.count++;
              return values[name];
            },
          });
        }
        return new Getters();
      }
      case 3:
        return new Proxy(
          { ...values },
          {
            get(target, key, receiver): unknown {
              reads.count++;
              return Reflect.get(target, key, receiver);
            },
          },
        );
      case 4:
        return Object.freeze(Object.assign(Object.create(null) as object, values));
      default: {
        const reversed: Record<string, unknown> = {};
        for (const name of [...names].reverse()) reversed[name] = values[name];
        return Object.create(reversed) as object;
      }
    }
  }

  test('every shape of the same values adds to one series, reading each label once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(5), labelValues, fc.nat(2)), { minLength: 1, maxLength: 40 }),
        (operations) => {
          const target = new MetricRegistry({ logger: createRecordingLogger(), strict: true });
          const counter = target.register('c_total', new Counter({ help: 'c', labels: schema }));
          const gauge = target.register('g', new Gauge({ help: 'g', labels: schema }));
          const expected = new Map<string, number>();
          for (const [shape, values, operation] of operations) {
            const reads = { count: 0 };
            const labels = shaped(shape, values, reads);
            if (operation === 0) loose(counter, 'inc')(labels);
            else if (operation === 1) (loose(counter, 'with')(labels) as { inc(): void }).inc();
            else loose(gauge, 'inc')(labels);
            if (shape >= 1 && shape <= 3) expect(reads.count).toBe(4);
            if (operation !== 2) {
              const key = JSON.stringify([values.method, values.code, values.route, values.ok]);
              expected.set(key, (expected.get(key) ?? 0) + 1);
            }
          }
          expect(counter.seriesCount).toBe(expected.size);
          for (const [key, count] of expected) {
            const [method, code, route, ok] = JSON.parse(key) as [Labels['method'], number, string, boolean];
            expect(counter.value({ method, code, route, ok })).toBe(count);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('an own enumerable key that is not declared is rejected, whatever else the object holds', () => {
    fc.assert(
      fc.property(
        labelValues,
        fc.string().filter((key) => !(key in schema) && key !== '__proto__'),
        (values, extra) => {
          const target = new MetricRegistry({ logger: createRecordingLogger(), strict: false });
          const counter = target.register('c_total', new Counter({ help: 'c', labels: schema }));
          counter.inc(values);
          loose(counter, 'inc')({ ...values, [extra]: 1 });
          expect(counter.value(values)).toBe(1);
          expect(counter.seriesCount).toBe(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});

afterEach(() => {
  expect(Object.keys(Object.prototype)).toEqual([]);
});
