import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { type ParsedFamily, parseExposition } from '../exposition/exposition-parser.js';
import { waitFor } from '../wait-for.js';
import { abandonBeforeHeaders, openStream, send, sendMany } from './http-client.js';
import { type CollectingRegistry, recordedRequests, recordedTotal } from './recorded-requests.js';
import { type RunningApp, runningApps } from './running-apps.js';
import { STREAMED_BODY } from './streamed-chunks.js';

/**
 * The conformance suite every HTTP framework adapter runs, once per supported framework major,
 * against a real server on 127.0.0.1. It lives here, next to the recorder it exercises, so that
 * the Express and Koa packages share one suite instead of near-copies. Not part of the build.
 */

/** The folder an app under test serves at `/assets` (it holds `hello.txt`). */
export const CONFORMANCE_ASSETS_DIRECTORY: string = fileURLToPath(new URL('./assets', import.meta.url));

/**
 * The registry as the suite sees it: the collect side only. The adapter test creates registries
 * from the built `@servermetrics/core` it runs against, so the suite never mixes copies.
 */
export type ConformanceRegistry = CollectingRegistry;

/**
 * The `metricsMiddleware` options the suite sets, structurally (a subset of
 * `@servermetrics/http`'s HttpMetricsOptions), so this kit depends on no package it tests.
 */
export interface ConformanceMiddlewareOptions {
  requestSizes?: boolean;
  responseSizes?: boolean;
  prefix?: string;
  exclude?: (string | RegExp)[];
  skip?: (context: any) => boolean;
  getRoute?: (context: any, response: any) => string | undefined;
}

/** How the adapter test asks for an app. */
export interface ConformanceAppOptions<Registry extends ConformanceRegistry> {
  registry: Registry;
  /** Extra options for `metricsMiddleware` (the registry is always set). */
  middleware?: ConformanceMiddlewareOptions;
  /** When set, `/metrics` requires `Authorization: Bearer <token>` (through the exporter's `bearerTokenAuthorizer`). */
  token?: string;
}

/**
 * An adapter under test. `start` must serve, with `metricsMiddleware` registered first and
 * `metricsHandler({ registry })` at GET `/metrics`, these endpoints (templates in parentheses):
 *
 * - GET `/api/users/:userId` (from a router `/users` inside a router mounted at `/api`): 200 JSON;
 * - GET `/api/users/:userId/posts/:postId` (a posts router mounted at `/:userId/posts` inside
 *   the users router): 200 JSON;
 * - GET `/api/users/:userId/fail` (users router): throws an Error synchronously, 500;
 * - POST `/api/users/:userId/avatar` (users router): reads the body, 201 with a Content-Length;
 * - GET `/errors/sync`: throws an Error synchronously, 500;
 * - GET `/errors/async`: fails after an `await` (Express 4: passes it to `next`), 500;
 * - GET `/errors/unavailable`: throws an error with `status = 503`, 503;
 * - GET `/stream`: streams `streamedChunks()` (`chunk 0\n` to `chunk 4\n`, pauses between), no Content-Length;
 * - GET `/slow`: sends the headers and `first\n`, then never ends;
 * - GET `/hang`: never answers;
 * - GET `/assets/hello.txt`: `hello\n` from a handler that is not a route (Express: `express.static`
 *   of this folder's `assets`; Koa: a plain middleware), and its 404 for other `/assets/` files;
 * - anything else: the framework's 404; OPTIONS on a route path: the framework's automatic 200;
 *   a PURGE request to an unknown path: `unknownMethodStatus`.
 */
export interface AdapterUnderTest<Registry extends ConformanceRegistry> {
  /** e.g. `express 5`. */
  readonly name: string;
  /** A new, empty MetricRegistry. */
  newRegistry(): Registry;
  start(options: ConformanceAppOptions<Registry>): Promise<RunningApp>;
  /** What the framework answers to PURGE on an unknown path (Express: 404; Koa's `allowedMethods()`: 501). */
  readonly unknownMethodStatus: number;
}

interface Series {
  labels: Record<string, string>;
  value: number;
}

function samplesOf(families: ParsedFamily[], sampleName: string): Series[] {
  return families
    .flatMap((family) => family.samples)
    .filter((sample) => sample.name === sampleName)
    .map((sample) => ({ labels: Object.fromEntries(sample.labels), value: sample.value }));
}

function seriesKey(labels: Record<string, string>): string {
  return `${labels.method} ${labels.route} ${labels.status_code}`;
}

/** The samples named `sampleName` as `method route status -> value` (histogram buckets: only `le="+Inf"`). */
function seriesTable(families: ParsedFamily[], sampleName: string): Record<string, number> {
  const table: Record<string, number> = {};
  for (const series of samplesOf(families, sampleName)) {
    if (series.labels.le !== undefined && series.labels.le !== '+Inf') continue;
    table[seriesKey(series.labels)] = series.value;
  }
  return table;
}

