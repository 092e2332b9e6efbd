import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_BUCKETS,
  defaultRegistry,
  IncompatibleMetricError,
  InvalidNameError,
  InvalidOptionError,
  MetricRegistry,
  MetricUsageError,
} from '@servermetrics/core';
import {
  abandonBeforeHeaders,
  createRecordingLogger,
  openStream,
  type RecordingLogger,
  recordedRequests,
  recordedTotal,
  send,
  waitFor,
} from '@servermetrics/testing';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createHttpMetrics, type HttpMetrics } from './http-metrics.js';
import type { HttpRecorderOptions } from './http-metrics-options.js';

/** What the test app hands to the recorder as the framework context: the route it matched. */
interface TestContext {
  route: string | undefined;
  tenant: string;
}

type Recorder = HttpMetrics<TestContext, ServerResponse>;

/**
 * A plain node:http app standing in for a framework: it tracks every request with the recorder,
 * then "routes" by path. Requests to /hang and /stream stay open until the client goes away.
 */
function handle(recorders: readonly Recorder[], request: IncomingMessage, response: ServerResponse): void {
  const context: TestContext = { route: undefined, tenant: String(request.headers['x-tenant'] ?? 'none') };
  for (const recorder of recorders) recorder.track(request, response, context);
  const path = (request.url ?? '/').split('?')[0];
  const users = /^\/users\/(\d+)$/.exec(path ?? '');
  if (users !== null) {
    context.route = '/users/:id';
    const body = `user ${users[1]}`;
    // node:http computes an implicit Content-Length without exposing it; frameworks set the header.
    response.setHeader('content-length', Buffer.byteLength(body));
    response.end(body);
  } else if (path === '/error') {
    context.route = '/error';
    response.statusCode = 500;
    response.end('failed');
  } else if (path === '/hang') {
    context.route = '/hang';
  } else if (path === '/stream') {
    context.route = '/stream';
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write('first chunk');
  } else if (path === '/upload') {
    context.route = '/upload';
    request.resume();
    request.on('end', () => response.setHeader('content-length', 6).end('stored'));
  } else if (path?.startsWith('/generated/')) {
    context.route = path;
    response.end('generated');
  } else if (path === '/metrics') {
    context.route = '/metrics';
    response.end('# EOF');
  } else {
    response.statusCode = 404;
    response.end('not found');
  }
}

interface TestServer {
  readonly server: Server;
  readonly url: string;
}

