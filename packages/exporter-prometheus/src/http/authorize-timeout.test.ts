import { createServer } from 'node:http';
import { Counter, InvalidOptionError, MetricRegistry } from '@servermetrics/core';
import { createRecordingLogger, type RecordingLogger, runningApps, send } from '@servermetrics/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Authorizer } from '../auth/authorizer.js';
import { metricsHandler } from './metrics-handler.js';
import { createMetricsResponder, type MetricsHandlerOptions } from './metrics-responder.js';

const apps = runningApps();

afterEach(() => {
  vi.useRealTimers();
});

function recordedRegistry(): { registry: MetricRegistry; logger: RecordingLogger } {
  const logger = createRecordingLogger();
  const registry = new MetricRegistry({ logger });
  registry.register('guarded_total', new Counter({ help: 'Guarded.' })).inc(2);
  return { registry, logger };
}

/** Serves `metricsHandler(options)` on a loopback port until the test ends; returns its URL. */
async function serve(options: MetricsHandlerOptions): Promise<string> {
  return `${await apps.serve(createServer(metricsHandler(options)))}/metrics`;
}

const neverSettles: Authorizer = () => new Promise<boolean>(() => {});

describe('an authorize hook is bounded by authorizeTimeoutMs', () => {
  it('answers 503 when the hook never settles, and logs it rate-limited', async () => {
    const { registry, logger } = recordedRegistry();
    const url = await serve({ registry, authorize: neverSettles, authorizeTimeoutMs: 100 });
    const started = performance.now();
    const first = await send(url);
    expect(first.status).toBe(503);
    expect(first.body).toBe('Authorization check timed out\n');
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body).not.toContain('guarded_total');
    expect(performance.now() - started).toBeLessThan(5000);
    expect((await send(url)).status).toBe(503);
    const logged = logger.messages.filter((entry) => entry.message.includes('authorize'));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe('error');
    expect(logged[0]!.message).toMatch(/did not settle within 100 ms.*503/);
  });

  it('waits the default 5000 ms', async () => {
    vi.useFakeTimers();
    const { registry } = recordedRegistry();
    const respond = createMetricsResponder({ registry, authorize: neverSettles });
    let status: number | undefined;
    void respond({ method: 'GET', headers: {} }).then((response) => {
      status = response.status;
    });
    await vi.advanceTimersByTimeAsync(4999);
    expect(status).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(status).toBe(503);
  });

  it('answers 500 and logs when the hook rejects, and serves once it resolves in time', async () => {
    const { registry, logger } = recordedRegistry();
    const rejecting = await serve({
      registry,
      authorize: () => Promise.reject(new Error('auth service down')),
      authorizeTimeoutMs: 1000,
    });
    const rejected = await send(rejecting);
    expect(rejected.status).toBe(500);
    expect(logger.messages.map((entry) => entry.message).join('\n')).toMatch(/auth service down/);
    const slowButInTime = await serve({
      registry,
      authorize: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 50)),
      authorizeTimeoutMs: 10_000,
    });
    const served = await send(slowButInTime);
    expect(served.status).toBe(200);
    expect(served.body).toContain('guarded_total 2');
  });

  it('leaves no unhandled rejection when a hook rejects after its timeout', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const { registry } = recordedRegistry();
      let rejectLater!: (error: Error) => void;
      const respond = createMetricsResponder({
        registry,
        authorize: () =>
          new Promise<boolean>((_resolve, reject) => {
            rejectLater = reject;
          }),
        authorizeTimeoutMs: 20,
      });
      expect((await respond({ method: 'GET', headers: {} })).status).toBe(503);
      rejectLater(new Error('too late'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5000', 2 ** 31])(
    'throws InvalidOptionError for authorizeTimeoutMs %j',
    (authorizeTimeoutMs) => {
      let error: unknown;
      try {
        createMetricsResponder({ authorizeTimeoutMs: authorizeTimeoutMs as number });
      } catch (caught) {
        error = caught;
      }
      expect(InvalidOptionError.isInstance(error)).toBe(true);
      expect((error as InvalidOptionError).option).toBe('authorizeTimeoutMs');
    },
  );
});
