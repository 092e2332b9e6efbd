import { createRecordingLogger } from '@servermetrics/testing';
import { describe, expect, it } from 'vitest';
import { CollectTimeoutError } from '../errors/collect-timeout-error.js';
import { Gauge } from '../metrics/gauge.js';
import { MetricRegistry } from '../registry/metric-registry.js';
import type { CollectHookFailure } from './metric-family.js';
import type { MetricProducer } from './metric-producer.js';
import { refreshProducers } from './refresh-producers.js';

class FlakyProducer implements MetricProducer {
  readonly logger = createRecordingLogger();
  calls = 0;

  constructor(private readonly behaviour: () => Promise<readonly CollectHookFailure[]>) {}

  collect(): [] {
    return [];
  }

  refresh(): Promise<readonly CollectHookFailure[]> {
    this.calls++;
    return this.behaviour();
  }
}

describe('refreshProducers', () => {
  it("runs every producer's refresh concurrently and passes on the failures they report", async () => {
    const logger = createRecordingLogger();
    const registry = new MetricRegistry({ logger });
    let order: string[] = [];
    registry.register(
      'slow_depth',
      new Gauge({
        help: 's',
        collect: async (gauge) => {
          order.push('registry started');
          await new Promise((resolve) => setTimeout(resolve, 30));
          gauge.set(4);
          order.push('registry done');
        },
      }),
    );
    registry.register(
      'broken_depth',
      new Gauge({
        help: 'b',
        collect: () => {
          throw new Error('hook broke');
        },
      }),
    );
    const other = new FlakyProducer(async () => {
      order.push('other started');
      return [];
    });
    const noRefresh: MetricProducer = { collect: () => [] };
    order = [];
    const failures = await refreshProducers([registry, noRefresh, other]);
    expect(order).toEqual(['registry started', 'other started', 'registry done']);
    expect(failures.map((failure) => failure.name)).toEqual(['broken_depth']);
    expect((registry.get('slow_depth') as Gauge).value()).toBe(4);
    expect(logger.errors).toHaveLength(1);
  });

  it('reports a refresh that throws or rejects, through the producer logger, and never rejects', async () => {
    const throwing = new FlakyProducer(() => {
      throw new Error('sync boom');
    });
    const rejecting = new FlakyProducer(() => Promise.reject(new Error('async boom')));
    const failures = await refreshProducers([throwing, rejecting]);
    expect(failures.map((failure) => [failure.name, String(failure.error)])).toEqual([
      ['FlakyProducer.refresh', 'Error: sync boom'],
      ['FlakyProducer.refresh', 'Error: async boom'],
    ]);
    expect(throwing.logger.errors[0]).toMatch(/FlakyProducer\.refresh\(\) failed: Error: sync boom/);
    expect(rejecting.logger.errors[0]).toMatch(/async boom/);
  });

  it('stops waiting for a refresh that hangs, and does not start it again while it runs', async () => {
    const hanging = new FlakyProducer(() => new Promise(() => {}));
    const quick = new FlakyProducer(async () => []);
    const fallback = createRecordingLogger();
    const started = performance.now();
    const failures = await refreshProducers([hanging, quick], { timeoutMs: 50, logger: fallback });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(failures).toHaveLength(1);
    expect(CollectTimeoutError.isInstance(failures[0]!.error)).toBe(true);
    expect(String(failures[0]!.error)).toMatch(/did not settle within 50 ms/);
    const again = await refreshProducers([hanging, quick], { timeoutMs: 50 });
    expect(hanging.calls).toBe(1);
    expect(quick.calls).toBe(2);
    expect(String(again[0]!.error)).toMatch(/still running from an earlier call/);
  });

  it('uses the logger option for a producer without one', async () => {
    const fallback = createRecordingLogger();
    const producer: MetricProducer = {
      collect: () => [],
      refresh: () => Promise.reject(new Error('no logger here')),
    };
    const failures = await refreshProducers([producer], { logger: fallback });
    expect(failures[0]!.name).toBe('producer.refresh');
    expect(fallback.errors[0]).toMatch(/no logger here/);
  });
});
