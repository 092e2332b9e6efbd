import { listenForStatsd, type StatsdListener } from '@internal/demo-harness';
import { distributionTotals, waitFor } from '@servermetrics/testing';
import { afterEach, expect, test } from 'vitest';
import { type DatadogExample, startDatadogExample } from './datadog-example.js';

let example: DatadogExample | undefined;
let listener: StatsdListener | undefined;

afterEach(async () => {
  await example?.close();
  await listener?.close();
  example = undefined;
  listener = undefined;
});

const TAGS = 'env:dev,service:checkout,version:1.0.0';

/** Waits until the listener received `count` lines in total, and returns the lines from `from` on. */
function linesFrom(from: number, count: number): Promise<string[]> {
  return waitFor(`${count} StatsD lines`, () =>
    listener!.lines.length >= count ? listener!.lines.slice(from) : undefined,
  );
}

test('pushes DogStatsD lines with labels as tags, then only the deltas', async () => {
  listener = await listenForStatsd({ port: 0 });
  example = startDatadogExample({ port: listener.port, intervalMs: 600_000, tickMs: 600_000 });
  for (let tick = 0; tick < 3; tick++) example.tick();
  const first = await example.exporter.flush();
  expect(first.errors).toEqual([]);
  const lines = await linesFrom(0, first.linesSent);
  expect(lines).toContain(`checkout.orders_total:6|c|#payment_method:card,${TAGS}`);
  expect(lines).toContain(`checkout.orders_total:3|c|#payment_method:paypal,${TAGS}`);
  expect(lines).toContain(`checkout.orders_total:1|c|#payment_method:invoice,${TAGS}`);
  expect(lines).toContain(`checkout.queue_depth:3|g|#${TAGS}`);
  // The histogram goes out as a distribution: one line per native bucket that got observations,
  // a representative value with a sample rate, which the Agent counts 1/rate times (truncated).
  const paypal = lines.filter(
    (line) =>
      line.startsWith('checkout.payment_duration_seconds:') && line.includes('#payment_method:paypal,'),
  );
  expect(paypal.length).toBeGreaterThan(0);
  for (const line of paypal)
    expect(line).toMatch(/^checkout\.payment_duration_seconds:[0-9.e-]+\|d(\|@[0-9.e-]+)?\|#/);
  expect(distributionTotals(paypal, 'checkout.payment_duration_seconds').count).toBe(3);

  example.tick(); // 2 card, 1 PayPal, no invoice; queue depth 4
  const second = await example.exporter.flush();
  const delta = await linesFrom(first.linesSent, first.linesSent + second.linesSent);
  expect(delta).toContain(`checkout.orders_total:2|c|#payment_method:card,${TAGS}`);
  expect(delta).toContain(`checkout.orders_total:1|c|#payment_method:paypal,${TAGS}`);
  expect(delta).toContain(`checkout.queue_depth:4|g|#${TAGS}`);
  expect(delta.filter((line) => line.includes('payment_method:invoice'))).toEqual([]);
});

test('the timer pushes while running and stop() pushes the rest: no order lost or counted twice', async () => {
  listener = await listenForStatsd({ port: 0 });
  example = startDatadogExample({ port: listener.port, intervalMs: 100, tickMs: 20 });
  await waitFor('two pushes from the timer', () =>
    listener!.lines.filter((line) => line.startsWith('checkout.queue_depth:')).length >= 2 ? true : undefined,
  );
  await example.close();
  const orders = example.metrics.orders_total.value({ payment_method: 'card' })!;
  expect(orders).toBeGreaterThan(0);
  const prefix = 'checkout.orders_total:';
  const suffix = `|c|#payment_method:card,${TAGS}`;
  const sent = (): number =>
    listener!.lines
      .filter((line) => line.startsWith(prefix) && line.endsWith(suffix))
      .reduce((sum, line) => sum + Number(line.slice(prefix.length, -suffix.length)), 0);
  await waitFor(`the pushed card orders to add up to ${orders}`, () =>
    sent() === orders ? true : undefined,
  );
});
