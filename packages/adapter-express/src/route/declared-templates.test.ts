import type { IncomingMessage, ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { MetricRegistry } from '@servermetrics/core';
import {
  createRecordingLogger,
  recordedRequests,
  recordedTotal,
  runningApps,
  send,
  waitFor,
} from '@servermetrics/testing';
import express5 from 'express';
import express4 from 'express4';
import { describe, expect, test } from 'vitest';
import type { ExpressFactory } from '../fixtures/conformance-app.js';
import { startPristineExpress } from '../fixtures/pristine-express.js';
import { metricsMiddleware } from '../metrics-middleware.js';

setFlagsFromString('--allow-natives-syntax');
/** V8's own verdict: false once an object went to dictionary mode (e.g. after `delete`). */
const hasFastProperties = new Function('object', 'return %HasFastProperties(object)') as (
  object: object,
) => boolean;

const majors: [name: string, factory: ExpressFactory, specifier: 'express4' | 'express'][] = [
  ['express 4', express4, 'express4'],
  ['express 5', express5, 'express'],
];

/** Own property names of every object on `request`'s prototype chain up to Node's IncomingMessage. */
function requestShape(request: object): string[][] {
  const shape: string[][] = [];
  for (let object: object | null = request; object !== null; object = Object.getPrototypeOf(object)) {
    shape.push(Reflect.ownKeys(object).map(String).sort());
    if (object.constructor?.name === 'IncomingMessage' && Object.hasOwn(object, 'constructor')) break;
  }
  return shape;
}

describe('route templates come from the declared paths', () => {
  const { serve } = runningApps();

  test('one middleware shared by an Express 4 and an Express 5 app labels overlapping requests of both', async () => {
    const registry = new MetricRegistry();
    const middleware = metricsMiddleware({ registry });
    let releaseExpress4: () => void = () => {};
    const express4Waiting = new Promise<void>((resolve) => {
      releaseExpress4 = resolve;
    });
    let express4Entered: () => void = () => {};
    const express4InHandler = new Promise<void>((resolve) => {
      express4Entered = resolve;
    });
    const app4 = express4();
    app4.use(middleware);
    const users = express4.Router();
    users.get('/:id', (_request, response) => {
      express4Entered();
      void express4Waiting.then(() => response.send('4'));
    });
    app4.use('/api/users', users);
    const app5 = express5();
    app5.use(middleware);
    const things = express5.Router();
    things.get('/:thingId', (_request, response) => {
      response.send('5');
    });
    app5.use('/v2/things', things);
    const url4 = await serve(app4);
    const url5 = await serve(app5);
    const slow = send(`${url4}/api/users/7`);
    await express4InHandler;
    expect((await send(`${url5}/v2/things/8`)).status).toBe(200);
    releaseExpress4();
    expect((await slow).status).toBe(200);
    expect((await send(`${url4}/api/users/9`)).status).toBe(200);
    await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
    expect(recordedRequests(registry)).toEqual({
      'GET /api/users/:id 200': 2,
      'GET /v2/things/:thingId 200': 1,
    });
  });

  describe.each(majors)('%s', (_name, factory, specifier) => {
    test('a parameter value equal to a static segment of its mount path', async () => {
      const registry = new MetricRegistry();
      const app = factory();
      app.use(metricsMiddleware({ registry }));
      const members = factory.Router();
      members.get('/:memberId', (_request, response) => {
        response.send('member');
      });
      members.get('/:memberId/fail', () => {
        throw new Error('broken member');
      });
      app.use('/teams/:team/members', members);
      const url = await serve(app);
      expect((await send(`${url}/teams/members/members/3`)).status).toBe(200);
      expect((await send(`${url}/teams/blue/members/members`)).status).toBe(200);
      expect((await send(`${url}/teams/members/members/members/fail`)).status).toBe(500);
      await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
      expect(recordedRequests(registry)).toEqual({
        'GET /teams/:team/members/:memberId 200': 2,
        'GET /teams/:team/members/:memberId/fail 500': 1,
      });
    });

    test('a sub-app route whose error the parent answered: exact up to the sub-app, :param inside it', async () => {
      const registry = new MetricRegistry();
      const app = factory();
      app.use(metricsMiddleware({ registry }));
      const things = factory();
      const router = factory.Router();
      router.get('/:thingId', () => {
        throw new Error('broken thing');
      });
      things.use('/things', router);
      app.use('/v1/:version', things);
      app.use((_error: Error, _request: unknown, response: ServerResponse, _next: unknown) => {
        response.statusCode = 502;
        response.end('handled');
      });
      const url = await serve(app);
      expect((await send(`${url}/v1/beta/things/9`)).status).toBe(502);
      await waitFor('one recorded request', () => recordedTotal(registry) === 1);
      expect(recordedRequests(registry)).toEqual({ 'GET /v1/:version/:param/:thingId 502': 1 });
    });

    test('a router called from a wrapper function is unmatched, with a warning, never URL text', async () => {
      const logger = createRecordingLogger();
      const registry = new MetricRegistry({ logger });
      const app = factory();
      app.use(metricsMiddleware({ registry }));
      const router = factory.Router();
      router.get('/orders/:orderId', (_request, response) => {
        response.send('order');
      });
      app.use('/shop', (request, response, next) => router(request, response, next));
      const url = await serve(app);
      expect((await send(`${url}/shop/orders/17`)).status).toBe(200);
      await waitFor('one recorded request', () => recordedTotal(registry) === 1);
      expect(recordedRequests(registry)).toEqual({ 'GET unmatched 200': 1 });
      expect(logger.warnings).toHaveLength(1);
      expect(logger.warnings[0]).toContain('not reachable from req.app');
    });

    test('mount paths keep their declared letter case whatever case the URL uses', async () => {
      const registry = new MetricRegistry();
      const app = factory();
      app.use(metricsMiddleware({ registry }));
      const reports = factory.Router();
      reports.get('/:reportId', (_request, response) => {
        response.send('report');
      });
      app.use('/Reports/:year', reports);
      const url = await serve(app);
      expect((await send(`${url}/REPORTS/2024/1`)).status).toBe(200);
      expect((await send(`${url}/reports/2025/2`)).status).toBe(200);
      await waitFor('two recorded requests', () => recordedTotal(registry) === 2);
      expect(recordedRequests(registry)).toEqual({ 'GET /Reports/:year/:reportId 200': 2 });
    });

    test('a mount path matched by a RegExp pattern never puts URL text in the label', async () => {
      const registry = new MetricRegistry();
      const app = factory();
      app.use(metricsMiddleware({ registry }));
      const versioned = factory.Router();
      versioned.get('/status', (_request, response) => {
        response.send('ok');
      });
      app.use(/^\/v\d+/, versioned);
      const url = await serve(app);
      expect((await send(`${url}/v1/status`)).status).toBe(200);
      expect((await send(`${url}/v22/status`)).status).toBe(200);
      await waitFor('two recorded requests', () => recordedTotal(registry) === 2);
      const routes = Object.keys(recordedRequests(registry));
      expect(routes).toHaveLength(1);
      expect(routes[0]).not.toMatch(/v1|v22/);
      expect(routes[0]).toMatch(/\/status 200$/);
    });

    test('labels do not depend on other middleware or on earlier requests', async () => {
      // Two middlewares on two apps of one Express copy: the second app's labels are the same
      // whether or not the first saw requests (the former design shared state on Express's
      // request prototype between them).
      const build = (registry: MetricRegistry): ReturnType<ExpressFactory> => {
        const app = factory();
        app.use(metricsMiddleware({ registry }));
        const posts = factory.Router();
        posts.get('/:postId', (_request, response) => {
          response.send('post');
        });
        app.use('/users/:userId/posts', posts);
        return app;
      };
      const alone = new MetricRegistry();
      const aloneUrl = await serve(build(alone));
      expect((await send(`${aloneUrl}/users/alice/posts/1`)).status).toBe(200);
      const first = new MetricRegistry();
      const second = new MetricRegistry();
      const firstUrl = await serve(build(first));
      const secondUrl = await serve(build(second));
      expect((await send(`${firstUrl}/users/bob/posts/2`)).status).toBe(200);
      expect((await send(`${secondUrl}/users/carol/posts/3`)).status).toBe(200);
      await waitFor(
        'three recorded requests',
        () => recordedTotal(alone) + recordedTotal(first) + recordedTotal(second) === 3,
      );
      for (const registry of [alone, first, second]) {
        expect(recordedRequests(registry)).toEqual({ 'GET /users/:userId/posts/:postId 200': 1 });
      }
    });

    test('requests keep fast properties and the shape a pristine Express gives them', async () => {
      const registry = new MetricRegistry();
      const prototypeBefore = requestShape(factory.request);
      const fastness: boolean[] = [];
      const build = (
        expressFactory: ExpressFactory,
        first: (request: IncomingMessage, response: ServerResponse, next: () => void) => void,
      ) => {
        const app = expressFactory();
        app.use(first);
        const router = expressFactory.Router();
        router.get('/:id', (request, response) => {
          const shape: string[][] = [];
          for (let object: object | null = request; object !== null; object = Object.getPrototypeOf(object)) {
            shape.push(Reflect.ownKeys(object).map(String).sort());
            if (object.constructor?.name === 'IncomingMessage' && Object.hasOwn(object, 'constructor')) break;
          }
          response.json({ shape, baseUrl: Object.getOwnPropertyDescriptor(request, 'baseUrl') ?? null });
        });
        app.use('/items', router);
        return app;
      };
      const app = build(factory, metricsMiddleware({ registry }) as never);
      app.use((request: IncomingMessage, _response: ServerResponse, next: () => void) => {
        fastness.push(hasFastProperties(request));
        next();
      });
      app.get('/probe', (request, response) => {
        fastness.push(hasFastProperties(request));
        response.send('probe');
      });
      const url = await serve(app);
      const pristine = await startPristineExpress(specifier, build as never);
      try {
        const ours = await send(`${url}/items/1`);
        const theirs = await send(`${pristine.url}/items/1`);
        expect(ours.status).toBe(200);
        expect(JSON.parse(ours.body)).toEqual(JSON.parse(theirs.body));
      } finally {
        await pristine.close();
      }
      expect((await send(`${url}/probe`)).status).toBe(200);
      await waitFor('two recorded requests', () => recordedTotal(registry) === 2);
      expect(fastness).toEqual([true, true]);
      expect(requestShape(factory.request)).toEqual(prototypeBefore);
    });
  });
});
