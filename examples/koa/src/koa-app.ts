import { parseDelay, USER_COUNT } from '@internal/demo-harness';
import Router from '@koa/router';
import { metricsMiddleware } from '@servermetrics/adapter-koa';
import { metricsHandler } from '@servermetrics/adapter-koa/prometheus';
import type { MetricRegistry } from '@servermetrics/core';
import Koa, { type Middleware } from 'koa';

/** Options of createKoaApp. */
export interface KoaAppOptions {
  /** Registry the middleware records into and `/metrics` serves. @default defaultRegistry */
  registry?: MetricRegistry;
}

/** Waits `?delay_ms=` milliseconds before going on: the simulated work of every route. */
const simulatedWork: Middleware = async (context, next) => {
  const delay = parseDelay(context.query.delay_ms);
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  await next();
};

/** Answers errors thrown by the routes with a 500 and a JSON body, instead of Koa's text and log line. */
const errorHandler: Middleware = async (context, next) => {
  try {
    await next();
  } catch (error) {
    context.status = 500;
    context.body = { error: error instanceof Error ? error.message : 'failed' };
  }
};

/** `/users`: list, read one (ids 1 to 10, else 404), create (201). */
function usersRouter(): Router {
  const router = new Router({ prefix: '/users' });
  let nextId = USER_COUNT + 1;
  router.get('/', (context) => {
    context.body = Array.from({ length: USER_COUNT }, (_, index) => ({ id: index + 1 }));
  });
  router.get('/:id', (context) => {
    const id = Number(context.params.id);
    if (Number.isInteger(id) && id >= 1 && id <= USER_COUNT) {
      context.body = { id };
    } else {
      context.status = 404;
      context.body = { error: `no user ${context.params.id}` };
    }
  });
  router.post('/', (context) => {
    context.status = 201;
    context.body = { id: nextId++ }; // simulated: not stored
  });
  return router;
}

/** `/orders/:orderId/items/:itemId`: a router nested in another. */
function ordersRouter(): Router {
  const items = new Router({ prefix: '/:orderId/items' });
  items.get('/:itemId', (context) => {
    context.body = { orderId: context.params.orderId, itemId: context.params.itemId };
  });
  const orders = new Router({ prefix: '/orders' });
  orders.use(items.routes());
  return orders;
}

/**
 * The example app. `metricsMiddleware()` comes first, so it times everything after it and sees
 * the route template @koa/router matched, prefixes included: `/api/users/:id`,
 * `/api/orders/:orderId/items/:itemId`, `unmatched` for 404s. `metricsHandler()` serves the same
 * registry on `/metrics`, which the middleware leaves out.
 */
export function createKoaApp(options: KoaAppOptions = {}): Koa {
  const app = new Koa();
  app.use(metricsMiddleware({ registry: options.registry }));
  app.use(errorHandler);
  app.use(simulatedWork);
  const api = new Router({ prefix: '/api' });
  api.use(usersRouter().routes(), ordersRouter().routes());
  api.get('/fail', () => {
    throw new Error('simulated failure');
  });
  const root = new Router();
  root.get('/metrics', metricsHandler({ registry: options.registry }));
  app.use(api.routes()).use(api.allowedMethods());
  app.use(root.routes());
  return app;
}
