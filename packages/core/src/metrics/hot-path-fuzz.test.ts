import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { MetricFamily } from '../collect/metric-family.js';
import { MetricRegistry } from '../registry/metric-registry.js';
import { createRecordingLogger } from '../testing/recording-logger.js';
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

function seriesTotal(families: MetricFamily[]): number {
  return families.reduce((total, family) => total + family.series.length, 0);
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
          const before = seriesTotal(
            registry.collect().filter((family) => family.name !== 'servermetrics_evicted_cells_total'),
          );
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
          if (!isValid(labels)) expect(seriesTotal(families)).toBeLessThanOrEqual(before);
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