async function startServer(recorders: readonly Recorder[]): Promise<TestServer> {
  const server = createServer((request, response) => handle(recorders, request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

async function stopServer(testServer: TestServer): Promise<void> {
  testServer.server.closeAllConnections();
  await new Promise<void>((resolve) => testServer.server.close(() => resolve()));
}

function routeOf(context: TestContext): string | undefined {
  return context.route;
}

function newRecorder(
  registry: MetricRegistry,
  options: Partial<HttpRecorderOptions<TestContext, ServerResponse>> = {},
): Recorder {
  return createHttpMetrics<TestContext, ServerResponse>({ registry, resolveRoute: routeOf, ...options });
}

function requestCount(
  recorder: Recorder,
  method: string,
  route: string,
  statusCode: number,
): number | undefined {
  return recorder.requests.value({ method, route, status_code: statusCode });
}

/** The route of each method, route and status code combination `registry` counted requests for. */
function recordedRoutes(registry: MetricRegistry): string[] {
  return Object.keys(recordedRequests(registry)).map((key) => key.split(' ')[1]!);
}

describe('createHttpMetrics over a real node:http server', () => {
  let logger: RecordingLogger;
  let registry: MetricRegistry;
  let recorder: Recorder;
  let testServer: TestServer;

  beforeAll(async () => {
    logger = createRecordingLogger();
    registry = new MetricRegistry({ logger });
    recorder = newRecorder(registry, { requestSizes: true, responseSizes: true, maxRoutes: 5 });
    testServer = await startServer([recorder]);
  });

  afterAll(async () => {
    await stopServer(testServer);
  });

  afterEach(() => {
    for (const metric of [
      recorder.requests,
      recorder.duration,
      recorder.requestSize!,
      recorder.responseSize!,
    ])
      metric.reset();
  });

  test('counts requests by method, route template and status code, and times them', async () => {
    await send(`${testServer.url}/users/1`);
    await send(`${testServer.url}/users/2?expand=1`);
    await send(`${testServer.url}/users/3`, { method: 'HEAD' });
    await send(`${testServer.url}/error`);
    await send(`${testServer.url}/nowhere/at/all`);
    await waitFor('five recorded requests', () => recordedTotal(registry) === 5);
    expect(requestCount(recorder, 'GET', '/users/:id', 200)).toBe(2);
    expect(requestCount(recorder, 'HEAD', '/users/:id', 200)).toBe(1);
    expect(requestCount(recorder, 'GET', '/error', 500)).toBe(1);
    expect(requestCount(recorder, 'GET', 'unmatched', 404)).toBe(1);
    const duration = recorder.duration.value({ method: 'GET', route: '/users/:id', status_code: 200 });
    expect(duration?.count).toBe(2);
    expect(duration?.sum).toBeGreaterThan(0);
    expect(recorder.duration.buckets).toEqual(DEFAULT_BUCKETS);
    expect(recorder.inFlight.value({ method: 'GET' })).toBe(0);
    const routes = recordedRoutes(registry);
    expect(routes.some((route) => String(route).includes('nowhere'))).toBe(false);
  });

  test('unknown methods are recorded as _OTHER', async () => {
    await send(`${testServer.url}/users/1`, { method: 'PURGE' });
    await send(`${testServer.url}/users/1`, { method: 'PROPFIND' });
    await waitFor('two recorded requests', () => recordedTotal(registry) === 2);
    expect(requestCount(recorder, '_OTHER', '/users/:id', 200)).toBe(2);
    expect(recorder.inFlight.value({ method: '_OTHER' })).toBe(0);
  });

  test('in flight counts requests between arrival and the end of the response', async () => {
    const stream = await openStream(`${testServer.url}/stream`);
    const other = await openStream(`${testServer.url}/stream`);
    expect(recorder.inFlight.value({ method: 'GET' })).toBe(2);
    stream.destroy();
    await waitFor('one request in flight', () => recorder.inFlight.value({ method: 'GET' }) === 1);
    other.destroy();
    await waitFor('no request in flight', () => recorder.inFlight.value({ method: 'GET' }) === 0);
  });

  test('a client leaving before any header is recorded as 499; after the headers, with the status sent', async () => {
    await abandonBeforeHeaders(`${testServer.url}/hang`, 50);
    (await openStream(`${testServer.url}/stream`)).destroy();
    await waitFor('two aborted requests recorded', () => recordedTotal(registry) === 2);
    expect(requestCount(recorder, 'GET', '/hang', 499)).toBe(1);
    expect(requestCount(recorder, 'GET', '/stream', 200)).toBe(1);
    expect(recorder.duration.value({ method: 'GET', route: '/hang', status_code: 499 })?.sum).toBeGreaterThan(
      0.04,
    );
    expect(recorder.inFlight.value({ method: 'GET' })).toBe(0);
  });

  test('request and response sizes come from Content-Length; unknown lengths are not observed', async () => {
    await send(`${testServer.url}/upload`, { method: 'POST', body: 'x'.repeat(300) });
    await send(`${testServer.url}/users/7`);
    (await openStream(`${testServer.url}/stream`)).destroy();
    await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
    expect(requestCount(recorder, 'GET', '/stream', 200)).toBe(1);
    const upload = recorder.requestSize!.value({ method: 'POST', route: '/upload', status_code: 200 });
    expect(upload).toMatchObject({ count: 1, sum: 300 });
    expect(upload?.buckets.find((bucket) => bucket.le === 256)?.count).toBe(0);
    expect(upload?.buckets.find((bucket) => bucket.le === 1024)?.count).toBe(1);
    expect(
      recorder.responseSize!.value({ method: 'POST', route: '/upload', status_code: 200 }),
    ).toMatchObject({ count: 1, sum: 6 });
    expect(
      recorder.responseSize!.value({ method: 'GET', route: '/users/:id', status_code: 200 }),
    ).toMatchObject({
      count: 1,
      sum: 'user 7'.length,
    });
    expect(
      recorder.requestSize!.value({ method: 'GET', route: '/users/:id', status_code: 200 }),
    ).toBeUndefined();
    expect(
      recorder.responseSize!.value({ method: 'GET', route: '/stream', status_code: 200 }),
    ).toBeUndefined();
  });

  test('more than maxRoutes templates collapse into __other__, with one warning', async () => {
    for (let index = 0; index < 12; index++) await send(`${testServer.url}/generated/${index}`);
    await waitFor('twelve recorded requests', () => recordedTotal(registry) === 12);
    const routes = recordedRoutes(registry);
    // Earlier tests already used 4 of the 5 route slots (/users/:id, /error, /hang, /stream, /upload: 5).
    expect(routes).toContain('__other__');
    expect(routes.filter((route) => String(route).startsWith('/generated/')).length).toBeLessThanOrEqual(5);
    expect(requestCount(recorder, 'GET', '__other__', 200)).toBeGreaterThanOrEqual(7);
    expect(logger.warnings.filter((message) => message.includes('maxRoutes'))).toHaveLength(1);
  });

  test('the metrics path is excluded by default, also with a query string', async () => {
    await send(`${testServer.url}/metrics`);
    await send(`${testServer.url}/metrics?debug=1`);
    await send(`${testServer.url}/users/1`);
    await waitFor('one recorded request', () => recordedTotal(registry) === 1);
    expect(requestCount(recorder, 'GET', '/metrics', 200)).toBeUndefined();
  });
});

describe('createHttpMetrics options', () => {
  const servers: TestServer[] = [];

  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
  });

  async function serve(...recorders: Recorder[]): Promise<string> {
    const testServer = await startServer(recorders);
    servers.push(testServer);
    return testServer.url;
  }

  test('prefix, buckets, exclude and skip', async () => {
    const registry = new MetricRegistry();
    const recorder = newRecorder(registry, {
      prefix: 'shop_',
      buckets: [0.1, 1],
      exclude: ['/users/2', /^\/err/],
      skip: (context) => context.tenant === 'robot',
    });
    expect(registry.names()).toEqual([
      'shop_http_request_duration_seconds',
      'shop_http_requests_in_flight',
      'shop_http_requests_total',
    ]);
    expect(recorder.duration.buckets).toEqual([0.1, 1]);
    const url = await serve(recorder);
    await send(`${url}/users/1`);
    await send(`${url}/users/2`);
    await send(`${url}/error`);
    await send(`${url}/users/3`, { headers: { 'x-tenant': 'robot' } });
    await send(`${url}/metrics`);
    await waitFor('two recorded requests', () => recordedTotal(registry, 'shop_http_requests_total') === 2);
    expect(requestCount(recorder, 'GET', '/users/:id', 200)).toBe(1);
    expect(requestCount(recorder, 'GET', '/metrics', 200)).toBe(1);
  });

  test('extra labels are added to the counter and histograms, not to the in-flight gauge', async () => {
    const registry = new MetricRegistry();
    const recorder = newRecorder(registry, {
      labels: { tenant: (context) => context.tenant, secure: () => false },
    });
    expect(recorder.requests.labelNames).toEqual(['method', 'route', 'status_code', 'tenant', 'secure']);
    expect(recorder.inFlight.labelNames).toEqual(['method']);
    const url = await serve(recorder);
    await send(`${url}/users/1`, { headers: { 'x-tenant': 'acme' } });
    await send(`${url}/users/1`, { headers: { 'x-tenant': 'acme' } });
    await send(`${url}/users/1`);
    await waitFor('three recorded requests', () => recordedTotal(registry) === 3);
    expect(
      recorder.requests.value({
        method: 'GET',
        route: '/users/:id',
        status_code: 200,
        tenant: 'acme',
        secure: 'false',
      }),
    ).toBe(2);
    expect(
      recorder.duration.value({
        method: 'GET',
        route: '/users/:id',
        status_code: 200,
        tenant: 'none',
        secure: 'false',
      })?.count,
    ).toBe(1);
  });

  test('a label function that throws or returns nonsense drops that request and is logged, rate-limited', async () => {
    const logger = createRecordingLogger();
    const registry = new MetricRegistry({ logger, strict: false });
    const recorder = newRecorder(registry, {
      labels: {
        tenant: (context) => {
          if (context.tenant === 'boom') throw new Error('no tenant');
          return context.tenant === 'object' ? ({} as string) : context.tenant;
        },
      },
    });
    const url = await serve(recorder);
    for (const tenant of ['boom', 'boom', 'object', 'fine'])
      await send(`${url}/users/1`, { headers: { 'x-tenant': tenant } });
    await waitFor('one recorded request', () => recordedTotal(registry) === 1);
    await waitFor('no request in flight', () => recorder.inFlight.value({ method: 'GET' }) === 0);
    expect(logger.errors).toHaveLength(2);
    expect(logger.errors[0]).toContain('label function "tenant" threw (Error: no tenant)');
    expect(logger.errors[1]).toContain('returned an object');
  });

  test('getRoute names routes before the framework does; undefined falls back; maxRoutes still applies', async () => {
    const logger = createRecordingLogger();
    const registry = new MetricRegistry({ logger, strict: false });
    const recorder = newRecorder(registry, {
      maxRoutes: 3,
      getRoute: (context) => {
        if (context.tenant === 'boom') throw new Error('no route');
        if (context.tenant === 'number') return 42 as unknown as string;
        if (context.tenant === 'empty') return '';
        if (context.tenant === 'generated') return `/custom/${Math.random()}`;
        return context.route === undefined ? '/static/*' : undefined;
      },
    });
    const url = await serve(recorder);
    await send(`${url}/assets/app.js`);
    await send(`${url}/assets/logo.png`);
    await send(`${url}/users/1`);
    for (const tenant of ['boom', 'number', 'empty']) {
      await send(`${url}/users/2`, { headers: { 'x-tenant': tenant } });
    }
    for (let index = 0; index < 3; index++) {
      await send(`${url}/users/3`, { headers: { 'x-tenant': 'generated' } });
    }
    await waitFor('nine recorded requests', () => recordedTotal(registry) === 9);
    expect(requestCount(recorder, 'GET', '/static/*', 404)).toBe(2);
    expect(requestCount(recorder, 'GET', '/users/:id', 200)).toBe(4);
    expect(requestCount(recorder, 'GET', '__other__', 200)).toBe(2);
    expect(requestCount(recorder, 'GET', 'unmatched', 404)).toBeUndefined();
    // One message per kind of misuse a minute: the empty string's is held back behind the 42's.
    expect(logger.errors).toHaveLength(2);
    expect(logger.errors[0]).toContain('getRoute threw (Error: no route)');
    expect(logger.errors[1]).toContain('getRoute returned 42, expected a non-empty string or undefined');
  });

  test('two recorders in one registry share compatible metrics', async () => {
    const registry = new MetricRegistry();
    const first = newRecorder(registry);
    const second = newRecorder(registry);
    expect(second.requests).toBe(first.requests);
    expect(second.duration).toBe(first.duration);
    const firstUrl = await serve(first);
    const secondUrl = await serve(second);
    await send(`${firstUrl}/users/1`);
    await send(`${secondUrl}/users/2`);
    await waitFor('two recorded requests', () => recordedTotal(registry) === 2);
    expect(requestCount(second, 'GET', '/users/:id', 200)).toBe(2);
    expect(first.inFlight.value({ method: 'GET' })).toBe(0);
  });

  test('incompatible options on a shared registry throw IncompatibleMetricError', () => {
    const registry = new MetricRegistry();
    newRecorder(registry);
    expect(() => newRecorder(registry, { buckets: [1, 2, 3] })).toThrow(IncompatibleMetricError);
    expect(() => newRecorder(registry, { labels: { tenant: () => 'x' } })).toThrow(
      /its labels are \[method, route, status_code\]/,
    );
    expect(() => newRecorder(registry, { prefix: 'other_', buckets: [1, 2, 3] })).not.toThrow();
  });

  test('set-up mistakes throw typed errors that say what to fix', () => {
    const registry = new MetricRegistry();
    expect(() => newRecorder(registry, { registry: {} as MetricRegistry })).toThrow(InvalidOptionError);
    expect(() => newRecorder(registry, { maxRoutes: 0 })).toThrow(/maxRoutes must be a positive integer/);
    expect(() => newRecorder(registry, { labels: { route: () => 'x' } })).toThrow(
      /"route" is recorded by the middleware itself/,
    );
    expect(() => newRecorder(registry, { labels: { tenant: 'acme' as unknown as () => string } })).toThrow(
      /labels.tenant must be a function/,
    );
    expect(() => newRecorder(registry, { labels: { 'bad-name': () => 'x' } })).toThrow(InvalidNameError);
    expect(() => newRecorder(registry, { prefix: 'my-app_' })).toThrow(InvalidNameError);
    expect(() => newRecorder(registry, { skip: true as unknown as () => boolean })).toThrow(
      /skip must be a function/,
    );
    expect(() => newRecorder(registry, { getRoute: '/x' as unknown as () => string })).toThrow(
      /getRoute must be a function/,
    );
    expect(() => newRecorder(registry, { exclude: [5 as unknown as string] })).toThrow(/exclude entries/);
    expect(() => newRecorder(registry, { buckets: [2, 1] })).toThrow(/sorted/);
    expect(() => createHttpMetrics({} as HttpRecorderOptions<unknown, ServerResponse>)).toThrow(
      /resolveRoute/,
    );
    expect(registry.names()).toEqual([]);
  });

  test('registers in defaultRegistry when no registry is given', () => {
    const recorder = createHttpMetrics<TestContext, ServerResponse>({
      resolveRoute: routeOf,
      prefix: 'core_http_test_',
    });
    expect(defaultRegistry.get('core_http_test_http_requests_total')).toBe(recorder.requests);
    for (const name of defaultRegistry.names().filter((name) => name.startsWith('core_http_test_')))
      defaultRegistry.unregister(name);
  });
});

/** A response double for the paths a real socket cannot show deterministically (strict mode, cache limits). */
class FakeResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  writableFinished = false;

  getHeader(): undefined {
    return undefined;
  }

  finish(statusCode: number): void {
    this.statusCode = statusCode;
    this.headersSent = true;
    this.writableFinished = true;
    this.emit('close');
  }
}

