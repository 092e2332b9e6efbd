import { describe, expectTypeOf, test } from 'vitest';
import type { LabelValues } from '../labels/label-schema.js';
import type { BoundCounter } from './counter.js';
import { Counter } from './counter.js';
import { Gauge } from './gauge.js';
import { Histogram } from './histogram.js';

// These tests are checked by `tsc --noEmit` (pnpm typecheck): every @ts-expect-error line must be an error.
describe('compile-time label types', () => {
  test('the schema types the label object', () => {
    const responses = new Counter({
      help: 'r',
      labels: { action: 'string', response_code: 'int', method: ['GET', 'POST'], cached: 'boolean' },
    });
    expectTypeOf<Parameters<typeof responses.value>[0]>().toEqualTypeOf<{
      readonly action: string;
      readonly response_code: number;
      readonly method: 'GET' | 'POST';
      readonly cached: boolean;
    }>();
    responses.inc({ action: 'get', response_code: 200, method: 'GET', cached: false });
    responses.inc({ action: 'get', response_code: 200, method: 'POST', cached: true }, 3);
    // @ts-expect-error a string for an int label
    responses.inc({ action: 'get', response_code: '200', method: 'GET', cached: false });
    // @ts-expect-error a value outside the enum
    responses.inc({ action: 'get', response_code: 200, method: 'PUT', cached: false });
    // @ts-expect-error a missing label
    responses.inc({ action: 'get', response_code: 200, method: 'GET' });
    // @ts-expect-error an unknown label
    responses.inc({ action: 'get', response_code: 200, method: 'GET', cached: false, extra: 1 });
    // @ts-expect-error labels are required on a labelled metric
    responses.inc();
    expectTypeOf(
      responses.with({ action: 'a', response_code: 1, method: 'GET', cached: true }),
    ).toEqualTypeOf<BoundCounter>();
  });

  test('an unlabelled metric takes no label object', () => {
    const lunches = new Counter({ help: 'l' });
    lunches.inc();
    lunches.inc(2);
    // @ts-expect-error no labels on an unlabelled counter
    lunches.inc({ action: 'x' });
    const hunger = new Gauge({ help: 'h', initial: 5 });
    hunger.set(3);
    // @ts-expect-error set needs a value
    hunger.set();
    const latency = new Histogram({ help: 'l' });
    latency.observe(0.1);
    // @ts-expect-error observe needs a value
    latency.observe();
    expectTypeOf(lunches.value()).toEqualTypeOf<number | undefined>();
  });

  test('labelled gauge and histogram signatures', () => {
    const gauge = new Gauge({ help: 'g', labels: { room: 'string' } });
    gauge.set({ room: 'kitchen' }, 20);
    gauge.inc({ room: 'kitchen' });
    // @ts-expect-error value before labels
    gauge.set(20, { room: 'kitchen' });
    const histogram = new Histogram({ help: 'h', labels: { route: 'string' } });
    histogram.observe({ route: '/' }, 0.2);
    histogram.startTimer({ route: '/' });
    // @ts-expect-error a number label value for a string label
    histogram.observe({ route: 1 }, 0.2);
    expectTypeOf<LabelValues<{ code: 'int' }>>().toEqualTypeOf<{ readonly code: number }>();
  });
});
