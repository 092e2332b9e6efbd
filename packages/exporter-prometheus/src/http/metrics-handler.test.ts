import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import {
  Counter,
  defaultRegistry,
  Gauge,
  Histogram,
  InvalidOptionError,
  MetricRegistry,
} from '@servermetrics/core';
import {
  checkOpenMetrics,
  PROMETHEUS_2_ACCEPT,
  PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT,
  PROMETHEUS_3_ACCEPT,
  PROMETHEUS_3_TEXT_ONLY_ACCEPT,
  parseExposition,
  promtoolCheckMetrics,
  runningApps,
  send,
} from '@servermetrics/testing';
import { describe, expect, it } from 'vitest';
import { basicAuthAuthorizer } from '../auth/basic-auth-authorizer.js';
import { bearerTokenAuthorizer } from '../auth/bearer-token-authorizer.js';
import {
  OPENMETRICS_CONTENT_TYPE,
  PROTOBUF_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
} from '../exposition/exposition-format.js';
import { renderMetrics } from '../exposition/render-metrics.js';
import { metricsHandler } from './metrics-handler.js';
import {
  createMetricsResponder,
  type MetricsHandlerOptions,
  prepareMetricsResponse,
} from './metrics-responder.js';

const apps = runningApps();

/** Serves `metricsHandler(options)` on a loopback port until the test ends; returns its URL. */
async function serve(options: MetricsHandlerOptions): Promise<string> {
  return `${await apps.serve(createServer(metricsHandler(options)))}/metrics`;
}

interface Recorded {
  registry: MetricRegistry;
  log: string[];
}

function sampleRegistry(): Recorded {
  const log: string[] = [];
  const registry = new MetricRegistry({
    logger: {
      warn: (message) => log.push(`warn: ${message}`),
      error: (message) => log.push(`error: ${message}`),
    },
    strict: true,
  });
  registry
    .register('demo_requests_total', new Counter({ help: 'Requests.', labels: { code: 'int' } }))
    .inc({ code: 200 }, 5);
  registry
    .register('demo_temperature_celsius', new Gauge({ help: 'Temperature.', unit: 'celsius' }))
    .set(21.5);
  const latency = registry.register(
    'demo_latency_seconds',
    new Histogram({ help: 'Latency.', unit: 'seconds' }),
  );
  for (let index = 0; index < 200; index++) latency.observe(index / 100);
  return { registry, log };
}