const fakeRequest = { method: 'GET', url: '/x', headers: {} };

describe('createHttpMetrics edge cases', () => {
  test('strict mode: a failing label function throws MetricUsageError where the response closes', () => {
    const registry = new MetricRegistry({ strict: true });
    const recorder = createHttpMetrics<object, FakeResponse>({
      registry,
      resolveRoute: () => '/x',
      labels: {
        tenant: () => {
          throw new Error('nope');
        },
      },
    });
    const response = new FakeResponse();
    recorder.track(fakeRequest, response, {});
    expect(() => response.finish(200)).toThrow(MetricUsageError);
    expect(recorder.inFlight.value({ method: 'GET' })).toBe(0);
  });

  test('a resolveRoute that throws counts as unmatched and is logged', () => {
    const logger = createRecordingLogger();
    const recorder = createHttpMetrics<object, FakeResponse>({
      registry: new MetricRegistry({ logger }),
      resolveRoute: () => {
        throw new Error('router state unreadable');
      },
    });
    const response = new FakeResponse();
    recorder.track(fakeRequest, response, {});
    response.finish(200);
    expect(recorder.requests.value({ method: 'GET', route: 'unmatched', status_code: 200 })).toBe(1);
    expect(logger.errors[0]).toContain('router state unreadable');
  });

  test('a skip function that throws records the request and reports the misuse', () => {
    const logger = createRecordingLogger();
    const recorder = createHttpMetrics<object, FakeResponse>({
      registry: new MetricRegistry({ logger, strict: false }),
      resolveRoute: () => '/x',
      skip: () => {
        throw new Error('bad skip');
      },
    });
    const response = new FakeResponse();
    recorder.track(fakeRequest, response, {});
    response.finish(204);
    expect(recorder.requests.value({ method: 'GET', route: '/x', status_code: 204 })).toBe(1);
    expect(logger.errors[0]).toContain('the skip function threw');
  });

  test('the bound-series cache stays bounded by maxCells and counts stay right after it is cleared', () => {
    const registry = new MetricRegistry();
    const recorder = createHttpMetrics<object, FakeResponse>({
      registry,
      resolveRoute: () => '/x',
      maxCells: 3,
    });
    const statuses = [200, 201, 202, 200, 201, 202, 200];
    for (const statusCode of statuses) {
      const response = new FakeResponse();
      recorder.track(fakeRequest, response, {});
      response.finish(statusCode);
    }
    expect(recorder.requests.value({ method: 'GET', route: '/x', status_code: 200 })).toBe(3);
    expect(recorder.requests.value({ method: 'GET', route: '/x', status_code: 201 })).toBe(2);
    expect(recorder.requests.value({ method: 'GET', route: '/x', status_code: 202 })).toBe(2);
    expect(recorder.requests.seriesCount).toBe(3);
  });

  test('track reports whether it records; the response is not touched', () => {
    const recorder = createHttpMetrics<object, FakeResponse>({
      registry: new MetricRegistry(),
      resolveRoute: () => '/x',
    });
    const response = new FakeResponse();
    const propertiesBefore = Reflect.ownKeys(response);
    expect(recorder.track(fakeRequest, response, {})).toBe(true);
    expect(recorder.track({ ...fakeRequest, url: '/metrics' }, new FakeResponse(), {})).toBe(false);
    expect(Reflect.ownKeys(response)).toEqual(propertiesBefore);
    expect(recorder.inFlight.value({ method: 'GET' })).toBe(1);
    response.finish(200);
    expect(recorder.requests.value({ method: 'GET', route: '/x', status_code: 200 })).toBe(1);
    expect(recorder.inFlight.value({ method: 'GET' })).toBe(0);
  });
});
