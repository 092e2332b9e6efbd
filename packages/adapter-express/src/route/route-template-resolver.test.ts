import type { ServerResponse } from 'node:http';
import { MetricRegistry } from '@servermetrics/core';
import { recordedRequests, recordedTotal, runningApps, send, waitFor } from '@servermetrics/testing';
import express5 from 'express';
import express4 from 'express4';
import { describe, expect, test } from 'vitest';
import type { ExpressRequestLike } from '../express-types.js';
import type { ExpressFactory } from '../fixtures/conformance-app.js';
import { metricsMiddleware } from '../metrics-middleware.js';

const majors: [name: string, factory: ExpressFactory][] = [
  ['express 4', express4],
  ['express 5', express5],
];

describe.each(majors)('%s route templates', (_name, factory) => {
  const { serve } = runningApps();

  test('RegExp routes are labelled with their source, array routes with their paths joined by commas', async () => {
    const registry = new MetricRegistry();
    const app = factory();
    app.use(metricsMiddleware({ registry }));
    app.get(/^\/reports\/\d+$/, (_request, response) => {
      response.send('report');
    });
    app.get(['/old-home', '/home'], (_request, response) => {
      response.send('home');
    });
    const url = await serve(app);
    expect((await send(`${url}/reports/2024`)).status).toBe(200);
    expect((await send(`${url}/home`)).status).toBe(200);
    expect((await send(`${url}/old-home`)).status).toBe(200);
    await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
    expect(recordedRequests(registry)).toEqual({
      'GET /^\\/reports\\/\\d+$/ 200': 1,
      'GET /old-home,/home 200': 2,
    });
  });

  test('routers mounted at parameterised paths: names from the mount parameters, else :param for value-like segments', async () => {
    const registry = new MetricRegistry();
    const app = factory();
    app.use(metricsMiddleware({ registry }));
    const members = factory.Router();
    members.get('/members/:memberId', (_request, response) => {
      response.send('member');
    });
    const plainOrgs = factory.Router();
    plainOrgs.use('/teams/:teamId', members);
    const mergingOrgs = factory.Router({ mergeParams: true });
    mergingOrgs.use('/teams/:teamId', members);
    app.use('/orgs/:orgId', plainOrgs);
    app.use('/merged/:orgId', mergingOrgs);
    const url = await serve(app);
    expect((await send(`${url}/orgs/17/teams/5/members/3`)).status).toBe(200);
    expect((await send(`${url}/orgs/18/teams/6/members/4`)).status).toBe(200);
    expect((await send(`${url}/merged/acme/teams/blue/members/3`)).status).toBe(200);
    await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
    expect(recordedRequests(registry)).toEqual({
      'GET /orgs/:orgId/teams/:teamId/members/:memberId 200': 2,
      'GET /merged/:orgId/teams/:teamId/members/:memberId 200': 1,
    });
  });

  test('router-level middleware before the route does not hide the mount parameters', async () => {
    const registry = new MetricRegistry();
    const app = factory();
    app.use(metricsMiddleware({ registry }));
    const posts = factory.Router();
    posts.use((_request, _response, next) => next());
    posts.get('/:postId', (_request, response) => {
      response.send('post');
    });
    posts.get('/:postId/fail', () => {
      throw new Error('broken post');
    });
    app.use('/users/:userId/posts', posts);
    const url = await serve(app);
    expect((await send(`${url}/users/alice/posts/7`)).status).toBe(200);
    expect((await send(`${url}/users/bob/posts/8`)).status).toBe(200);
    expect((await send(`${url}/users/carol/posts/9/fail`)).status).toBe(500);
    await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
    expect(recordedRequests(registry)).toEqual({
      'GET /users/:userId/posts/:postId 200': 2,
      'GET /users/:userId/posts/:postId/fail 500': 1,
    });
  });

  test('word-like values at two mount levels without mergeParams are named from each level', async () => {
    const registry = new MetricRegistry();
    const app = factory();
    app.use(metricsMiddleware({ registry }));
    const members = factory.Router();
    members.use((_request, _response, next) => next());
    members.get('/members/:memberId', (_request, response) => {
      response.send('member');
    });
    members.get('/members/:memberId/fail', () => {
      throw new Error('broken member');
    });
    const teams = factory.Router();
    teams.use('/teams/:teamId', members);
    app.use('/orgs/:orgId', teams);
    const url = await serve(app);
    expect((await send(`${url}/orgs/acme/teams/blue/members/zoe`)).status).toBe(200);
    expect((await send(`${url}/orgs/initech/teams/red/members/sam/fail`)).status).toBe(500);
    await waitFor('two recorded requests', () => recordedTotal(registry) === 2);
    expect(recordedRequests(registry)).toEqual({
      'GET /orgs/:orgId/teams/:teamId/members/:memberId 200': 1,
      'GET /orgs/:orgId/teams/:teamId/members/:memberId/fail 500': 1,
    });
  });

  test('a route matched before a mounted router does not hide the route that answered there, also on errors', async () => {
    const registry = new MetricRegistry();
    const app = factory();
    app.use(metricsMiddleware({ registry }));
    // A catch-all route in front (Express 4 and 5 spell the wildcard differently).
    const everything = factory === express4 ? '*' : '/{*rest}';
    app.all(everything, (_request, _response, next) => next());
    const tenant = factory();
    tenant.get('/orders/:orderId', (request, response) => {
      if (request.params.orderId === 'bad') throw new Error('bad order');
      response.send('order');
    });
    app.use('/tenants/:tenantId', tenant);
    const url = await serve(app);
    expect((await send(`${url}/tenants/acme/orders/1`)).status).toBe(200);
    expect((await send(`${url}/tenants/acme/orders/bad`)).status).toBe(500);
    expect((await send(`${url}/elsewhere`)).status).toBe(404);
    await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
    expect(recordedRequests(registry)).toEqual({
      'GET /tenants/:tenantId/orders/:orderId 200': 1,
      'GET /tenants/:tenantId/orders/:orderId 500': 1,
      [`GET ${everything} 404`]: 1,
    });
  });

  test('errors escaping nested routers and sub-apps keep the full route, with the status the error handler sent', async () => {
    const registry = new MetricRegistry();
    const app = factory();
    app.use(metricsMiddleware({ registry }));
    const things = factory();
    things.get('/things/:thingId', () => {
      throw Object.assign(new Error('invalid thing'), { status: 400 });
    });
    things.get('/things/:thingId/route-path', (request, response) => {
      response.send(String((request as ExpressRequestLike).route?.path));
    });
    const router = factory.Router();
    router.get('/items/:itemId', () => {
      throw new Error('broken item');
    });
    app.use('/v1', things);
    app.use('/shop', router);
    app.use((error: Error, _request: unknown, response: ServerResponse, _next: unknown) => {
      response.statusCode = error.message === 'broken item' ? 422 : 400;
      response.end('handled');
    });
    const url = await serve(app);
    expect((await send(`${url}/v1/things/9`)).status).toBe(400);
    expect((await send(`${url}/shop/items/3`)).status).toBe(422);
    expect((await send(`${url}/v1/things/9/route-path`)).body).toBe('/things/:thingId/route-path');
    await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
    expect(recordedRequests(registry)).toEqual({
      'GET /v1/things/:thingId 400': 1,
      'GET /shop/items/:itemId 422': 1,
      'GET /v1/things/:thingId/route-path 200': 1,
    });
  });

  test('a route that passes the request on and ends in a 404 keeps its route label', async () => {
    const registry = new MetricRegistry();
    const app = factory();
    app.use(metricsMiddleware({ registry }));
    app.get('/users/:userId', (request, response, next) => {
      if (request.params.userId === '404') return next();
      response.send('user');
    });
    const url = await serve(app);
    expect((await send(`${url}/users/404`)).status).toBe(404);
    await waitFor('one recorded request', () => recordedTotal(registry) === 1);
    expect(recordedRequests(registry)).toEqual({ 'GET /users/:userId 404': 1 });
  });

  test('skip and label functions receive the Express request (and response)', async () => {
    const registry = new MetricRegistry();
    const app = factory();
    app.use(
      metricsMiddleware<express5.Request>({
        registry,
        skip: (request) => request.get('x-probe') === '1',
        labels: {
          client: (request) => request.get('x-client') ?? 'unknown',
          content_type: (_request, response) =>
            String(response.getHeader('content-type') ?? 'none').split(';')[0]!,
        },
      }),
    );
    app.get('/ping', (_request, response) => {
      response.json({ ok: true });
    });
    const url = await serve(app);
    await send(`${url}/ping`, { headers: { 'x-client': 'mobile' } });
    await send(`${url}/ping`, { headers: { 'x-probe': '1' } });
    await send(`${url}/ping`);
    await waitFor('two recorded requests', () => recordedTotal(registry) === 2);
    const family = registry.collect().find((candidate) => candidate.name === 'http_requests_total');
    expect(family?.labelNames).toEqual(['method', 'route', 'status_code', 'client', 'content_type']);
    expect(family?.series.map((series) => [...series.labelValues])).toEqual([
      ['GET', '/ping', 200, 'mobile', 'application/json'],
      ['GET', '/ping', 200, 'unknown', 'application/json'],
    ]);
  });
});
