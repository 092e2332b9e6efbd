import { PassThrough, Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { MetricRegistry } from '@servermetrics/core';
import { bearerTokenAuthorizer } from '@servermetrics/exporter-prometheus';
import type Koa from 'koa';
import type { ConformanceAppOptions } from '../../../core/src/http/testing/adapter-conformance.js';
import { streamedChunks } from '../../../core/src/http/testing/streamed-chunks.js';
import { metricsHandler } from '../metrics-handler.js';
import { metricsMiddleware } from '../metrics-middleware.js';
import type { KoaClass, KoaStack } from './koa-stacks.js';

/** A new Koa app that keeps thrown errors out of the test output (Koa logs them otherwise). */
export function quietApp(KoaClass: KoaClass): Koa {
  const app = new KoaClass();
  app.silent = true;
  return app;
}

/** Builds the app the conformance suite expects (see AdapterUnderTest) on one Koa and @koa/router major. */
export function conformanceApp(stack: KoaStack, options: ConformanceAppOptions<MetricRegistry>): Koa {
  const { registry } = options;
  const { Router } = stack;
  const app = quietApp(stack.Koa);
  app.use(metricsMiddleware({ ...options.middleware, registry }));

  const posts = new Router();
  posts.get('/:postId', (context) => {
    context.body = { userId: context.params.userId, postId: context.params.postId };
  });
  const users = new Router();
  users.get('/:userId', (context) => {
    context.body = { userId: context.params.userId };
  });
  users.get('/:userId/fail', () => {
    throw new Error('nested failure');
  });
  users.post('/:userId/avatar', async (context) => {
    for await (const _chunk of context.req) {
      // read the whole body
    }
    context.status = 201;
    context.body = 'stored';
  });
  users.use('/:userId/posts', posts.routes());
  const api = new Router({ prefix: '/api' });
  api.use('/users', users.routes());

  const router = new Router();
  router.get(
    '/metrics',
    metricsHandler({
      registry,
      ...(options.token === undefined ? {} : { authorize: bearerTokenAuthorizer(options.token) }),
    }),
  );
  router.get('/errors/sync', () => {
    throw new Error('sync failure');
  });
  router.get('/errors/async', async () => {
    await delay(1);
    throw new Error('async failure');
  });
  router.get('/errors/unavailable', () => {
    throw Object.assign(new Error('unavailable'), { status: 503 });
  });
  router.get('/stream', (context) => {
    context.type = 'text/plain';
    context.body = Readable.from(streamedChunks());
  });
  router.get('/slow', (context) => {
    const body = new PassThrough();
    body.write('first\n');
    context.type = 'text/plain';
    context.body = body;
  });
  router.get('/hang', () => new Promise(() => {}));

  app.use(api.routes());
  app.use(api.allowedMethods());
  app.use(router.routes());
  app.use(router.allowedMethods());
  // Not a route: files answered by a plain middleware, as static-file middleware would.
  app.use(async (context, next) => {
    if (context.path !== '/assets/hello.txt') return next();
    context.type = 'text/plain';
    context.body = 'hello\n';
  });
  return app;
}
