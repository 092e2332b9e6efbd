import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@servermetrics/testing';
import { afterAll, expect, test } from 'vitest';
import { parseDelay } from './example-routes.js';
import { nextRequest, startTraffic } from './traffic.js';

const received: string[] = [];
let server: Server | undefined;

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

test('the mix covers every example route, with delays the apps accept', () => {
  let seed = 1;
  const random = (): number => {
    seed = (seed * 16_807) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  const paths = Array.from({ length: 2000 }, () => nextRequest(random));
  const shapes = new Set(
    paths.map(({ method, path }) => `${method} ${path.split('?')[0]!.replace(/\d+/g, ':n')}`),
  );
  expect([...shapes].sort()).toEqual([
    'GET /api/fail',
    'GET /api/orders/:n/items/:n',
    'GET /api/users',
    'GET /api/users/:n',
    'GET /no/such/page/:n',
    'POST /api/users',
  ]);
  for (const { path } of paths) {
    const delay = new URL(path, 'http://x').searchParams.get('delay_ms');
    if (delay !== null) expect(parseDelay(delay)).toBe(Number(delay));
  }
  expect(parseDelay('abc')).toBe(0);
  expect(parseDelay('-5')).toBe(0);
  expect(parseDelay(undefined)).toBe(0);
});

test('sends requests on a timer and waits for those in flight on stop()', async () => {
  server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    setTimeout(() => response.end('ok'), 30);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const traffic = startTraffic({
    baseUrl: `http://127.0.0.1:${port}`,
    intervalMs: 10,
    next: () => ({ method: 'POST', path: '/api/users' }),
  });
  await waitFor('5 requests', () => (received.length >= 5 ? true : undefined));
  await traffic.stop();
  expect(received.length).toBeGreaterThanOrEqual(5);
  expect(received[0]).toBe('POST /api/users');
  expect(traffic.answered).toBe(received.length);
  expect(traffic.failed).toBe(0);
});
