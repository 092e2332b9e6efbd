import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { Counter, Gauge, InvalidOptionError, MetricRegistry } from '@servermetrics/core';
import { createRecordingLogger, openSlowHeaderClients, send, waitFor } from '@servermetrics/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { bearerTokenAuthorizer } from '../auth/bearer-token-authorizer.js';
import { MetricsServerStartError } from '../errors/metrics-server-start-error.js';
import { TEXT_CONTENT_TYPE } from '../exposition/exposition-format.js';
import { renderMetrics } from '../exposition/render-metrics.js';
import { type MetricsServer, startMetricsServer } from './start-metrics-server.js';

const started: MetricsServer[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

async function start(options: Parameters<typeof startMetricsServer>[0]): Promise<MetricsServer> {
  const server = await startMetricsServer(options);
  started.push(server);
  return server;
}

function registryWithCounter(): MetricRegistry {
  const registry = new MetricRegistry();
  registry.register('server_test_total', new Counter({ help: 'Test.' })).inc(3);
  return registry;
}

describe('startMetricsServer', () => {
  it('serves the metrics on 127.0.0.1 and /metrics by default and reports its url and port', async () => {
    const registry = registryWithCounter();
    const server = await start({ port: 0, registry });
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    expect((server.server.address() as AddressInfo).address).toBe('127.0.0.1');
    const response = await send(server.url);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(TEXT_CONTENT_TYPE);
    expect(response.body).toBe(renderMetrics(registry));
    expect((await send(`${server.url}?debug=1`)).status).toBe(200);
  });

  it('answers 404 on every other path', async () => {
    const server = await start({ port: 0, registry: registryWithCounter(), path: '/internal/metrics' });
    expect(server.url.endsWith('/internal/metrics')).toBe(true);
    const base = `http://127.0.0.1:${server.port}`;
    for (const path of ['/', '/metrics', '/internal/metrics/', '/internal/metricsx', '/internal']) {
      const response = await send(`${base}${path}`);
      expect(response.status).toBe(404);
      expect(response.body).toBe('Not Found\n');
    }
    expect((await send(`${base}/internal/metrics`)).status).toBe(200);
  });

  it('passes handler options through (authorize, 405)', async () => {
    const server = await start({
      port: 0,
      registry: registryWithCounter(),
      authorize: bearerTokenAuthorizer('t0ken'),
    });
    expect((await send(server.url)).status).toBe(401);
    expect((await send(server.url, { headers: { authorization: 'Bearer t0ken' } })).status).toBe(200);
    expect(
      (await send(server.url, { method: 'POST', headers: { authorization: 'Bearer t0ken' } })).status,
    ).toBe(405);
  });

  it('close() stops listening even with a kept-alive connection open, and is idempotent', async () => {
    const server = await startMetricsServer({ port: 0, registry: registryWithCounter() });
    const response = await fetch(server.url, { headers: { connection: 'keep-alive' } });
    expect(response.status).toBe(200);
    await response.text();
    await Promise.all([server.close(), server.close()]);
    await server.close();
    expect(server.server.listening).toBe(false);
    await expect(send(server.url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('survives an error event after listening (EMFILE on accept): logs it rate-limited and keeps serving', async () => {
    const log: string[] = [];
    const registry = new MetricRegistry({
      logger: {
        warn: (message) => log.push(`warn: ${message}`),
        error: (message) => log.push(`error: ${message}`),
      },
    });
    registry.register('server_test_total', new Counter({ help: 'Test.' })).inc(3);
    const second = new MetricRegistry({ logger: { warn: () => {}, error: () => {} } });
    const server = await start({ port: 0, registry: [registry, second] });
    const acceptError = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', syscall: 'accept' });
    // With no 'error' listener, emit() would throw this error (and crash the application).
    expect(() => server.server.emit('error', acceptError)).not.toThrow();
    expect(() => server.server.emit('error', acceptError)).not.toThrow();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^error: .*metrics server.*EMFILE/);
    expect((await send(server.url)).status).toBe(200);
  });

  it('close() lets a scrape in progress finish with 200 (slow collect hook), then stops', async () => {
    const registry = registryWithCounter();
    let hookStarted!: () => void;
    const hookRunning = new Promise<void>((resolve) => {
      hookStarted = resolve;
    });
    registry.register(
      'server_slow_value',
      new Gauge({
        help: 'Read by a slow collect hook.',
        collect: async (gauge) => {
          hookStarted();
          await new Promise((resolve) => setTimeout(resolve, 200));
          gauge.set(42);
        },
      }),
    );
    const server = await start({ port: 0, registry });
    // fetch keeps its connection alive, as Prometheus does.
    const scrape = fetch(server.url);
    await hookRunning;
    const closed = server.close();
    const response = await scrape;
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('server_slow_value 42\n');
    await closed;
    expect(server.server.listening).toBe(false);
    await expect(send(server.url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('close() cuts a scrape that outlasts closeTimeoutMs', async () => {
    const registry = new MetricRegistry({
      collectTimeoutMs: 60_000,
      logger: { warn: () => {}, error: () => {} },
    });
    let hookStarted!: () => void;
    const hookRunning = new Promise<void>((resolve) => {
      hookStarted = resolve;
    });
    registry.register(
      'server_stuck_value',
      new Gauge({
        help: 'Read by a collect hook that never settles.',
        collect: () => {
          hookStarted();
          return new Promise<void>(() => {});
        },
      }),
    );
    const server = await start({ port: 0, registry, closeTimeoutMs: 50 });
    const scrape = send(server.url);
    await hookRunning;
    await server.close();
    expect(server.server.listening).toBe(false);
    await expect(scrape).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('applies timeouts fit for a metrics endpoint and a connection cap by default', async () => {
    const server = await start({ port: 0, registry: registryWithCounter() });
    expect(server.server.headersTimeout).toBe(5000);
    expect(server.server.requestTimeout).toBe(10_000);
    expect(server.server.keepAliveTimeout).toBe(5000);
    expect(server.server.maxConnections).toBe(256);
  });

  it('keeps answering scrapes while 200 slow-header clients hang, and closes them after headersTimeoutMs', async () => {
    const server = await start({ port: 0, registry: registryWithCounter(), headersTimeoutMs: 3000 });
    const slow = await openSlowHeaderClients(server.url, 200);
    try {
      await waitFor('the server to hold the 200 slow connections', async () => {
        const count = await new Promise<number>((resolve, reject) =>
          server.server.getConnections((error, connections) =>
            error ? reject(error) : resolve(connections),
          ),
        );
        return count === 200 ? true : undefined;
      });
      // Meanwhile, scrapes are answered at once.
      for (let scrape = 0; scrape < 5; scrape++) {
        const response = await send(server.url);
        expect(response.status).toBe(200);
        expect(response.body).toContain('server_test_total 3');
      }
      expect(slow.openCount()).toBeGreaterThan(0);
      // Node's default would keep them for 60 s; here headersTimeoutMs closes them, with a 408.
      await waitFor(
        'the slow clients to be closed',
        async () => (slow.openCount() === 0 ? true : undefined),
        {
          timeoutMs: 20_000,
        },
      );
      expect(slow.lastClosedAfterMs()).toBeLessThan(20_000);
      expect(slow.received().every((text) => text.startsWith('HTTP/1.1 408'))).toBe(true);
      expect((await send(server.url)).status).toBe(200);
    } finally {
      slow.destroy();
    }
  }, 60_000);

  it('drops connections beyond maxConnections, logs it rate-limited, and serves again once some close', async () => {
    const logger = createRecordingLogger();
    const registry = new MetricRegistry({ logger });
    registry.register('server_test_total', new Counter({ help: 'Test.' })).inc(3);
    const server = await start({ port: 0, registry, maxConnections: 3 });
    const idle: Socket[] = [];
    try {
      for (let index = 0; index < 3; index++) {
        const socket = connect({ host: '127.0.0.1', port: server.port });
        socket.on('error', () => {});
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        idle.push(socket);
      }
      await waitFor('the server to count 3 connections', async () => {
        const count = await new Promise<number>((resolve) =>
          server.server.getConnections((_error, connections) => resolve(connections)),
        );
        return count === 3 ? true : undefined;
      });
      await expect(send(server.url)).rejects.toThrow(/socket hang up|ECONNRESET/);
      await expect(send(server.url)).rejects.toThrow(/socket hang up|ECONNRESET/);
      const drops = logger.messages.filter((entry) => entry.message.includes('maxConnections'));
      expect(drops).toHaveLength(1);
      expect(drops[0]!.level).toBe('warn');
      for (const socket of idle) socket.destroy();
      await waitFor('a scrape to be served again', async () => {
        const response = await send(server.url).catch(() => undefined);
        return response?.status === 200 ? true : undefined;
      });
    } finally {
      for (const socket of idle) socket.destroy();
    }
  });

  it('rejects with MetricsServerStartError when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      let error: unknown;
      try {
        started.push(await startMetricsServer({ port, registry: registryWithCounter() }));
      } catch (caught) {
        error = caught;
      }
      expect(MetricsServerStartError.isInstance(error)).toBe(true);
      expect((error as MetricsServerStartError).port).toBe(port);
      expect((error as Error).message).toMatch(/already in use/);
      expect(((error as Error).cause as { code?: string }).code).toBe('EADDRINUSE');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it.each([
    [{ port: -1 }, 'port'],
    [{ port: 70000 }, 'port'],
    [{ port: 1.5 }, 'port'],
    [{ port: '9464' }, 'port'],
    [{ path: 'metrics' }, 'path'],
    [{ path: '/metrics?x' }, 'path'],
    [{ host: '' }, 'host'],
    [{ closeTimeoutMs: -1 }, 'closeTimeoutMs'],
    [{ closeTimeoutMs: Number.NaN }, 'closeTimeoutMs'],
    [{ closeTimeoutMs: '2000' }, 'closeTimeoutMs'],
    [{ registry: 'default' }, 'registry'],
    [{ headersTimeoutMs: 0 }, 'headersTimeoutMs'],
    [{ headersTimeoutMs: '5000' }, 'headersTimeoutMs'],
    [{ requestTimeoutMs: -1 }, 'requestTimeoutMs'],
    [{ requestTimeoutMs: 2000, headersTimeoutMs: 3000 }, 'headersTimeoutMs'],
    [{ keepAliveTimeoutMs: 0 }, 'keepAliveTimeoutMs'],
    [{ keepAliveTimeoutMs: 1.5 }, 'keepAliveTimeoutMs'],
    [{ maxConnections: 0 }, 'maxConnections'],
    [{ maxConnections: 2.5 }, 'maxConnections'],
    [{ maxConnections: Number.NaN }, 'maxConnections'],
  ])('throws InvalidOptionError for %j', async (options, option) => {
    let error: unknown;
    try {
      started.push(await startMetricsServer(options as never));
    } catch (caught) {
      error = caught;
    }
    expect(InvalidOptionError.isInstance(error)).toBe(true);
    expect((error as InvalidOptionError).option).toBe(option);
  });

  it('names a non-finite option value as it is in the error (JSON would print null)', async () => {
    await expect(startMetricsServer({ maxConnections: Number.NaN })).rejects.toThrow(/; got NaN\./);
    await expect(startMetricsServer({ keepAliveTimeoutMs: Number.POSITIVE_INFINITY })).rejects.toThrow(
      /; got Infinity\./,
    );
  });
});
