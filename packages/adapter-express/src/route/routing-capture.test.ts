import type { ServerResponse } from 'node:http';
import { InvalidOptionError, type Logger, MetricRegistry } from '@servermetrics/core';
import { recordedRequests, recordedTotal, runningApps, send, waitFor } from '@servermetrics/testing';
import express5 from 'express';
import express4 from 'express4';
import { describe, expect, test } from 'vitest';
import type { ExpressRequestLike } from '../express-types.js';
import type { ExpressFactory } from '../fixtures/conformance-app.js';
import { type ExpressAppBuilder, startPristineExpress } from '../fixtures/pristine-express.js';
import { metricsMiddleware } from '../metrics-middleware.js';
import { routingCapturesOf } from './routing-capture.js';

const majors: [name: string, factory: ExpressFactory, specifier: 'express4' | 'express'][] = [
  ['express 4', express4, 'express4'],
  ['express 5', express5, 'express'],
];

/**
 * An app that reports what it sees of `req.route` and `req.baseUrl`: before routing, in a
 * route of a router mounted at `/shops/:shopId` (after router-level middleware), after
 * `delete req.route`, and in the error handler. Self-contained: it also runs in a child process.
 */
const probeApp: ExpressAppBuilder = (factory, first) => {
  const seen = (request: ExpressRequestLike): Record<string, unknown> => ({
    route: request.route === undefined ? 'none' : String(request.route.path),
    baseUrl: request.baseUrl,
    params: request.params,
    routeIn: 'route' in request,
    baseUrlIn: 'baseUrl' in request,
    ownRoute: Object.hasOwn(request, 'route'),
    ownBaseUrl: Object.hasOwn(request, 'baseUrl'),
    ownKeys: Reflect.ownKeys(request)
      .filter((key) => typeof key === 'string')
      .sort(),
    spreadKeys: Object.keys({ ...request }).filter((key) => key === 'route' || key === 'baseUrl'),
  });
  const app = factory();
  app.use(first);
  const before = new WeakMap<object, Record<string, unknown>>();
  app.use((request, _response, next) => {
    before.set(request, seen(request));
    next();
  });
  const shop = factory.Router();
  shop.use((_request, _response, next) => next());
  shop.get('/items/:itemId', (request, response) => {
    const inRoute = seen(request);
    delete (request as { baseUrl?: unknown }).baseUrl;
    const afterDelete = String(request.baseUrl);
    response.json({ before: before.get(request), inRoute, afterDelete });
  });
  shop.get('/fail/:itemId', () => {
    throw new Error('failed');
  });
  app.use('/shops/:shopId', shop);
  app.use((_error: unknown, request: ExpressRequestLike, response: ServerResponse, _next: unknown) => {
    response.statusCode = 500;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ inErrorHandler: seen(request) }));
  });
  return app;
};

/** What the README says changes in an app, applied to what a pristine Express showed. */
function withDocumentedChanges(pristine: Record<string, Record<string, unknown>>): unknown {
  const change = (seen: Record<string, unknown> | undefined): unknown =>
    seen === undefined
      ? undefined
      : {
          ...seen,
          // The accessor lives on the prototype: `baseUrl` is not an own property (own keys,
          // spreading, Object.keys) ...
          ownBaseUrl: false,
          ownKeys: (seen.ownKeys as string[]).filter((key) => key !== 'baseUrl'),
          spreadKeys: (seen.spreadKeys as string[]).filter((key) => key !== 'baseUrl'),
        };
  const changed: Record<string, unknown> = { ...pristine };
  for (const probe of ['before', 'inRoute', 'inErrorHandler']) {
    if (pristine[probe] !== undefined) changed[probe] = change(pristine[probe]);
  }
  // ... and `delete req.baseUrl` has nothing to delete: the value stays.
  if (pristine.afterDelete !== undefined) changed.afterDelete = '/shops/acme';
  return changed;
}

/** Gives `app` its own copy of Express's request prototype, without the capture, optionally frozen. */
function isolateRequestPrototype(app: { request: object }, freeze: boolean): object {
  const shared = Object.getPrototypeOf(app.request) as object;
  const copy = Object.create(Object.getPrototypeOf(shared) as object) as object;
  for (const key of Reflect.ownKeys(shared)) {
    if (typeof key === 'symbol' || key === 'route' || key === 'baseUrl') continue;
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(shared, key)!);
  }
  Object.setPrototypeOf(app.request, freeze ? Object.freeze(copy) : copy);
  return copy;
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) };
}

