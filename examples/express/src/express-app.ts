import { parseDelay, USER_COUNT } from '@internal/demo-harness';
import { metricsMiddleware } from '@servermetrics/adapter-express';
import { metricsHandler } from '@servermetrics/adapter-express/prometheus';
import type { MetricRegistry } from '@servermetrics/core';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, Router } from 'express';

/** Options of createExpressApp. */
export interface ExpressAppOptions {
  /** Registry the middleware records into and `/metrics` serves. @default defaultRegistry */
  registry?: MetricRegistry;
}

/** Waits `?delay_ms=` milliseconds before going on: the simulated work of every route. */
const simulatedWork: RequestHandler = (request, _response, next) => {
  const delay = parseDelay(request.query.delay_ms);
  if (delay === 0) next();
  else setTimeout(next, delay);
};

/** `/api/users`: list, read one (ids 1 to 10, else 404), create (201). */
function usersRouter(): Router {
  const router = Router();
  let nextId = USER_COUNT + 1;
  router.get('/', (_request, response) => {
    response.json(Array.from({ length: USER_COUNT }, (_, index) => ({ id: index + 1 })));
  });
  router.get('/:id', (request, response) => {
    const id = Number(request.params.id);
    if (Number.isInteger(id) && id >= 1 && id <= USER_COUNT) response.json({ id });
    else response.status(404).json({ error: `no user ${request.params.id}` });
  });
  router.post('/', (_request, response) => {
    response.status(201).json({ id: nextId++ }); // simulated: not stored
  });
  return router;
}

/** `/api/orders/:orderId/items/:itemId`: a router mounted inside another, sharing its params. */
function ordersRouter(): Router {
  const items = Router({ mergeParams: true });
  items.get('/:itemId', (request, response) => {
    const params = request.params as Record<string, string>;
    response.json({ orderId: params.orderId, itemId: params.itemId });
  });
  const orders = Router();
  orders.use('/:orderId/items', items);
  return orders;
}

/** Answers errors thrown by the routes with a 500. Express needs all four parameters to see an error handler. */
const errorHandler: ErrorRequestHandler = (error, _request, response, _next) => {
  response.status(500).json({ error: error instanceof Error ? error.message : 'failed' });
};

/**
 * The example app. `metricsMiddleware()` comes first, so it times everything after it and sees
 * the route template each request matched, including the routers' mount paths:
 * `/api/users/:id`, `/api/orders/:orderId/items/:itemId`, `unmatched` for 404s.
 * `metricsHandler()` serves the same registry on `/metrics`, which the middleware leaves out.
 */
export function createExpressApp(options: ExpressAppOptions = {}): Express {
  const app = express();
  app.use(metricsMiddleware({ registry: options.registry }));
  app.use(simulatedWork);
  const api = Router();
  api.use('/users', usersRouter());
  api.use('/orders', ordersRouter());
  api.get('/fail', () => {
    throw new Error('simulated failure');
  });
  app.use('/api', api);
  app.get('/metrics', metricsHandler({ registry: options.registry }));
  app.use(errorHandler);
  return app;
}
