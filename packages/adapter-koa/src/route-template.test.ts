import { gunzipSync } from 'node:zlib';
import { Counter, MetricRegistry } from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import { recordedRequests, recordedTotal, runningApps, send, waitFor } from '@servermetrics/testing';
import { describe, expect, test } from 'vitest';
import { quietApp } from './fixtures/conformance-app.js';
import { KOA_STACKS, type KoaStack } from './fixtures/koa-stacks.js';
import type { KoaContextLike } from './koa-types.js';
import { metricsHandler } from './metrics-handler.js';
import { metricsMiddleware } from './metrics-middleware.js';
import { routeTemplate } from './route-template.js';

describe('routeTemplate', () => {
  const context = (fields: Partial<KoaContextLike>): KoaContextLike =>
    ({ method: 'GET', ...fields }) as KoaContextLike;

  test('uses _matchedRoute; RegExp templates as their source; no match is undefined', () => {
    expect(routeTemplate(context({ _matchedRoute: '/api/users/:id' }))).toBe('/api/users/:id');
    expect(routeTemplate(context({ _matchedRoute: /^\/x$/ }))).toBe('/^\\/x$/');
    expect(routeTemplate(context({}))).toBeUndefined();
  });

  test('after a router.use() layer, takes the last matched route for the method, else undefined', () => {
    const matched = [
      { path: '/api(?:\\/|$)', methods: [] },
      { path: '/api/items', methods: ['POST'] },
      { path: '/api/items', methods: ['HEAD', 'GET'] },
      { path: '{/*rest}', methods: [] },
    ];
    expect(routeTemplate(context({ _matchedRoute: '{/*rest}', matched }))).toBe('/api/items');
    expect(routeTemplate(context({ method: 'POST', _matchedRoute: '/api(?:\\/|$)', matched }))).toBe(
      '/api/items',
    );
    expect(routeTemplate(context({ method: 'DELETE', _matchedRoute: '(.*)', matched }))).toBeUndefined();
    expect(routeTemplate(context({ _matchedRoute: '{/*rest}' }))).toBeUndefined();
  });

  test('a path counts as a route only when a matched layer with that path handles the method', () => {
    const matched = [
      { path: '/api/users([^/]*)', methods: [] },
      { path: '/api/users/:id', methods: ['HEAD', 'GET'] },
    ];
    expect(routeTemplate(context({ _matchedRoute: '/api/users([^/]*)', matched }))).toBe('/api/users/:id');
    const wildcard = [{ path: '/files/(.*)', methods: ['HEAD', 'GET'] }];
    expect(routeTemplate(context({ _matchedRoute: '/files/(.*)', matched: wildcard }))).toBe('/files/(.*)');
    expect(routeTemplate(context({ method: 'POST', _matchedRoute: '/files/(.*)', matched: wildcard }))).toBe(
      undefined,
    );
  });
});

