import { Counter, Gauge, Histogram, MetricRegistry } from '@servermetrics/core';
import {
  checkOpenMetrics,
  labelObject,
  NASTY_CHARACTERS,
  NASTY_VALUES,
  parseExposition,
  promtoolCheckMetrics,
  requireBinary,
  requireOpenMetricsReferenceParser,
} from '@servermetrics/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderMetrics } from './render-metrics.js';

/**
 * Property: whatever a registry holds (nasty label values and help, huge, tiny, negative and
 * infinite numbers (a gauge refuses NaN), negative observations, negative bucket bounds), the text body passes
 * `promtool check metrics` and the OpenMetrics body passes the strict reference parser, and both
 * parse back to the values that were set. Each run batches many families into one body, so a run
 * costs one promtool and one Python process.
 */

const labelValue = fc.oneof(
  fc.constantFrom(...NASTY_VALUES),
  fc.string({ unit: fc.constantFrom(...NASTY_CHARACTERS), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

// promtool lints a HELP that is empty once leading blanks are gone (the text format drops them).
const help = fc
  .oneof(
    fc.string({ unit: fc.constantFrom(...NASTY_CHARACTERS), maxLength: 20 }),
    fc.string({ maxLength: 20 }),
  )
  .filter((text) => text.replace(/^[ \t]+/, '') !== '');

const extremeFinite = fc.constantFrom(
  0,
  -0,
  1,
  0.1,
  1e-7,
  5e-324,
  2.2250738585072014e-308,
  1e21,
  1.7976931348623157e308,
  Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  123456.789,
);
const finite = fc.oneof(
  extremeFinite,
  extremeFinite.map((value) => -value),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const nonNegativeFinite = fc.oneof(
  extremeFinite,
  fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
);
const gaugeValue = fc.oneof(finite, fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY));
const buckets = fc
  .uniqueArray(finite, { minLength: 1, maxLength: 6, comparator: (left, right) => left === right })
  .map((bounds) => [...bounds].sort((left, right) => left - right));

const family = fc.oneof(
  fc.record({
    type: fc.constant('counter' as const),
    help,
    series: fc.array(fc.tuple(labelValue, fc.array(nonNegativeFinite, { minLength: 1, maxLength: 3 })), {
      maxLength: 4,
    }),
  }),
  fc.record({
    type: fc.constant('gauge' as const),
    help,
    series: fc.array(fc.tuple(labelValue, gaugeValue), { maxLength: 4 }),
  }),
  fc.record({
    type: fc.constant('histogram' as const),
    help,
    buckets,
    series: fc.array(fc.tuple(labelValue, fc.array(finite, { minLength: 1, maxLength: 4 })), {
      maxLength: 3,
    }),
  }),
);

type FamilySpec = typeof family extends fc.Arbitrary<infer T> ? T : never;

function quietRegistry(): MetricRegistry {
  return new MetricRegistry({ logger: { warn: () => {}, error: () => {} }, strict: true });
}

/** Registers every family (`prop_<index>_...`) and returns the gauge values it set, by family name and label. */
function build(registry: MetricRegistry, specs: readonly FamilySpec[]): Map<string, Map<string, number>> {
  const gauges = new Map<string, Map<string, number>>();
  specs.forEach((spec, index) => {
    if (spec.type === 'counter') {
      const counter = registry.register(
        `prop_${index}_total`,
        new Counter({ help: spec.help, labels: { value: 'string' } }),
      );
      for (const [value, amounts] of spec.series)
        for (const amount of amounts) counter.inc({ value }, amount);
    } else if (spec.type === 'gauge') {
      const gauge = registry.register(
        `prop_${index}_bytes`,
        new Gauge({ help: spec.help, unit: 'bytes', labels: { value: 'string' } }),
      );
      const set = new Map<string, number>();
      for (const [value, number] of spec.series) {
        gauge.set({ value }, number);
        set.set(value, number);
      }
      gauges.set(`prop_${index}_bytes`, set);
    } else {
      const histogram = registry.register(
        `prop_${index}_seconds`,
        new Histogram({ help: spec.help, buckets: spec.buckets, labels: { value: 'string' } }),
      );
      for (const [value, observations] of spec.series) {
        for (const observation of observations) histogram.observe({ value }, observation);
      }
    }
  });
  return gauges;
}

/** A label value as the body carries it: UTF-8 has no lone surrogates, they are sent as U+FFFD. */
function wellFormed(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

/** The value as the exposition can carry it: -0 prints as 0. */
function exposed(value: number): number {
  return Object.is(value, -0) ? 0 : value;
}

describe('every rendered body passes promtool (text) and the reference parser (OpenMetrics)', () => {
  beforeAll(() => {
    requireBinary('promtool');
    requireOpenMetricsReferenceParser();
  });

  it('random registries with nasty label values and extreme numbers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(family, { minLength: 1, maxLength: 16 }), async (specs) => {
        const registry = quietRegistry();
        const gauges = build(registry, specs);
        const text = renderMetrics(registry, { format: 'text' });
        const openMetrics = renderMetrics(registry, { format: 'openmetrics' });
        const [promtool, reference] = await Promise.all([
          promtoolCheckMetrics(text),
          checkOpenMetrics(openMetrics),
        ]);
        expect(promtool.stderr).toBe('');
        expect(promtool.exitCode).toBe(0);
        expect(reference).toEqual({ ok: true, error: '' });

        // Accepted is not enough: the values that were set come back.
        for (const format of ['text', 'openmetrics'] as const) {
          const families = parseExposition(format === 'text' ? text : openMetrics, format);
          for (const [name, values] of gauges) {
            const parsed = families.find((candidate) => candidate.name === name)!;
            const back = new Map(parsed.samples.map((sample) => [labelObject(sample).value!, sample.value]));
            expect(back).toEqual(
              new Map([...values].map(([label, value]) => [wellFormed(label), exposed(value)])),
            );
          }
        }
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});
