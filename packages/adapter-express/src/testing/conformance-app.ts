import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { MetricRegistry } from '@servermetrics/core';
import { bearerTokenAuthorizer } from '@servermetrics/exporter-prometheus';
import type express from 'express';
import {
  CONFORMANCE_ASSETS_DIRECTORY,
  type ConformanceAppOptions,
} from '../../../core/src/http/testing/adapter-conformance.js';
import { streamedChunks } from '../../../core/src/http/testing/streamed-chunks.js';
import { metricsHandler } from '../metrics-handler.js';
import { metricsMiddleware } from '../metrics-middleware.js';

/** The `express` export of either major. */
export type ExpressFactory = typeof express;

/** Builds the app the conformance suite expects (see AdapterUnderTest) with Express `major`. */
export function conformanceApp(
  factory: ExpressFactory,
  major: 4 | 5,
  options: ConformanceAppOptions<MetricRegistry>,
): express.Express {
  const { registry } = options;
  const app = factory();
  app.use(metricsMiddleware({ ...options.middleware, registry }));
  app.get(
    '/metrics',
    metricsHandler({
      registry,
      ...(options.token === undefined ? {} : { authorize: bearerTokenAuthorizer(options.token) }),
    }),
  );

  const posts = factory.Router({ mergeParams: true });
  posts.get('/:postId', (request, response) => {
    response.json({
      userId: (request.params as Record<string, string>).userId,
      postId: request.params.postId,
    });
  });
  const users = factory.Router();
  users.get('/:userId', (request, response) => {
    response.json({ userId: request.params.userId });
  });
  users.get('/:userId/fail', () => {
    throw new Error('nested failure');
  });
  users.post('/:userId/avatar', (request, response) => {
    request.resume();
    request.on('end', () => response.status(201).send('stored'));
  });
  users.use('/:userId/posts', posts);
  const api = factory.Router();
  api.use('/users', users);
  app.use('/api', api);

  app.get('/errors/sync', () => {
    throw new Error('sync failure');
  });
  if (major === 5) {
    app.get('/errors/async', async () => {
      await delay(1);
      throw new Error('async failure');
    });
  } else {
    // Express 4 does not catch rejected promises: async failures go to next().
    app.get('/errors/async', (_request, _response, next) => {
      delay(1).then(() => next(new Error('async failure')), next);
    });
  }
  app.get('/errors/unavailable', () => {
    throw Object.assign(new Error('unavailable'), { status: 503 });
  });
  app.get('/stream', (_request, response) => {
    response.type('text/plain');
    Readable.from(streamedChunks()).pipe(response);
  });
  app.get('/slow', (_request, response) => {
    response.status(200).type('text/plain');
    response.write('first\n');
  });
  app.get('/hang', () => {});
  app.use('/assets', factory.static(CONFORMANCE_ASSETS_DIRECTORY));
  return app;
}
