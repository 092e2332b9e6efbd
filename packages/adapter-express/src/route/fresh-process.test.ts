import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);
const packageDirectory = fileURLToPath(new URL('../..', import.meta.url));
const entry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/**
 * In a fresh process (nothing else has touched Express), app B's middleware records a request,
 * then app A's middleware (another instance) records one, then B records another. Prints B's
 * `http_requests_total` as `{ route: count }`. Unlike the in-process test in
 * declared-templates.test.ts, B's first request is the first use of Express in the process.
 */
function script(specifier: 'express' | 'express4'): string {
  return `
import { once } from 'node:events';
import express from '${specifier}';
import { MetricRegistry } from '@servermetrics/core';
import { renderMetrics } from '@servermetrics/exporter-prometheus';
import { metricsMiddleware } from ${JSON.stringify(entry)};

const build = (options) => {
  const app = express();
  app.use(metricsMiddleware(options));
  const posts = express.Router();
  posts.get('/:postId', (_request, response) => response.send('post'));
  app.use('/users/:userId/posts', posts);
  return app;
};
const routes = (registry) => {
  const counts = {};
  for (const [, route, value] of renderMetrics(registry).matchAll(/^http_requests_total\\{[^}]*route="([^"]*)"[^}]*\\} (\\S+)$/gm)) {
    counts[route] = (counts[route] ?? 0) + Number(value);
  }
  return counts;
};
const total = (registry) => Object.values(routes(registry)).reduce((sum, value) => sum + value, 0);
async function hit(app, registry, path) {
  const before = total(registry);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const response = await fetch('http://127.0.0.1:' + server.address().port + path);
  await response.text();
  const deadline = Date.now() + 20000;
  while (total(registry) === before && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  server.closeAllConnections();
  server.close();
}
const first = new MetricRegistry();
const second = new MetricRegistry();
const appB = build({ registry: first });
await hit(appB, first, '/users/alice/posts/1');
await hit(build({ registry: second }), second, '/users/bob/posts/2');
await hit(appB, first, '/users/carol/posts/3');
console.log(JSON.stringify(routes(first)));
`;
}

for (const specifier of ['express4', 'express'] as const) {
  test(`${specifier}: a middleware's labels do not depend on another middleware (fresh process)`, async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script(specifier)], {
      cwd: packageDirectory,
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual({ '/users/:userId/posts/:postId': 2 });
  });
}
