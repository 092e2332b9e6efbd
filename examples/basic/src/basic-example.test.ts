import { afterEach, expect, test } from 'vitest';
import { type BasicExample, startBasicExample } from './basic-example.js';

let example: BasicExample | undefined;

afterEach(async () => {
  await example?.close();
  example = undefined;
});

test('serves the lunch metrics and they follow the simulation', async () => {
  example = await startBasicExample({ port: 0, tickMs: 60_000 });
  for (let step = 0; step < 3; step++) example.tick(); // hunger 5 -> 8 -> eats -> 2
  const response = await fetch(example.server.url);
  expect(response.status).toBe(200);
  const body = await response.text();
  expect(body).toContain('# TYPE lunches_consumed_total counter');
  expect(body).toMatch(/^lunches_consumed_total 1$/m);
  expect(body).toMatch(/^hunger_level 2$/m);
});
