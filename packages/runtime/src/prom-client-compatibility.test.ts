import { MetricRegistry } from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import { promtoolCheckMetrics } from '@servermetrics/testing';
import * as promClient from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectByName } from './fixtures/collect-families.js';
import { RuntimeMetrics } from './runtime-metrics.js';

/**
 * Families we add that prom-client 15 does not have (documented in the README's table of
 * differences). Nothing of prom-client's is left out.
 */
const DOCUMENTED_ADDITIONS: ReadonlySet<string> = new Set([
  'nodejs_eventloop_utilization_ratio',
  'nodejs_eventloop_time_seconds_total',
]);

/** Gauges prom-client names with a `_total` suffix, which promtool's linter flags; kept as they are. */
const KNOWN_LINT_PROBLEMS: readonly string[] = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** name -> "type{label,label}" of every default metric prom-client 15 registers here. */
function promClientShape(): Map<string, string> {
  const registry = new promClient.Registry();
  promClient.collectDefaultMetrics({ register: registry });
  const shape = new Map<string, string>();
  for (const metric of registry.getMetricsAsArray()) {
    const { name, labelNames } = metric as unknown as { name: string; labelNames: string[] };
    const type = String((metric as unknown as { type: unknown }).type);
    shape.set(name, `${type}{${labelNames.join(',')}}`);
  }
  return shape;
}

describe('compatibility with prom-client 15 collectDefaultMetrics()', () => {
  const registry = new MetricRegistry();
  const runtime = new RuntimeMetrics({ registry });
  beforeAll(() => {
    runtime.start();
  });
  afterAll(() => runtime.stop());

  it('has every default metric of prom-client with the same type and labels, plus only the documented additions', async () => {
    const expected = promClientShape();
    const families = await collectByName(registry);
    const ours = new Map(
      [...families.values()].map((family) => [family.name, `${family.type}{${family.labelNames.join(',')}}`]),
    );
    for (const [name, shape] of expected) expect({ name, shape: ours.get(name) }).toEqual({ name, shape });
    const extra = [...ours.keys()].filter((name) => !expected.has(name));
    expect(extra.sort()).toEqual([...DOCUMENTED_ADDITIONS].sort());
  });

  it('uses prom-client’s help texts and GC buckets', async () => {
    const reference = new promClient.Registry();
    promClient.collectDefaultMetrics({ register: reference });
    const families = await collectByName(registry);
    for (const metric of reference.getMetricsAsArray()) {
      const { name, help } = metric as unknown as { name: string; help: string };
      expect({ name, help: families.get(name)?.help }).toEqual({ name, help });
    }
    const gc = families.get('nodejs_gc_duration_seconds');
    expect(gc?.type === 'histogram' ? gc.bucketBounds : undefined).toEqual([0.001, 0.01, 0.1, 1, 2, 5]);
  });

  it('renders through the Prometheus exporter into text that promtool accepts', async () => {
    const labelled = new MetricRegistry();
    const withLabels = new RuntimeMetrics({
      registry: labelled,
      prefix: 'app_',
      labels: { service: 'a"b\\c' },
    });
    withLabels.start();
    try {
      for (const target of [registry, labelled]) {
        await target.runCollectHooks();
        // promtool check metrics reads the Prometheus text format only.
        const result = await promtoolCheckMetrics(renderMetrics(target, { format: 'text' }));
        // Exit code 3 is "lint problems only" (1 would be invalid exposition). The only
        // problems are prom-client's own gauge names ending in _total, kept for dashboards.
        const prefix = target === labelled ? 'app_' : '';
        expect(result).toEqual({
          exitCode: 3,
          stdout: '',
          stderr: KNOWN_LINT_PROBLEMS.map(
            (name) => `${prefix}${name} non-counter metrics should not have "_total" suffix\n`,
          ).join(''),
        });
      }
      const text = renderMetrics(labelled);
      expect(text).toContain('app_process_cpu_user_seconds_total{service="a\\"b\\\\c"}');
      expect(text).toContain('# TYPE app_nodejs_gc_duration_seconds histogram');
    } finally {
      withLabels.stop();
    }
  });
});