describe.each(majors)('%s routing capture', (_name, factory, specifier) => {
  const { serve, keep } = runningApps();

  test('what the app sees differs from a pristine Express (child process) exactly as the README says', async () => {
    const registry = new MetricRegistry();
    const pristine = await startPristineExpress(specifier, probeApp);
    keep(pristine);
    const withMetrics = await serve(probeApp(factory, metricsMiddleware({ registry })));
    for (const path of ['/shops/acme/items/7', '/shops/acme/fail/7']) {
      const expected = JSON.parse((await send(`${pristine.url}${path}`)).body) as Record<
        string,
        Record<string, unknown>
      >;
      const actual = JSON.parse((await send(`${withMetrics}${path}`)).body) as unknown;
      expect(actual, path).toEqual(withDocumentedChanges(expected));
    }
    // The pristine side really shows what the documented changes are about.
    const pristineRoute = JSON.parse((await send(`${pristine.url}/shops/acme/items/7`)).body) as {
      inRoute: {
        ownBaseUrl: boolean;
        ownKeys: string[];
        spreadKeys: string[];
        route: string;
        baseUrl: string;
      };
      afterDelete: string;
    };
    expect(pristineRoute.inRoute).toMatchObject({
      ownBaseUrl: true,
      spreadKeys: ['baseUrl', 'route'],
      route: '/items/:itemId',
      baseUrl: '/shops/acme',
    });
    expect(pristineRoute.inRoute.ownKeys).toEqual(expect.arrayContaining(['route', 'baseUrl']));
    expect(pristineRoute.afterDelete).toBe('undefined');
    await waitFor('two recorded requests', () => recordedTotal(registry) === 2);
    expect(recordedRequests(registry)).toEqual({
      'GET /shops/:shopId/items/:itemId 200': 1,
      'GET /shops/:shopId/fail/:itemId 500': 1,
    });
  });

  test('only requests that enter a mounted router are remembered, and req.route is left alone', async () => {
    const app = factory();
    app.use(metricsMiddleware({ registry: new MetricRegistry() }));
    const remembered = (request: object): boolean => routingCapturesOf(request)?.get(request) !== undefined;
    app.get('/top', (request, response) => {
      response.json({ remembered: remembered(request), ownRoute: Object.hasOwn(request, 'route') });
    });
    const router = factory.Router();
    router.get('/inner', (request, response) => {
      response.json({ remembered: remembered(request), ownRoute: Object.hasOwn(request, 'route') });
    });
    app.use('/mounted', router);
    const url = await serve(app);
    expect(JSON.parse((await send(`${url}/top`)).body)).toEqual({ remembered: false, ownRoute: true });
    expect(JSON.parse((await send(`${url}/mounted/inner`)).body)).toEqual({
      remembered: true,
      ownRoute: true,
    });
  });

  test('a request prototype that cannot be changed: no failed request, labels read from the request, one warning', async () => {
    const logger = recordingLogger();
    const registry = new MetricRegistry({ logger });
    const app = factory();
    isolateRequestPrototype(app, true);
    app.use(metricsMiddleware({ registry }));
    const router = factory.Router();
    router.get('/items/:itemId', (_request, response) => {
      response.send('item');
    });
    router.get('/fail', () => {
      throw new Error('failed');
    });
    app.use('/api', router);
    const url = await serve(app);
    expect((await send(`${url}/api/items/1`)).status).toBe(200);
    expect((await send(`${url}/api/items/2`)).status).toBe(200);
    expect((await send(`${url}/api/fail`)).status).toBe(500);
    await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
    expect(recordedRequests(registry)).toEqual({
      'GET /api/items/:itemId 200': 2,
      // Without the capture, the error left the router before Express's handler answered.
      'GET /fail 500': 1,
    });
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/cannot note mount paths while routing .*cannot be changed/);
  });

  test('captureMountPaths: false defines nothing; error responses of mounted routers lose their prefix', async () => {
    const registry = new MetricRegistry();
    const app = factory();
    const prototype = isolateRequestPrototype(app, false);
    app.use(metricsMiddleware({ registry, captureMountPaths: false }));
    const posts = factory.Router({ mergeParams: true });
    posts.get('/:postId', (_request, response) => {
      response.send('post');
    });
    posts.get('/:postId/fail', () => {
      throw new Error('failed');
    });
    app.use('/users/:userId/posts', posts);
    const url = await serve(app);
    expect((await send(`${url}/users/alice/posts/1`)).status).toBe(200);
    expect((await send(`${url}/users/alice/posts/1/fail`)).status).toBe(500);
    await waitFor('two recorded requests', () => recordedTotal(registry) === 2);
    expect(recordedRequests(registry)).toEqual({
      'GET /users/:userId/posts/:postId 200': 1,
      'GET /:postId/fail 500': 1,
    });
    expect(Object.hasOwn(prototype, 'route') || Object.hasOwn(prototype, 'baseUrl')).toBe(false);
  });

  test('captureMountPaths must be a boolean', () => {
    expect(() => metricsMiddleware({ captureMountPaths: 'no' as unknown as boolean })).toThrow(
      InvalidOptionError,
    );
  });
});