/** Registers the conformance tests for one adapter and framework major. */
export function describeAdapterConformance<Registry extends ConformanceRegistry>(
  adapter: AdapterUnderTest<Registry>,
): void {
  describe(`${adapter.name}: adapter conformance`, () => {
    const apps = runningApps();

    async function start(options: ConformanceAppOptions<Registry>): Promise<RunningApp> {
      const app = await adapter.start(options);
      apps.keep(app);
      return app;
    }

    async function scrape(app: RunningApp, headers: Record<string, string> = {}): Promise<ParsedFamily[]> {
      const response = await send(`${app.url}/metrics`, { headers });
      expect(response.status, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      return parseExposition(response.body, 'text');
    }

    test('records nested routes with params, 404s, thrown errors, HEAD, OPTIONS, unknown methods and streams', async () => {
      const registry = adapter.newRegistry();
      const app = await start({ registry, middleware: { requestSizes: true, responseSizes: true } });
      const expectStatus = async (
        path: string,
        status: number,
        options: Parameters<typeof send>[1] = {},
      ): Promise<string> => {
        const response = await send(`${app.url}${path}`, options);
        expect(response.status, `${options.method ?? 'GET'} ${path}`).toBe(status);
        return response.body;
      };
      expect(JSON.parse(await expectStatus('/api/users/42', 200))).toEqual({ userId: '42' });
      await expectStatus('/api/users/43?expand=1', 200);
      expect(JSON.parse(await expectStatus('/api/users/7/posts/99', 200))).toEqual({
        userId: '7',
        postId: '99',
      });
      await expectStatus('/api/users/8/posts/100', 200);
      await expectStatus('/api/users/7/fail', 500);
      await expectStatus('/api/users/7/avatar', 201, { method: 'POST', body: 'x'.repeat(2000) });
      await expectStatus('/errors/sync', 500);
      await expectStatus('/errors/async', 500);
      await expectStatus('/errors/unavailable', 503);
      expect(await expectStatus('/stream', 200)).toBe(STREAMED_BODY);
      expect(await expectStatus('/api/users/42', 200, { method: 'HEAD' })).toBe('');
      await expectStatus('/api/users/42', 200, { method: 'OPTIONS' });
      await expectStatus('/nope/1', 404);
      await expectStatus('/nope/2', 404);
      await expectStatus('/.env', 404);
      await expectStatus('/purge-target', adapter.unknownMethodStatus, { method: 'PURGE' });
      await waitFor('all 16 requests to be recorded', () => recordedTotal(registry) === 16);

      const families = await scrape(app);
      expect(seriesTable(families, 'http_requests_total')).toEqual({
        'GET /api/users/:userId 200': 2,
        'GET /api/users/:userId/posts/:postId 200': 2,
        'GET /api/users/:userId/fail 500': 1,
        'POST /api/users/:userId/avatar 201': 1,
        'GET /errors/sync 500': 1,
        'GET /errors/async 500': 1,
        'GET /errors/unavailable 503': 1,
        'GET /stream 200': 1,
        'HEAD /api/users/:userId 200': 1,
        'OPTIONS unmatched 200': 1,
        'GET unmatched 404': 3,
        [`_OTHER unmatched ${adapter.unknownMethodStatus}`]: 1,
      });
      expect(seriesTable(families, 'http_request_duration_seconds_count')).toEqual(
        seriesTable(families, 'http_requests_total'),
      );
      expect(seriesTable(families, 'http_request_duration_seconds_bucket')).toEqual(
        seriesTable(families, 'http_requests_total'),
      );
      const streamSeconds = seriesTable(families, 'http_request_duration_seconds_sum')['GET /stream 200']!;
      expect(streamSeconds).toBeGreaterThan(0.04);
      expect(samplesOf(families, 'http_requests_in_flight').map((series) => series.value)).not.toContain(1);
      expect(samplesOf(families, 'http_requests_in_flight').every((series) => series.value === 0)).toBe(true);
      // node:http clients send `Content-Length: 0` with a body-less PURGE: a real length of 0 is recorded.
      expect(seriesTable(families, 'http_request_size_bytes_sum')).toEqual({
        'POST /api/users/:userId/avatar 201': 2000,
        [`_OTHER unmatched ${adapter.unknownMethodStatus}`]: 0,
      });
      const responseSizes = seriesTable(families, 'http_response_size_bytes_count');
      expect(responseSizes['GET /api/users/:userId 200']).toBe(2);
      expect(responseSizes['GET /stream 200']).toBeUndefined();
      const labelValues = families.flatMap((family) =>
        family.samples.flatMap((sample) => sample.labels.map(([, value]) => value)),
      );
      for (const raw of ['42', '99', 'nope', '.env', 'purge', '/metrics', 'PURGE']) {
        expect(labelValues.some((value) => value.includes(raw))).toBe(false);
      }
    });

    test('clients that leave: 499 before any header, the sent status after; nothing stays in flight', async () => {
      const registry = adapter.newRegistry();
      const app = await start({ registry });
      await abandonBeforeHeaders(`${app.url}/hang`);
      const slow = await openStream(`${app.url}/slow`);
      expect(slow.status).toBe(200);
      slow.destroy();
      await waitFor('both aborted requests to be recorded', () => recordedTotal(registry) === 2);
      const families = await scrape(app);
      expect(seriesTable(families, 'http_requests_total')).toEqual({
        'GET /hang 499': 1,
        'GET /slow 200': 1,
      });
      expect(seriesTable(families, 'http_request_duration_seconds_sum')['GET /hang 499']).toBeGreaterThan(
        0.05,
      );
      expect(samplesOf(families, 'http_requests_in_flight')).toEqual([
        { labels: { method: 'GET' }, value: 0 },
      ]);
    });

    test('10 000 requests to random unmatched paths make one series', { timeout: 180_000 }, async () => {
      const registry = adapter.newRegistry();
      const app = await start({ registry });
      const count = 10_000;
      const statuses = await sendMany(
        app.url,
        count,
        (index) => `/${Math.random().toString(36).slice(2)}/${index}?q=${index}`,
      );
      expect(statuses).toEqual(new Map([[404, count]]));
      await waitFor(`${count} recorded requests`, () => recordedTotal(registry) === count);
      const families = await scrape(app);
      expect(seriesTable(families, 'http_requests_total')).toEqual({ 'GET unmatched 404': count });
      expect(seriesTable(families, 'http_request_duration_seconds_count')).toEqual({
        'GET unmatched 404': count,
      });
      const sampleCount = families.reduce((sum, family) => sum + family.samples.length, 0);
      expect(sampleCount).toBeLessThan(25);
    });

    test('/metrics under a bearer token: 401 without it, 200 with it; scrapes are not recorded', async () => {
      const registry = adapter.newRegistry();
      const app = await start({ registry, token: 'scrape-token-123' });
      await send(`${app.url}/api/users/1`);
      const anonymous = await send(`${app.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(anonymous.body).not.toContain('http_requests_total');
      expect((await send(`${app.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
        401,
      );
      await waitFor('the user request to be recorded', () => recordedTotal(registry) === 1);
      const families = await scrape(app, { authorization: 'Bearer scrape-token-123' });
      expect(seriesTable(families, 'http_requests_total')).toEqual({ 'GET /api/users/:userId 200': 1 });
    });

    test('the metrics path is excluded as the framework routes it: any case, one trailing slash', async () => {
      const registry = adapter.newRegistry();
      const app = await start({ registry });
      for (const path of ['/metrics/', '/METRICS', '/Metrics/?debug=1']) {
        const response = await send(`${app.url}${path}`);
        expect(response.status, path).toBe(200);
        expect(response.body, path).toContain('# TYPE http_requests_total counter');
      }
      await send(`${app.url}/api/users/1`);
      // Sent last, so recorded last: any recorded scrape would show up in the table below.
      await waitFor('the user request to be recorded', () => recordedTotal(registry) >= 1);
      expect(seriesTable(await scrape(app), 'http_requests_total')).toEqual({
        'GET /api/users/:userId 200': 1,
      });
    });

    test('getRoute names requests no route matched; undefined keeps the router template', async () => {
      const registry = adapter.newRegistry();
      const app = await start({
        registry,
        middleware: {
          getRoute: (context: { originalUrl: string }) =>
            context.originalUrl.startsWith('/assets/') ? '/assets/*' : undefined,
        },
      });
      const hello = await send(`${app.url}/assets/hello.txt`);
      expect(hello.status).toBe(200);
      expect(hello.body).toBe('hello\n');
      expect((await send(`${app.url}/assets/missing.txt`)).status).toBe(404);
      expect((await send(`${app.url}/api/users/1`)).status).toBe(200);
      expect((await send(`${app.url}/nope`)).status).toBe(404);
      await waitFor('four recorded requests', () => recordedTotal(registry) === 4);
      expect(recordedRequests(registry)).toEqual({
        'GET /assets/* 200': 1,
        'GET /assets/* 404': 1,
        'GET /api/users/:userId 200': 1,
        'GET unmatched 404': 1,
      });
    });

    test('two apps with their own middleware share one registry', async () => {
      const registry = adapter.newRegistry();
      const first = await start({ registry });
      const second = await start({ registry });
      await send(`${first.url}/api/users/1`);
      await send(`${second.url}/api/users/2`);
      await send(`${second.url}/missing`);
      await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
      expect(seriesTable(await scrape(first), 'http_requests_total')).toEqual({
        'GET /api/users/:userId 200': 2,
        'GET unmatched 404': 1,
      });
    });

    test('prefix, exclude and skip options reach the recorder', async () => {
      const registry = adapter.newRegistry();
      const app = await start({
        registry,
        middleware: { prefix: 'shop_', exclude: ['/metrics', /^\/errors\//], skip: () => false },
      });
      await send(`${app.url}/errors/sync`);
      await send(`${app.url}/api/users/1`);
      await waitFor('the prefixed counter', () => recordedTotal(registry, 'shop_http_requests_total') === 1);
      const families = await scrape(app);
      expect(families.map((family) => family.name)).toEqual([
        'shop_http_request_duration_seconds',
        'shop_http_requests_in_flight',
        'shop_http_requests_total',
      ]);
      expect(samplesOf(families, 'shop_http_requests_total')).toHaveLength(1);
    });
  });
}
