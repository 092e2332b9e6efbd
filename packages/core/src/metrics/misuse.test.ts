import { createRecordingLogger, type RecordingLogger } from '@servermetrics/testing';
import { beforeEach, describe, expect, expectTypeOf, test } from 'vitest';
import { MetricUsageError } from '../errors/metric-usage-error.js';
import { RateLimitedLogger } from '../logging/rate-limited-logger.js';
import { MetricRegistry } from '../registry/metric-registry.js';
import { Counter } from './counter.js';
import { Gauge } from './gauge.js';
import { Histogram } from './histogram.js';

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

describe('strict mode on every metric type and bound handle', () => {
  test.each([
    [
      'gauge set with a missing label',
      () => {
        const gauge = strict.register('g', new Gauge({ help: 'g', labels: { room: 'string' } }));
        loose(gauge, 'set')({}, 1);
      },
      /g\.set\(\): missing label "room"/,
    ],
    [
      'gauge inc by NaN',
      () => strict.register('g', new Gauge({ help: 'g' })).inc(Number.NaN),
      /g\.inc\(\): expected a finite number, got NaN/,
    ],
    [
      'bound gauge set NaN',
      () => {
        const gauge = strict.register('g', new Gauge({ help: 'g', labels: { room: 'string' } }));
        gauge.with({ room: 'a' }).set(Number.NaN);
      },
      /g\.set\(\): expected a number \(not NaN\), got NaN/,
    ],
    [
      'histogram observe with a wrong label type',
      () => {
        const histogram = strict.register('h', new Histogram({ help: 'h', labels: { code: 'int' } }));
        loose(histogram, 'observe')({ code: 'x' }, 1);
      },
      /h\.observe\(\): label "code" expects an integer but got "x"/,
    ],
    [
      'bound histogram observe Infinity',
      () => {
        const histogram = strict.register('h', new Histogram({ help: 'h', labels: { code: 'int' } }));
        histogram.with({ code: 1 }).observe(Number.POSITIVE_INFINITY);
      },
      /h\.observe\(\): expected a finite number, got Infinity/,
    ],
    [
      'histogram timer stopped with invalid labels',
      () => {
        const histogram = strict.register('h', new Histogram({ help: 'h', labels: { code: 'int' } }));
        (loose(histogram, 'startTimer')({ code: 1.5 }) as () => number)();
      },
      /h\.observe\(\): label "code" expects an integer but got 1.5/,
    ],
    [
      'bound counter inc by -1',
      () => {
        const counter = strict.register('c', new Counter({ help: 'c', labels: { code: 'int' } }));
        counter.with({ code: 1 }).inc(-1);
      },
      /c\.inc\(\): expected a finite, non-negative number, got -1/,
    ],
  ])('%s throws MetricUsageError', (_name, call, message) => {
    let thrown: unknown;
    try {
      call();
    } catch (error) {
      thrown = error;
    }
    expect(MetricUsageError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(message);
    expect(logger.errors).toEqual([]);
  });
});

describe('labels on unlabelled metrics, outside strict mode', () => {
  test('gauge set and histogram observe with a label object are logged and dropped', () => {
    const gauge = registry.register('g', new Gauge({ help: 'g', initial: 2 }));
    const histogram = registry.register('h', new Histogram({ help: 'h' }));
    loose(gauge, 'set')({ room: 'a' }, 5);
    loose(histogram, 'observe')({ route: '/' }, 0.1);
    expect(gauge.value()).toBe(2);
    expect(histogram.value()!.count).toBe(0);
    expect(logger.errors).toEqual([
      'g.set(): this metric has no labels, but got an object; the call was dropped',
      'h.observe(): this metric has no labels, but got an object; the call was dropped',
    ]);
  });
});

describe('value() never creates, never logs', () => {
  test.each([
    ['missing label', { action: 'get' }],
    ['unknown label', { action: 'get', code: 1, extra: 1 }],
    ['wrong type', { action: 'get', code: '1' }],
    ['no labels', undefined],
    ['not an object', 7],
  ])('%s returns undefined', (_name, labels) => {
    const counter = strict.register(
      'c',
      new Counter({ help: 'c', labels: { action: 'string', code: 'int' } }),
    );
    counter.inc({ action: 'get', code: 1 });
    expect(loose(counter, 'value')(labels)).toBeUndefined();
    expect(counter.seriesCount).toBe(1);
    expect(logger.errors).toEqual([]);
  });

  test('labels on an unlabelled metric return undefined', () => {
    const counter = strict.register('c', new Counter({ help: 'c' }));
    counter.inc();
    expect(loose(counter, 'value')({ action: 'get' })).toBeUndefined();
    expect(counter.value()).toBe(1);
  });
});

describe('defaults and lifecycle', () => {
  test('the default limit is 200 series', () => {
    const counter = registry.register('c', new Counter({ help: 'c', labels: { n: 'int' } }));
    expect(counter.maxCells).toBe(200);
    for (let n = 0; n < 205; n++) counter.inc({ n });
    expect(counter.seriesCount).toBe(200);
    expect(counter.value({ n: 4 })).toBeUndefined();
    expect(counter.value({ n: 5 })).toBe(1);
  });

  test('unregister, then register in another registry under the same name', () => {
    const counter = registry.register('c', new Counter({ help: 'c' }));
    registry.unregister('c');
    const other = new MetricRegistry({ logger });
    expect(other.register('c', counter)).toBe(counter);
    expect(other.get('c')).toBe(counter);
    expect(registry.get('c')).toBeUndefined();
  });

  test('unregistered from its first registry, a metric reports to the next one: logger, strictness and eviction count move; maxCells stays', () => {
    const firstLogger = createRecordingLogger();
    const nextLogger = createRecordingLogger();
    const first = new MetricRegistry({ logger: firstLogger, strict: false, defaultMaxCells: 2 });
    const next = new MetricRegistry({ logger: nextLogger, strict: false, defaultMaxCells: 50 });
    const counter = first.register('c', new Counter({ help: 'c', labels: { n: 'int' } }));
    next.register('c', counter);
    counter.inc({ n: 1 }, -1);
    expect(firstLogger.errors).toEqual([
      'c.inc(): expected a finite, non-negative number, got -1; the call was dropped',
    ]);
    expect(nextLogger.errors).toEqual([]);

    first.unregister('c');
    // Another kind of problem: reports are rate-limited per metric and kind, whatever the logger.
    loose(counter, 'inc')({}, 1);
    expect(nextLogger.errors).toEqual(['c.inc(): missing label "n"; the call was dropped']);
    expect(firstLogger.errors).toHaveLength(1);
    // maxCells was set at the first registration and stays: the third series evicts one.
    expect(counter.maxCells).toBe(2);
    for (let n = 1; n <= 3; n++) counter.inc({ n });
    expect(counter.seriesCount).toBe(2);
    expect(nextLogger.matching('evicted')).toHaveLength(1);
    const familyNames = (owner: MetricRegistry): string[] => owner.collect().map((family) => family.name);
    expect(familyNames(next)).toContain('servermetrics_evicted_cells_total');
    expect(familyNames(first)).not.toContain('servermetrics_evicted_cells_total');
    expect(firstLogger.warnings).toEqual([]);
  });

  test('unregistered from a lenient first registry, a metric also in a strict one throws on misuse', () => {
    const lenient = new MetricRegistry({ logger, strict: false });
    const counter = lenient.register('c', new Counter({ help: 'c' }));
    strict.register('c', counter);
    counter.inc(-1);
    expect(logger.errors).toEqual([
      'c.inc(): expected a finite, non-negative number, got -1; the call was dropped',
    ]);
    lenient.unregister('c');
    expect(() => counter.inc(Number.NaN)).toThrow(MetricUsageError);
    expect(logger.errors).toHaveLength(1);
  });

  test('overwrite with the very same metric changes nothing and warns nothing', () => {
    const counter = registry.register('c', new Counter({ help: 'c' }));
    registry.register('c', counter, { overwrite: true });
    expect(registry.get('c')).toBe(counter);
    expect(logger.warnings).toEqual([]);
  });

  test('startTimer copies the label object: changing it later does not move the observation', () => {
    const histogram = registry.register('h', new Histogram({ help: 'h', labels: { route: 'string' } }));
    const labels = { route: '/a' };
    const stop = histogram.startTimer(labels);
    labels.route = '/mutated';
    stop();
    expect(histogram.value({ route: '/a' })!.count).toBe(1);
    expect(histogram.value({ route: '/mutated' })).toBeUndefined();
  });

  test('Counter has no set and no dec; Gauge has both', () => {
    expectTypeOf<Counter>().not.toHaveProperty('set');
    expectTypeOf<Counter>().not.toHaveProperty('dec');
    expectTypeOf<Gauge>().toHaveProperty('set');
    expectTypeOf<Gauge>().toHaveProperty('dec');
    expect('set' in new Counter({ help: 'c' })).toBe(false);
  });
});

describe('cost of a suppressed report', () => {
  test('the message is built only when it is logged', () => {
    let now = 0;
    const rateLimited = new RateLimitedLogger(() => logger, { intervalMs: 1000, now: () => now });
    let built = 0;
    const message = (): string => {
      built++;
      return 'problem';
    };
    for (let call = 0; call < 100; call++) rateLimited.log('error', 'kind', message);
    expect(built).toBe(1);
    now = 1000;
    rateLimited.log('error', 'kind', message);
    expect(built).toBe(2);
    expect(logger.errors).toEqual(['problem', 'problem (99 similar messages suppressed)']);
  });
});
