import { createRecordingLogger } from '@servermetrics/testing';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MetricRegistry } from '../registry/metric-registry.js';
import { Counter } from './counter.js';
import { Gauge } from './gauge.js';
import { Histogram } from './histogram.js';

const MAX_CELLS = 16;
const schema = { action: 'string', code: 'int', method: ['GET', 'POST'], ok: 'boolean' } as const;

const junk = fc.oneof(
  fc.anything(),
  fc.double(),
  fc.string(),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -1,
    -0,
    null,
    undefined,
    '200',
    200.5,
    'GET',
    'PUT',
    true,
  ),
);
const labelObjects = fc.oneof(
  junk,
  fc.record({ action: junk, code: junk, method: junk, ok: junk }, { requiredKeys: [] }),
  fc.record({
    action: fc.string(),
    code: fc.integer({ min: -5, max: 5 }),
    method: fc.constantFrom('GET', 'POST'),
    ok: fc.boolean(),
  }),
  fc.dictionary(fc.string(), junk),
);

function isValid(labels: unknown): boolean {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return false;
  const record = labels as Record<string, unknown>;
  const keys = Object.keys(record);
  return (
    keys.length === 4 &&
    typeof record.action === 'string' &&
    Number.isInteger(record.code) &&
    (record.method === 'GET' || record.method === 'POST') &&
    typeof record.ok === 'boolean'
  );
}

const isNumber = (value: unknown): value is number => typeof value === 'number';

/** Whether operation `kind` of the fuzz loop (see its switch) is a valid call. */
function isValidCall(kind: number, labels: unknown, amount: unknown): boolean {
  if (!isValid(labels)) return false;
  switch (kind) {
    case 0:
      return amount === undefined || (isNumber(amount) && amount >= 0 && Number.isFinite(amount));
    case 1:
    case 5: // with() creates the series from valid labels whatever the amount
      return true;
    case 2:
      return isNumber(amount) && !Number.isNaN(amount);
    case 3:
      return amount === undefined || (isNumber(amount) && Number.isFinite(amount));
    case 4:
      return isNumber(amount) && Number.isFinite(amount);
    default:
      return false;
  }
}

/** Every live series object of the registry's own metrics (not the eviction counter). */
function liveSeries(registry: MetricRegistry): Set<object> {
  const series = new Set<object>();
  for (const family of registry.collect()) {
    if (family.name === 'servermetrics_evicted_cells_total') continue;
    for (const view of family.series as readonly object[]) series.add(view);
  }
  return series;
}

describe('hot path fuzz', () => {
  test('random junk never throws, creates series only for valid labels, never exceeds maxCells', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(6), labelObjects, junk), { maxLength: 60 }), (operations) => {
        const registry = new MetricRegistry({ logger: createRecordingLogger(), strict: false });
        const counter = registry.register(
          'c',
          new Counter({ help: 'c', labels: schema, maxCells: MAX_CELLS }),
        );
        const gauge = registry.register('g', new Gauge({ help: 'g', labels: schema, maxCells: MAX_CELLS }));
        const histogram = registry.register(
          'h',
          new Histogram({ help: 'h', labels: schema, maxCells: MAX_CELLS }),
        );
        const loose = (metric: object, method: string): ((...args: unknown[]) => unknown) =>
          (metric as Record<string, (...args: unknown[]) => unknown>)[method]!.bind(metric);
        for (const [kind, labels, amount] of operations) {
          const before = liveSeries(registry);
          switch (kind) {
            case 0:
              loose(counter, 'inc')(labels, amount);
              break;
            case 1:
              loose(counter, 'inc')(labels);
              break;
            case 2:
              loose(gauge, 'set')(labels, amount);
              break;
            case 3:
              loose(gauge, 'dec')(labels, amount);
              break;
            case 4:
              loose(histogram, 'observe')(labels, amount);
              break;
            case 5:
              (loose(counter, 'with')(labels) as { inc: (amount: unknown) => void }).inc(amount);
              break;
            default:
              loose(counter, 'inc')(amount);
          }
          const families = registry
            .collect()
            .filter((family) => family.name !== 'servermetrics_evicted_cells_total');
          for (const family of families) expect(family.series.length).toBeLessThanOrEqual(MAX_CELLS);
          // Invalid input creates nothing and evicts nothing: the very same series objects remain.
          if (!isValidCall(kind, labels, amount)) expect(liveSeries(registry)).toEqual(before);
          for (const family of families) {
            for (const series of family.series) {
              expect(series.labelValues).toHaveLength(4);
              if (family.type === 'counter')
                expect((series as { value: number }).value).toBeGreaterThanOrEqual(0);
              if (family.type !== 'histogram')
                expect(Number.isNaN((series as { value: number }).value)).toBe(false);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('strict mode throws MetricUsageError, and only that, on junk', () => {
    fc.assert(
      fc.property(labelObjects, junk, (labels, amount) => {
        const counter = new Counter({ help: 'c', labels: schema, strict: true });
        try {
          (counter.inc as (labels: unknown, amount: unknown) => void)(labels, amount);
        } catch (error) {
          expect((error as Error).name).toBe('MetricUsageError');
          expect(counter.seriesCount).toBe(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