describe('metricsHandler over HTTP', () => {
  it('serves the text format by default, with the right headers', async () => {
    const { registry } = sampleRegistry();
    const url = await serve({ registry });
    for (const accept of [undefined, '*/*', 'text/plain', 'text/html']) {
      const response = await send(url, { headers: accept === undefined ? {} : { accept } });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe(TEXT_CONTENT_TYPE);
      expect(response.headers.vary).toBe('Accept, Accept-Encoding');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers['content-length']).toBe(String(response.raw.length));
      expect(response.body).toBe(renderMetrics(registry, { format: 'text' }));
    }
  });

  it('serves OpenMetrics when the client asks for it (Prometheus does by default)', async () => {
    const { registry } = sampleRegistry();
    const url = await serve({ registry });
    for (const accept of [PROMETHEUS_2_ACCEPT, 'application/openmetrics-text']) {
      const response = await send(url, { headers: { accept } });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
      const body = response.body;
      expect(body).toBe(renderMetrics(registry, { format: 'openmetrics' }));
      expect(body.endsWith('# EOF\n')).toBe(true);
      expect(await checkOpenMetrics(body)).toEqual({ ok: true, error: '' });
    }
  });

  it('serves protobuf to Prometheus 2.42 with native histograms, gzipped, and OpenMetrics with protobuf: false', async () => {
    const { registry } = sampleRegistry();
    const expected = renderMetrics(registry, { format: 'protobuf' });
    const url = await serve({ registry });
    const plain = await send(url, { headers: { accept: PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT } });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe(PROTOBUF_CONTENT_TYPE);
    expect(plain.raw.equals(expected)).toBe(true);
    const zipped = await send(url, {
      headers: { accept: PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT, 'accept-encoding': 'gzip' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.raw).equals(expected)).toBe(true);
    const head = await send(url, {
      method: 'HEAD',
      headers: { accept: PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT },
    });
    expect(head.headers['content-type']).toBe(PROTOBUF_CONTENT_TYPE);
    expect(head.raw.length).toBe(0);
    const off = await send(await serve({ registry, protobuf: false }), {
      headers: { accept: PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT },
    });
    expect(off.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
  });

  it.each([
    ['Prometheus 2.42', PROMETHEUS_2_ACCEPT, 'openmetrics'],
    ['Prometheus 3', PROMETHEUS_3_ACCEPT, 'openmetrics'],
    ['Prometheus 3 with text-only scrape_protocols', PROMETHEUS_3_TEXT_ONLY_ACCEPT, 'text'],
    [
      'a client listing OpenMetrics first at equal weight',
      'application/openmetrics-text, text/plain',
      'openmetrics',
    ],
    ['a client listing text first at equal weight', 'text/plain, application/openmetrics-text', 'text'],
  ] as const)('answers the Accept header of %s with %s', async (_client, accept, format) => {
    const { registry } = sampleRegistry();
    const url = await serve({ registry });
    const response = await send(url, { headers: { accept } });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(
      format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE,
    );
    expect(response.body).toBe(renderMetrics(registry, { format }));
    if (format === 'openmetrics')
      expect(await checkOpenMetrics(response.body)).toEqual({ ok: true, error: '' });
  });

  it('serves text to everyone with openMetrics: false', async () => {
    const { registry } = sampleRegistry();
    const url = await serve({ registry, openMetrics: false });
    const response = await send(url, { headers: { accept: PROMETHEUS_2_ACCEPT } });
    expect(response.headers['content-type']).toBe(TEXT_CONTENT_TYPE);
    expect(response.body).toBe(renderMetrics(registry));
  });

  it('gzips when the client accepts it, and the body decompresses to the exposition', async () => {
    const { registry } = sampleRegistry();
    const url = await serve({ registry });
    const response = await send(url, {
      headers: { accept: PROMETHEUS_2_ACCEPT, 'accept-encoding': 'gzip' },
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['content-length']).toBe(String(response.raw.length));
    const plain = renderMetrics(registry, { format: 'openmetrics' });
    expect(gunzipSync(response.raw).toString('utf8')).toBe(plain);
    expect(await checkOpenMetrics(gunzipSync(response.raw).toString('utf8'))).toEqual({
      ok: true,
      error: '',
    });
    expect(response.raw.length).toBeLessThan(Buffer.byteLength(plain));
  });

  it('does not gzip with gzip: false, and then varies on Accept only', async () => {
    const { registry } = sampleRegistry();
    const url = await serve({ registry, gzip: false });
    const response = await send(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toBe('Accept');
    expect(response.body).toBe(renderMetrics(registry));
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const { registry } = sampleRegistry();
    const url = await serve({ registry });
    const headers = { accept: PROMETHEUS_2_ACCEPT, 'accept-encoding': 'gzip' };
    const get = await send(url, { headers });
    const head = await send(url, { method: 'HEAD', headers });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ['content-type', 'content-length', 'content-encoding', 'vary', 'cache-control']) {
      expect(head.headers[name]).toBe(get.headers[name]);
    }
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])(
    'answers %s with 405 and Allow: GET, HEAD',
    async (method) => {
      const { registry } = sampleRegistry();
      const url = await serve({ registry });
      const response = await send(url, { method });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD');
      expect(response.body).toBe('Method Not Allowed\n');
    },
  );

  describe('authorization', () => {
    it('bearer token: 401 with a challenge without or with a wrong token, 200 with the right one', async () => {
      const { registry } = sampleRegistry();
      const url = await serve({ registry, authorize: bearerTokenAuthorizer('let-me-in') });
      for (const authorization of [undefined, 'Bearer nope']) {
        const denied = await send(url, {
          headers: authorization === undefined ? {} : { authorization },
        });
        expect(denied.status).toBe(401);
        expect(denied.headers['www-authenticate']).toBe('Bearer realm="metrics"');
        expect(denied.body).toBe('Unauthorized\n');
        expect(denied.body).not.toContain('demo_');
      }
      const allowed = await send(url, { headers: { authorization: 'Bearer let-me-in' } });
      expect(allowed.status).toBe(200);
      expect(allowed.body).toBe(renderMetrics(registry));
    });

    it('basic auth: 401 with a challenge, then 200', async () => {
      const { registry } = sampleRegistry();
      const url = await serve({
        registry,
        authorize: basicAuthAuthorizer({ username: 'scraper', password: 'hunter2' }),
      });
      const denied = await send(url, {
        headers: { authorization: `Basic ${Buffer.from('scraper:wrong').toString('base64')}` },
      });
      expect(denied.status).toBe(401);
      expect(denied.headers['www-authenticate']).toBe('Basic realm="metrics", charset="UTF-8"');
      const allowed = await send(url, {
        headers: { authorization: `Basic ${Buffer.from('scraper:hunter2').toString('base64')}` },
      });
      expect(allowed.status).toBe(200);
    });

    it('custom authorizers: a number is the status, false is 401 without a challenge, async true serves', async () => {
      const { registry } = sampleRegistry();
      const verdicts: Record<string, boolean | number> = {
        forbidden: 403,
        hidden: 404,
        no: false,
        yes: true,
        weird: 200,
      };
      const url = await serve({
        registry,
        authorize: async (request) => verdicts[String(request.headers['x-client'])] ?? false,
      });
      const statusFor = async (client: string): Promise<[number, unknown]> => {
        const response = await send(url, { headers: { 'x-client': client } });
        return [response.status, response.headers['www-authenticate']];
      };
      expect(await statusFor('forbidden')).toEqual([403, undefined]);
      expect(await statusFor('hidden')).toEqual([404, undefined]);
      expect(await statusFor('no')).toEqual([401, undefined]);
      expect(await statusFor('weird')).toEqual([401, undefined]);
      expect(await statusFor('yes')).toEqual([200, undefined]);
    });

    it('an authorizer that throws gives 500 and is logged', async () => {
      const { registry, log } = sampleRegistry();
      const url = await serve({
        registry,
        authorize: () => {
          throw new Error('auth backend down');
        },
      });
      const response = await send(url);
      expect(response.status).toBe(500);
      expect(response.body).not.toContain('demo_');
      expect(log.join('\n')).toContain('auth backend down');
    });
  });

  it('runs collect hooks first; a failing hook is logged, its metric keeps its previous value, the rest is served with 200', async () => {
    const { registry, log } = sampleRegistry();
    let runs = 0;
    registry.register(
      'demo_queue_depth',
      new Gauge({
        help: 'Queue depth, read at scrape time.',
        collect: async (gauge) => {
          runs++;
          gauge.set(runs * 10);
        },
      }),
    );
    const broken = registry.register(
      'demo_broken',
      new Gauge({
        help: 'Collector that fails.',
        collect: () => {
          throw new Error('collector exploded');
        },
      }),
    );
    broken.set(7);
    const url = await serve({ registry });
    const first = await send(url);
    const second = await send(url);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const families = parseExposition(second.body, 'text');
    expect(families.find((family) => family.name === 'demo_queue_depth')!.samples[0]!.value).toBe(20);
    expect(families.find((family) => family.name === 'demo_broken')!.samples[0]!.value).toBe(7);
    expect(families.find((family) => family.name === 'demo_temperature_celsius')!.samples[0]!.value).toBe(
      21.5,
    );
    expect(log.filter((line) => line.includes('collector exploded'))).toHaveLength(1);
  });

  it('a collect hook that never settles does not stall the scrape (collectTimeoutMs): 200 with the other metrics', async () => {
    const log: string[] = [];
    const registry = new MetricRegistry({
      collectTimeoutMs: 50,
      logger: {
        warn: (message) => log.push(`warn: ${message}`),
        error: (message) => log.push(`error: ${message}`),
      },
    });
    registry.register('demo_requests_total', new Counter({ help: 'Requests.' })).inc(5);
    let calls = 0;
    const stuck = registry.register(
      'demo_stuck',
      new Gauge({
        help: 'Collector that never settles.',
        collect: () => {
          calls++;
          return new Promise<void>(() => {});
        },
      }),
    );
    stuck.set(3);
    const url = await serve({ registry });
    // The second scrape finds the hook still running: it is not started again and not waited for.
    for (const _scrape of [1, 2]) {
      const response = await send(url);
      expect(response.status).toBe(200);
      const families = parseExposition(response.body, 'text');
      expect(families.find((family) => family.name === 'demo_requests_total')!.samples[0]!.value).toBe(5);
      expect(families.find((family) => family.name === 'demo_stuck')!.samples[0]!.value).toBe(3);
    }
    expect(calls).toBe(1);
    expect(log.filter((line) => line.includes('demo_stuck'))).toHaveLength(1);
    expect(log.join('\n')).toMatch(/did not settle within 50 ms/);
  });

  it('answers 500 with a short text body when rendering throws, and logs the error', async () => {
    const { registry, log } = sampleRegistry();
    registry.collect = () => {
      throw new Error('render boom');
    };
    const url = await serve({ registry });
    const response = await send(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body).toBe('Rendering metrics failed; see the server log\n');
    expect(log.join('\n')).toContain('render boom');
  });

  it('serves several registries together', async () => {
    const first = sampleRegistry().registry;
    const second = new MetricRegistry();
    second.register('other_things_total', new Counter({ help: 'Other.' })).inc(2);
    const url = await serve({ registry: [first, second] });
    const body = (await send(url)).body;
    expect(body).toBe(renderMetrics([first, second]));
    expect(body).toContain('other_things_total 2\n');
  });

  it('serves the default registry when no registry is given', async () => {
    const name = `handler_test_default_${process.pid}_total`;
    defaultRegistry.register(name, new Counter({ help: 'In the default registry.' })).inc(4);
    try {
      const url = await serve({});
      expect((await send(url)).body).toContain(`\n${name} 4\n`);
    } finally {
      defaultRegistry.unregister(name);
    }
  });

  it('concurrent scrapes while metrics change always return well-formed bodies', async () => {
    const { registry } = sampleRegistry();
    const counter = registry.register(
      'churn_total',
      new Counter({ help: 'Churn.', labels: { key: 'string' }, maxCells: 50 }),
    );
    const gauge = registry.register(
      'churn_level',
      new Gauge({
        help: 'Updated by its own async collector.',
        labels: { key: 'string' },
        collect: async (metric) => {
          await new Promise((resolve) => setImmediate(resolve));
          metric.set({ key: `k${Math.floor(Math.random() * 100)}` }, Math.random());
        },
      }),
    );
    let stop = false;
    let updates = 0;
    const churn = (async (): Promise<void> => {
      while (!stop) {
        for (let index = 0; index < 100; index++) {
          counter.inc({ key: `"quoted"\n${updates % 200}\\` });
          gauge.inc({ key: `g${updates % 70}` });
          updates++;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const url = await serve({ registry });
    const formats = ['text', 'openmetrics'] as const;
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        send(url, {
          headers: {
            accept: formats[index % 2] === 'openmetrics' ? PROMETHEUS_2_ACCEPT : 'text/plain',
            ...(index % 3 === 0 ? { 'accept-encoding': 'gzip' } : {}),
          },
        }).then((response) => ({ format: formats[index % 2]!, response })),
      ),
    );
    stop = true;
    await churn;
    expect(updates).toBeGreaterThan(0);
    const textBodies: string[] = [];
    const openMetricsBodies: string[] = [];
    for (const { format, response } of responses) {
      expect(response.status).toBe(200);
      const raw = response.headers['content-encoding'] === 'gzip' ? gunzipSync(response.raw) : response.raw;
      const body = raw.toString('utf8');
      const families = parseExposition(body, format);
      const churnFamily = families.find(
        (family) => family.name === (format === 'text' ? 'churn_total' : 'churn'),
      )!;
      expect(churnFamily.samples.length).toBeLessThanOrEqual(50);
      (format === 'text' ? textBodies : openMetricsBodies).push(body);
    }
    const check = await promtoolCheckMetrics(textBodies[textBodies.length - 1]!);
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
    expect(await checkOpenMetrics(openMetricsBodies[openMetricsBodies.length - 1]!)).toEqual({
      ok: true,
      error: '',
    });
  }, 60_000);

  it('throws InvalidOptionError at creation for invalid options', () => {
    const attempts: [MetricsHandlerOptions, string][] = [
      [{ registry: {} as never }, 'registry'],
      [{ registry: [] }, 'registry'],
      [{ authorize: 'token' as never }, 'authorize'],
      [{ gzip: 'yes' as never }, 'gzip'],
      [{ openMetrics: 1 as never }, 'openMetrics'],
    ];
    for (const [options, option] of attempts) {
      let error: unknown;
      try {
        metricsHandler(options);
      } catch (caught) {
        error = caught;
      }
      expect(InvalidOptionError.isInstance(error)).toBe(true);
      expect((error as InvalidOptionError).option).toBe(option);
    }
  });
});

describe('createMetricsResponder / prepareMetricsResponse (for framework adapters)', () => {
  it('answers a plain request object without touching a response', async () => {
    const { registry } = sampleRegistry();
    const respond = createMetricsResponder({ registry });
    const result = await respond({ method: 'GET', headers: { accept: PROMETHEUS_2_ACCEPT } });
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(result.headers['content-length']).toBe(String(result.body.length));
    expect(result.body.toString('utf8')).toBe(renderMetrics(registry, { format: 'openmetrics' }));
    expect(await checkOpenMetrics(result.body.toString('utf8'))).toEqual({ ok: true, error: '' });
  });

  it('keeps the body for HEAD so frameworks can derive Content-Length', async () => {
    const { registry } = sampleRegistry();
    const result = await prepareMetricsResponse({ method: 'head', headers: {} }, { registry });
    expect(result.status).toBe(200);
    expect(result.body.toString('utf8')).toBe(renderMetrics(registry));
  });

  it('treats a missing method as GET and a list header as its joined value', async () => {
    const { registry } = sampleRegistry();
    const result = await prepareMetricsResponse(
      { headers: { accept: ['text/plain;q=0.1', 'application/openmetrics-text'] } },
      { registry },
    );
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
  });

  it('throws synchronously on invalid options', () => {
    expect(() => prepareMetricsResponse({ headers: {} }, { gzip: 'no' as never })).toThrow(
      /gzip must be true or false/,
    );
  });

  it('names a non-finite timeout as it is in the error (JSON would print null)', () => {
    expect(() => createMetricsResponder({ refreshTimeoutMs: Number.POSITIVE_INFINITY })).toThrow(
      /refreshTimeoutMs must be a positive number of milliseconds \(at most 2147483647\), got Infinity\./,
    );
    expect(() => createMetricsResponder({ authorizeTimeoutMs: Number.NaN })).toThrow(/, got NaN\./);
  });
});
