import { Counter, Gauge, Histogram, MetricRegistry } from '@servermetrics/core';
import {
  checkOpenMetrics,
  labelObject,
  NASTY_CHARACTERS,
  NASTY_VALUES,
  type ParsedFamily,
  parseExposition,
  promtoolCheckMetrics,
  requireBinary,
} from '@servermetrics/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderMetrics } from './render-metrics.js';

function quietRegistry(): MetricRegistry {
  return new MetricRegistry({ logger: { warn: () => {}, error: () => {} }, strict: true });
}

function buildEveryType(registry: MetricRegistry): void {
  registry.register('app_started_total', new Counter({ help: 'Starts.' })).inc();
  const requests = registry.register(
    'app_requests_total',
    new Counter({
      help: 'Requests, with a "quoted" help and a \\ and a\nnewline.',
      labels: { path: 'string', code: 'int' },
    }),
  );
  registry.register('app_memory_bytes', new Gauge({ help: 'Memory.', unit: 'bytes' })).set(123456789);
  const temperature = registry.register(
    'app_temperature_celsius',
    new Gauge({ help: 'Temperature.', labels: { room: 'string' } }),
  );
  registry.register('app_latency_seconds', new Histogram({ help: 'Latency.' })).observe(0.3);
  const sizes = registry.register(
    'app_payload_bytes',
    new Histogram({
      help: 'Payload sizes.',
      buckets: [1, 1024, 1e6],
      labels: { kind: 'string', ok: 'boolean' },
    }),
  );
  registry.register('app_idle_workers', new Gauge({ help: 'Idle workers.', labels: { pool: 'string' } }));
  NASTY_VALUES.forEach((value, index) => {
    requests.inc({ path: value, code: 200 + index }, index + 1);
    temperature.set({ room: value }, index - 0.5);
    sizes.observe({ kind: value, ok: index % 2 === 0 }, index * 100);
  });
  temperature.set({ room: 'infinite' }, Number.POSITIVE_INFINITY);
}

function samplesByName(family: ParsedFamily, name: string): Record<string, string>[] {
  return family.samples.filter((sample) => sample.name === name).map(labelObject);
}

describe('promtool check metrics', () => {
  beforeAll(() => {
    requireBinary('promtool');
  });

  it('passes on every metric type, labelled and unlabelled, with nasty label values', async () => {
    const registry = quietRegistry();
    buildEveryType(registry);
    const body = renderMetrics(registry, { format: 'text' });
    const result = await promtoolCheckMetrics(body);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(await checkOpenMetrics(renderMetrics(registry, { format: 'openmetrics' }))).toEqual({
      ok: true,
      error: '',
    });

    const families = parseExposition(body, 'text');
    const requests = families.find((family) => family.name === 'app_requests_total')!;
    expect(samplesByName(requests, 'app_requests_total').map((labels) => labels.path)).toEqual(NASTY_VALUES);
    const payloads = families.find((family) => family.name === 'app_payload_bytes')!;
    expect(samplesByName(payloads, 'app_payload_bytes_count').map((labels) => labels.kind)).toEqual(
      NASTY_VALUES,
    );
  });

  it('fails on a broken body, so the checks above can fail', async () => {
    const result = await promtoolCheckMetrics(
      '# HELP broken_total Broken.\n# TYPE broken_total counter\nbroken_total{a="unterminated} 1\n',
    );
    expect(result.exitCode).not.toBe(0);
  });

  it('passes with lone UTF-16 surrogates, which are sent as U+FFFD', async () => {
    const registry = quietRegistry();
    registry
      .register('odd_strings_total', new Counter({ help: 'Odd \ud800 help.', labels: { value: 'string' } }))
      .inc({ value: 'a\udc00b' });
    const body = Buffer.from(renderMetrics(registry), 'utf8').toString('utf8');
    const result = await promtoolCheckMetrics(body);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(labelObject(parseExposition(body, 'text')[0]!.samples[0]!).value).toBe('a\ufffdb');
  });

  it('fuzz: random label values and HELP text always pass promtool and parse back to the same values', async () => {
    const nastyCharacter = fc.constantFrom(...NASTY_CHARACTERS);
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 24 }),
      fc.string({ unit: nastyCharacter, maxLength: 24 }),
    );
    // promtool's parser skips blanks before HELP text and lints an empty HELP, so HELP needs something else.
    const help = text.filter((candidate) => candidate.replace(/^[ \t]+/, '') !== '');
    const fuzzCase = fc.record({
      help,
      series: fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 4 }),
    });

    await fc.assert(
      fc.asyncProperty(fc.array(fuzzCase, { minLength: 1, maxLength: 30 }), async (cases) => {
        const registry = quietRegistry();
        const expected = cases.map((fuzz, index) => {
          const counter = registry.register(
            `fuzz_case_${index}_total`,
            new Counter({ help: fuzz.help, labels: { first: 'string', second: 'string' } }),
          );
          const histogram = registry.register(
            `fuzz_case_${index}_seconds`,
            new Histogram({ help: fuzz.help, buckets: [1], labels: { first: 'string' } }),
          );
          const totals = new Map<string, number>();
          fuzz.series.forEach(([first, second], seriesIndex) => {
            counter.inc({ first, second }, seriesIndex + 1);
            histogram.observe({ first }, 0.5);
            const key = JSON.stringify([first, second]);
            totals.set(key, (totals.get(key) ?? 0) + seriesIndex + 1);
          });
          return { help: fuzz.help, totals, firsts: new Set(fuzz.series.map(([first]) => first)) };
        });

        const body = renderMetrics(registry, { format: 'text' });
        const result = await promtoolCheckMetrics(body);
        expect(result.stderr).toBe('');
        expect(result.exitCode).toBe(0);

        const openMetrics = renderMetrics(registry, { format: 'openmetrics' });
        expect(await checkOpenMetrics(openMetrics)).toEqual({ ok: true, error: '' });

        for (const format of ['text', 'openmetrics'] as const) {
          const families = parseExposition(format === 'text' ? body : openMetrics, format);
          expected.forEach((fuzz, index) => {
            const counterName = format === 'text' ? `fuzz_case_${index}_total` : `fuzz_case_${index}`;
            const counter = families.find((family) => family.name === counterName)!;
            // The text format cannot carry blanks at the start of HELP; OpenMetrics keeps them.
            expect(counter.help).toBe(format === 'text' ? fuzz.help.replace(/^[ \t]+/, '') : fuzz.help);
            const totals = new Map(
              counter.samples.map((sample) => [
                JSON.stringify([labelObject(sample).first, labelObject(sample).second]),
                sample.value,
              ]),
            );
            expect(totals).toEqual(fuzz.totals);
            const histogram = families.find((family) => family.name === `fuzz_case_${index}_seconds`)!;
            expect(
              new Set(
                samplesByName(histogram, `fuzz_case_${index}_seconds_count`).map((labels) => labels.first),
              ),
            ).toEqual(fuzz.firsts);
          });
        }
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});
