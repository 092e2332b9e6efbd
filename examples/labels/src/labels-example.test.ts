import { EVICTED_CELLS_METRIC, MetricUsageError } from '@servermetrics/core';
import { sampleValue, scrape } from '@servermetrics/testing';
import { afterEach, expect, test, vi } from 'vitest';
import { BAD_CALLS } from './bad-calls.js';
import { type LabelsExample, startLabelsExample } from './labels-example.js';

let example: LabelsExample | undefined;

afterEach(async () => {
  vi.unstubAllEnvs();
  await example?.close();
  example = undefined;
});

/** Starts the example on a free port, with a timer too slow to interfere, printing nowhere. */
function start(strict?: boolean): Promise<LabelsExample> {
  return startLabelsExample({ port: 0, tickMs: 600_000, strict, print: () => {} });
}

test('serves one series per label combination, following the simulated traffic', async () => {
  example = await start(false);
  for (let tick = 0; tick < 12; tick++) example.tick();
  const { samples, text } = await scrape(example.server.url);
  expect(text).toContain('# TYPE responses_total counter');
  expect(sampleValue(samples, 'responses_total', { action: 'get', response_code: '200' })).toBe(36);
  expect(sampleValue(samples, 'responses_total', { action: 'create', response_code: '201' })).toBe(12);
  expect(sampleValue(samples, 'responses_total', { action: 'get', response_code: '404' })).toBe(3);
  expect(sampleValue(samples, 'responses_total', { action: 'create', response_code: '500' })).toBe(1);
  expect(sampleValue(samples, 'cache_lookups_total', { result: 'hit' })).toBe(36);
  expect(sampleValue(samples, 'cache_lookups_total', { result: 'miss' })).toBe(12);
});

test('invalid labels and amounts are logged and dropped, without throwing', async () => {
  example = await start(false);
  example.tick();
  const before = await scrape(example.server.url);
  for (const badCall of BAD_CALLS) {
    expect(() => badCall.call(example!.metrics), badCall.description).not.toThrow();
  }
  const after = await scrape(example.server.url);
  expect(after.samples).toEqual(before.samples);
  expect(example.metrics.responses_total.seriesCount).toBe(2);
  const logged = example.logger.messages.filter((message) => message.level === 'error');
  // One message per metric, operation and kind of problem per minute: the three label problems
  // of responses_total share one message, the rest are held back and counted.
  expect(logged.map((message) => message.message)).toEqual([
    `responses_total.inc(): ${BAD_CALLS[0]!.problem}; the call was dropped`,
    `responses_total.inc(): ${BAD_CALLS[3]!.problem}; the call was dropped`,
    `cache_lookups_total.inc(): ${BAD_CALLS[4]!.problem}; the call was dropped`,
  ]);
});

test('past maxCells the least recently updated series is evicted, counted and logged', async () => {
  example = await start(false);
  for (let tick = 0; tick < 12; tick++) example.tick();
  const { samples } = await scrape(example.server.url);
  const users = samples
    .filter((sample) => sample.name === 'sessions_by_user_total')
    .map((sample) => sample.labels.user);
  expect(users).toHaveLength(10);
  expect(users).not.toContain('user-1');
  expect(users).not.toContain('user-2');
  expect(users).toContain('user-3');
  expect(users).toContain('user-12');
  expect(sampleValue(samples, EVICTED_CELLS_METRIC, { metric: 'sessions_by_user_total' })).toBe(2);
  const warnings = example.logger.messages.filter((message) => message.level === 'warn');
  expect(warnings).toHaveLength(1); // rate-limited: the second eviction is held back
  expect(warnings[0]!.message).toContain('sessions_by_user_total: more than 10 series (maxCells)');
  expect(warnings[0]!.message).toContain('{user="user-1"}');
});

test('strict mode (registry option) throws MetricUsageError for every bad call', async () => {
  example = await start(true);
  for (const badCall of BAD_CALLS) {
    let thrown: unknown;
    try {
      badCall.call(example.metrics);
    } catch (error) {
      thrown = error;
    }
    expect(MetricUsageError.isInstance(thrown), badCall.description).toBe(true);
    expect((thrown as MetricUsageError).problem).toBe(badCall.problem);
  }
  expect(example.logger.messages).toEqual([]);
  expect(example.metrics.responses_total.seriesCount).toBe(2);
});

test('strict mode from SERVERMETRICS_STRICT=1 throws too, and valid calls still count', async () => {
  vi.stubEnv('SERVERMETRICS_STRICT', '1');
  example = await start();
  expect(() => example!.makeBadCalls()).toThrow(/missing label "response_code"; the call was dropped/);
  example.tick();
  const { samples } = await scrape(example.server.url);
  expect(sampleValue(samples, 'responses_total', { action: 'get', response_code: '200' })).toBe(3);
});
