import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsMiddleware } from '@servermetrics/adapter-express';
import { MetricRegistry } from '@servermetrics/core';
import express, { type Express } from 'express';
import promBundle from 'express-prom-bundle';
import { Registry } from 'prom-client';

/** The three configurations of the Express suite. */
export const EXPRESS_CONFIGURATIONS = ['none', 'servermetrics', 'express-prom-bundle'] as const;

/** One of the Express configurations. */
export type ExpressConfiguration = (typeof EXPRESS_CONFIGURATIONS)[number];

/** The hello-world route every configuration serves. */
export const HELLO_PATH = '/hello';

/**
 * Builds the hello-world app of a configuration:
 * - `none`: no metrics;
 * - `servermetrics`: our `metricsMiddleware` (request counter, duration histogram and in-flight
 *   gauge with method, route and status labels) into a private registry;
 * - `express-prom-bundle`: its duration histogram with method, path and status labels, into a
 *   private prom-client registry.
 */
export function helloWorldApp(configuration: ExpressConfiguration): Express {
  const app = express();
  app.disable('x-powered-by');
  if (configuration === 'servermetrics') {
    app.use(metricsMiddleware({ registry: new MetricRegistry() }));
  } else if (configuration === 'express-prom-bundle') {
    app.use(
      promBundle({
        includeMethod: true,
        includePath: true,
        includeStatusCode: true,
        autoregister: false,
        promRegistry: new Registry(),
      }),
    );
  }
  app.get(HELLO_PATH, (_request, response) => {
    response.send('Hello World!');
  });
  return app;
}

/** Starts `app` on 127.0.0.1 on an ephemeral port. */
export function listen(app: Express): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error?: Error) => {
      if (error !== undefined) return reject(error);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}