describe.each(KOA_STACKS.map((stack): [string, KoaStack] => [stack.name, stack]))(
  '%s specifics',
  (_name, stack) => {
    const { Koa: KoaClass, Router } = stack;
    const { serve } = runningApps();

    test('errors: ctx.throw, a failing router.use() middleware, and an error-handling middleware that changes the status', async () => {
      const registry = new MetricRegistry();
      const app = quietApp(KoaClass);
      app.use(metricsMiddleware({ registry }));
      app.use(async (context, next) => {
        try {
          await next();
        } catch (error) {
          if ((error as Error).message !== 'convert me') throw error;
          context.status = 422;
          context.body = 'converted';
        }
      });
      const users = new Router();
      users.use(async (context, next) => {
        if (context.get('authorization') !== 'yes') context.throw(401, 'who are you');
        await next();
      });
      users.get('/:userId', (context) => {
        if (context.params.userId === 'gone') context.throw(410);
        context.body = 'user';
      });
      users.get('/:userId/convert', () => {
        throw new Error('convert me');
      });
      users.get('/:userId/next', async (_context, next) => {
        await next();
      });
      const api = new Router({ prefix: '/api' });
      api.use('/users', users.routes());
      app.use(api.routes());
      const url = await serve(app);
      const authorized = { authorization: 'yes' };
      expect((await send(`${url}/api/users/1`)).status).toBe(401);
      expect((await send(`${url}/api/users/1`, { headers: authorized })).status).toBe(200);
      expect((await send(`${url}/api/users/gone`, { headers: authorized })).status).toBe(410);
      expect((await send(`${url}/api/users/1/convert`, { headers: authorized })).status).toBe(422);
      expect((await send(`${url}/api/users/1/next`, { headers: authorized })).status).toBe(404);
      await waitFor('five recorded requests', () => recordedTotal(registry) === 5);
      expect(recordedRequests(registry)).toEqual({
        'GET /api/users/:userId 401': 1,
        'GET /api/users/:userId 200': 1,
        'GET /api/users/:userId 410': 1,
        'GET /api/users/:userId/convert 422': 1,
        'GET /api/users/:userId/next 404': 1,
      });
    });

    test('wildcard routes keep their template; without any router everything is unmatched', async () => {
      const registry = new MetricRegistry();
      const routed = quietApp(KoaClass);
      routed.use(metricsMiddleware({ registry }));
      const router = new Router({ prefix: '/files' });
      router.get(stack.wildcard, (context) => {
        context.body = 'file';
      });
      routed.use(router.routes());
      const plain = quietApp(KoaClass);
      plain.use(metricsMiddleware({ registry }));
      plain.use((context) => {
        context.body = `no router: ${context.path}`;
      });
      const routedUrl = await serve(routed);
      const plainUrl = await serve(plain);
      await send(`${routedUrl}/files/a/b.txt`);
      await send(`${routedUrl}/files/c.txt`);
      await send(`${plainUrl}/anything/42`);
      await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
      expect(recordedRequests(registry)).toEqual({
        [`GET /files${stack.wildcard} 200`]: 2,
        'GET unmatched 200': 1,
      });
    });

    test('responses written around Koa (ctx.respond = false) are recorded from the Node response', async () => {
      const registry = new MetricRegistry();
      const app = quietApp(KoaClass);
      app.use(metricsMiddleware({ registry }));
      const router = new Router();
      router.get('/raw', (context) => {
        context.respond = false;
        context.res.statusCode = 202;
        context.res.end('raw');
      });
      app.use(router.routes());
      const url = await serve(app);
      expect((await send(`${url}/raw`)).body).toBe('raw');
      await waitFor('one recorded request', () => recordedTotal(registry) === 1);
      expect(recordedRequests(registry)).toEqual({ 'GET /raw 202': 1 });
    });

    test('skip and label functions receive ctx', async () => {
      const registry = new MetricRegistry();
      const app = quietApp(KoaClass);
      app.use(
        metricsMiddleware<KoaContextLike & { get(name: string): string; state: Record<string, string> }>({
          registry,
          skip: (context) => context.get('x-probe') === '1',
          labels: { plan: (context) => context.state.plan ?? 'free' },
        }),
      );
      app.use((context) => {
        context.state.plan = context.get('x-plan') || 'free';
        context.body = 'ok';
      });
      const url = await serve(app);
      await send(`${url}/`, { headers: { 'x-plan': 'pro' } });
      await send(`${url}/`, { headers: { 'x-probe': '1' } });
      await send(`${url}/`);
      await waitFor('two recorded requests', () => recordedTotal(registry) === 2);
      const family = registry.collect().find((candidate) => candidate.name === 'http_requests_total');
      expect(family?.series.map((series) => [...series.labelValues])).toEqual([
        ['GET', 'unmatched', 200, 'pro'],
        ['GET', 'unmatched', 200, 'free'],
      ]);
    });

    test('metricsHandler answers through ctx: OpenMetrics and gzip when asked, HEAD without a body', async () => {
      const registry = new MetricRegistry();
      const app = quietApp(KoaClass);
      app.use(metricsMiddleware({ registry }));
      const router = new Router();
      router.get('/metrics', metricsHandler({ registry }));
      router.get('/ping', (context) => {
        context.body = 'pong';
      });
      app.use(router.routes());
      const url = await serve(app);
      await send(`${url}/ping`);
      await waitFor('one recorded request', () => recordedTotal(registry) === 1);
      const compressed = await send(`${url}/metrics`, {
        headers: { accept: 'application/openmetrics-text;version=1.0.0', 'accept-encoding': 'gzip' },
      });
      expect(compressed.status).toBe(200);
      expect(compressed.headers['content-encoding']).toBe('gzip');
      expect(compressed.headers['content-type']).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
      const text = gunzipSync(compressed.raw).toString('utf8');
      expect(text).toContain('http_requests_total{method="GET",route="/ping",status_code="200"} 1');
      expect(text.endsWith('# EOF\n')).toBe(true);
      const head = await send(`${url}/metrics`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      expect(Number(head.headers['content-length'])).toBeGreaterThan(100);
    });

    test('metricsHandler streams a large exposition through ctx.body, byte-identical to renderMetrics', async () => {
      const registry = new MetricRegistry({ defaultMaxCells: 20_000 });
      const counter = registry.register('many_total', new Counter({ help: 'Many.', labels: { id: 'int' } }));
      for (let id = 0; id < 20_000; id++) counter.inc({ id });
      const app = quietApp(KoaClass);
      const router = new Router();
      router.get('/metrics', metricsHandler({ registry }));
      app.use(router.routes());
      const url = await serve(app);
      for (const gzip of [false, true]) {
        const response = await send(`${url}/metrics`, { headers: gzip ? { 'accept-encoding': 'gzip' } : {} });
        expect(response.status).toBe(200);
        expect(response.headers['transfer-encoding']).toBe('chunked');
        expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
        const body = gzip ? gunzipSync(response.raw) : response.raw;
        expect(body.toString('utf8')).toBe(renderMetrics(registry));
      }
    });
  },
);
