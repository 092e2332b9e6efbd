import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Counter, Gauge, Histogram, InvalidOptionError, MetricRegistry } from '@servermetrics/core';
import {
  createRecordingLogger,
  startTcpLineServer,
  startUdpListener,
  type UdpListener,
  waitFor,
} from '@servermetrics/testing';
import { StatsD } from 'hot-shots';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { StatsdExporterMetrics } from './self-metrics/statsd-exporter-metrics.js';
import { StatsdExporter } from './statsd-exporter.js';
import type { StatsdExporterOptions } from './statsd-exporter-options.js';

let listener: UdpListener;
const exporters: StatsdExporter[] = [];

beforeAll(async () => {
  listener = await startUdpListener();
});

afterEach(async () => {
  await Promise.all(exporters.splice(0).map((exporter) => exporter.stop()));
  listener.clear();
});

afterAll(async () => {
  await listener.close();
});

/** An exporter aimed at the test's UDP listener, without keep-alive unless asked, stopped after the test. */
function exporterFor(registry: MetricRegistry, options: StatsdExporterOptions = {}): StatsdExporter {
  const exporter = new StatsdExporter({
    port: listener.port,
    registries: [registry],
    sendOlderThanMs: 0,
    logger: createRecordingLogger(),
    ...options,
  });
  exporters.push(exporter);
  return exporter;
}

/** Flushes and returns the lines of every packet the flush sent (failing on a failed packet). */
function flushAndReceive(exporter: StatsdExporter): Promise<string[]> {
  return listener.linesOf(() => exporter.flush());
}

function sampleRegistry(): {
  registry: MetricRegistry;
  requests: Counter<{ method: 'string'; code: 'int' }>;
  jobs: Counter;
  temperature: Gauge;
  latency: Histogram<{ route: 'string' }>;
} {
  const registry = new MetricRegistry();
  const requests = registry.register(
    'http_requests_total',
    new Counter({ help: 'Requests', labels: { method: 'string', code: 'int' } }),
  );
  const jobs = registry.register('jobs_total', new Counter({ help: 'Jobs' }));
  const temperature = registry.register('temperature_celsius', new Gauge({ help: 'Temperature' }));
  const latency = registry.register(
    'latency_seconds',
    new Histogram({ help: 'Latency', labels: { route: 'string' }, buckets: [0.1, 0.5] }),
  );
  return { registry, requests, jobs, temperature, latency };
}

describe('line format on the wire', () => {
  const expected = {
    datadog: [
      'app.http_requests_total:3|c|#code:200,method:GET,region:eu',
      'app.http_requests_total:1|c|#code:500,method:POST,region:eu',
      'app.jobs_total:0|c|#region:eu',
      // histogramsAs: 'distribution' by default: one value per classic bucket (its midpoint).
      'app.latency_seconds:0.05|d|#route:/users/:id,region:eu',
      'app.latency_seconds:0.3|d|#route:/users/:id,region:eu',
      'app.latency_seconds:0.5|d|#route:/users/:id,region:eu',
      'app.temperature_celsius:-2.5|g|#region:eu',
    ],
    statsd: [
      'app.http_requests_total;code=200;method=GET;region=eu:3|c',
      'app.http_requests_total;code=500;method=POST;region=eu:1|c',
      'app.jobs_total;region=eu:0|c',
      'app.latency_seconds.count;route=_users__id;region=eu:3|c',
      'app.latency_seconds.sum;route=_users__id;region=eu:1.25|c',
      'app.latency_seconds.bucket;route=_users__id;le=0.1;region=eu:1|c',
      'app.latency_seconds.bucket;route=_users__id;le=0.5;region=eu:2|c',
      'app.temperature_celsius;region=eu:0|g',
      'app.temperature_celsius;region=eu:-2.5|g',
    ],
    telegraf: [
      'app.http_requests_total,code=200,method=GET,region=eu:3|c',
      'app.http_requests_total,code=500,method=POST,region=eu:1|c',
      'app.jobs_total,region=eu:0|c',
      'app.latency_seconds.count,route=/users/_id,region=eu:3|c',
      'app.latency_seconds.sum,route=/users/_id,region=eu:1.25|c',
      'app.latency_seconds.bucket,route=/users/_id,le=0.1,region=eu:1|c',
      'app.latency_seconds.bucket,route=/users/_id,le=0.5,region=eu:2|c',
      'app.temperature_celsius,region=eu:0|g',
      'app.temperature_celsius,region=eu:-2.5|g',
    ],
  } as const;

  test.each(Object.entries(expected))(
    '%s: the first flush sends every series, byte for byte',
    async (dialect, lines) => {
      const { registry, requests, temperature, latency } = sampleRegistry();
      // Label keys in reverse order: tags still come out sorted by label name.
      requests.inc({ code: 200, method: 'GET' }, 3);
      requests.inc({ method: 'POST', code: 500 });
      temperature.set(-2.5);
      for (const value of [0.05, 0.2, 1]) latency.observe({ route: '/users/:id' }, value);
      const exporter = exporterFor(registry, {
        dialect: dialect as keyof typeof expected,
        prefix: 'app',
        globalTags: { region: 'eu' },
      });
      expect(await flushAndReceive(exporter)).toEqual(lines);
    },
  );

  test('a negative gauge and its zero always share a packet', async () => {
    const registry = new MetricRegistry();
    for (let index = 0; index < 30; index++)
      registry.register(`gauge_${index}`, new Gauge({ help: 'g', initial: -index - 1 }));
    const exporter = exporterFor(registry, { dialect: 'statsd', maxPacketBytes: 64 });
    await flushAndReceive(exporter);
    for (const packet of listener.packets) {
      const lines = packet.split('\n');
      for (let index = 0; index < lines.length; index += 2) {
        expect(lines[index]).toMatch(/:0\|g$/);
        expect(lines[index + 1]).toBe(
          lines[index]!.replace(':0|g', `:${lines[index + 1]!.split(':')[1]!.split('|')[0]}|g`),
        );
      }
    }
  });

  test('a global tag named like a label is left out for that metric; empty label values omit the tag', async () => {
    const registry = new MetricRegistry();
    const counter = registry.register(
      'calls_total',
      new Counter({ help: 'c', labels: { region: 'string', zone: 'string' } }),
    );
    counter.inc({ region: 'us', zone: '' });
    const exporter = exporterFor(registry, { globalTags: { region: 'eu', team: 'core', empty: '' } });
    expect(await flushAndReceive(exporter)).toEqual(['calls_total:1|c|#region:us,team:core']);
  });
});

describe('text over TCP, which hot-shots writes as ASCII', () => {
  // hot-shots 17 writes TCP packets with the 'ascii' encoding, which keeps the low byte of each
  // character: U+010A `Ċ` would become `\n`, U+017C `ż` `|` and U+0123 `ģ` `#`.
  const hostile = 'a\u010Ainjected:1|c\u017Cx\u0123y';
  const site = 'z\u00FCrich\u{1F44D}';
  const expected = {
    datadog: 'notes_total:1|c|#note:a_injected:1_c_x_y,site:z_rich_',
    statsd: 'notes_total;note=a_injected_1_c_x_y;site=z_rich_:1|c',
    telegraf: 'notes_total,note=a_injected_1_c_x_y,site=z_rich_:1|c',
  } as const;

  function hostileRegistry(): MetricRegistry {
    const registry = new MetricRegistry();
    registry
      .register('notes_total', new Counter({ help: 'n', labels: { note: 'string' } }))
      .inc({ note: hostile });
    return registry;
  }

  test.each(Object.entries(expected))(
    '%s: non-ASCII becomes _, byte for byte, with our TCP client and with a TCP client passed in',
    async (dialect, line) => {
      const server = await startTcpLineServer();
      const client = new StatsD({
        host: '127.0.0.1',
        port: server.port,
        protocol: 'tcp',
        maxBufferSize: 0,
        datadog: false,
        includeDataDogTags: false,
        includeDatadogTelemetry: false,
        errorHandler: () => {},
      });
      const options = {
        registries: [hostileRegistry()],
        dialect: dialect as keyof typeof expected,
        globalTags: { site },
        sendOlderThanMs: 0,
        logger: createRecordingLogger(),
      };
      const own = new StatsdExporter({ ...options, port: server.port, protocol: 'tcp' });
      const passedIn = new StatsdExporter({ ...options, client });
      try {
        expect((await own.flush()).packetsSent).toBe(1);
        expect((await passedIn.flush()).packetsSent).toBe(1);
        await waitFor('two TCP lines', () => server.lines().length >= 2, {
          describeState: () => server.lines(),
        });
        expect(server.bytes()).toEqual(Buffer.from(`${line}\n${line}\n`));
        expect(server.lines()).toEqual([line, line]);
      } finally {
        await own.stop();
        await passedIn.stop();
        await new Promise<void>((resolve) => client.close(() => resolve()));
        await server.close();
      }
    },
  );

  test('over UDP the same tags keep their UTF-8 text (only the separators are replaced)', async () => {
    const exporter = exporterFor(hostileRegistry(), { globalTags: { site } });
    expect(await flushAndReceive(exporter)).toEqual([
      `notes_total:1|c|#note:a\u010Ainjected:1_c\u017Cx\u0123y,site:${site}`,
    ]);
  });
});

describe('change detection and counter deltas', () => {
  test('sends the delta since the last flush, and nothing for series that did not change', async () => {
    const { registry, requests, jobs, temperature } = sampleRegistry();
    requests.inc({ method: 'GET', code: 200 }, 2);
    const exporter = exporterFor(registry);
    expect(await flushAndReceive(exporter)).toEqual([
      'http_requests_total:2|c|#code:200,method:GET',
      'jobs_total:0|c',
      'temperature_celsius:0|g',
    ]);
    expect((await exporter.flush()).linesSent).toBe(0);

    requests.inc({ method: 'GET', code: 200 }, 5);
    jobs.inc(0.5);
    jobs.inc(0.25);
    expect(await flushAndReceive(exporter)).toEqual([
      'http_requests_total:5|c|#code:200,method:GET',
      'jobs_total:0.75|c',
    ]);

    // An update that leaves the value unchanged still counts as a change (updateCount moved).
    temperature.set(0);
    expect(await flushAndReceive(exporter)).toEqual(['temperature_celsius:0|g']);
  });

  test('two exporters over one registry each send the full increments', async () => {
    const { registry, jobs } = sampleRegistry();
    const first = exporterFor(registry, { dialect: 'statsd', prefix: 'first' });
    const second = exporterFor(registry, { dialect: 'statsd', prefix: 'second' });
    jobs.inc(4);
    await flushAndReceive(first);
    jobs.inc(1);
    await flushAndReceive(first);
    await flushAndReceive(second);
    const sum = (prefix: string): number =>
      listener
        .lines()
        .filter((line) => line.startsWith(`${prefix}.jobs_total:`))
        .reduce((total, line) => total + Number(line.split(':')[1]!.split('|')[0]), 0);
    expect(sum('first')).toBe(5);
    expect(sum('second')).toBe(5);
  });

  test('a reset counter sends its new value; a removed and re-created series starts from its new value', async () => {
    const { registry, requests, jobs } = sampleRegistry();
    jobs.inc(10);
    requests.inc({ method: 'GET', code: 200 }, 10);
    const exporter = exporterFor(registry);
    await flushAndReceive(exporter);
    jobs.reset();
    jobs.inc(3);
    requests.remove({ method: 'GET', code: 200 });
    requests.inc({ method: 'GET', code: 200 }, 4);
    expect(await flushAndReceive(exporter)).toEqual([
      'http_requests_total:4|c|#code:200,method:GET',
      'jobs_total:3|c',
    ]);
  });

  test("histogramsAs: 'distribution' (the datadog default) sends one |d line per bucket that grew, with a sample rate for its count", async () => {
    const { registry, latency } = sampleRegistry();
    latency.observe({ route: 'a' }, 0.0625);
    const exporter = exporterFor(registry, { prefix: 'app' });
    expect(await flushAndReceive(exporter)).toContain('app.latency_seconds:0.05|d|#route:a');
    latency.observe({ route: 'a' }, 0.25);
    latency.observe({ route: 'a' }, 0.3);
    latency.observe({ route: 'a' }, 0.4);
    latency.observe({ route: 'a' }, 2);
    // Buckets 0.1 and 0.5: (0.1, 0.5] is sent as its midpoint 0.3 three times, +Inf as the last bound.
    expect(await flushAndReceive(exporter)).toEqual([
      'app.latency_seconds:0.3|d|@0.3333333333333333|#route:a',
      'app.latency_seconds:0.5|d|#route:a',
    ]);
    expect(await flushAndReceive(exporter)).toEqual([]);
  });

  test('histograms send count, sum and cumulative bucket deltas', async () => {
    const { registry, latency } = sampleRegistry();
    latency.observe({ route: 'a' }, 0.0625);
    const exporter = exporterFor(registry, { prefix: 'app', histogramsAs: 'buckets' });
    await flushAndReceive(exporter);
    latency.observe({ route: 'a' }, 0.25);
    latency.observe({ route: 'a' }, 2);
    expect(await flushAndReceive(exporter)).toEqual([
      'app.latency_seconds.count:2|c|#route:a',
      'app.latency_seconds.sum:2.25|c|#route:a',
      'app.latency_seconds.bucket:0|c|#route:a,le:0.1',
      'app.latency_seconds.bucket:1|c|#route:a,le:0.5',
    ]);
  });

  test('keep-alive re-sends idle series once their last send is sendOlderThanMs old', async () => {
    const { registry, jobs } = sampleRegistry();
    let now = 1_000_000;
    const exporter = exporterFor(registry, { sendOlderThanMs: 30_000, now: () => now });
    jobs.inc(2);
    expect(await flushAndReceive(exporter)).toEqual(['jobs_total:2|c', 'temperature_celsius:0|g']);
    now += 29_999;
    expect((await exporter.flush()).linesSent).toBe(0);
    now += 1;
    expect(await flushAndReceive(exporter)).toEqual(['jobs_total:0|c', 'temperature_celsius:0|g']);
    now += 10_000;
    jobs.inc();
    expect(await flushAndReceive(exporter)).toEqual(['jobs_total:1|c']);
    now += 20_000;
    // The gauge was last sent 30 s ago, the counter 20 s ago.
    expect(await flushAndReceive(exporter)).toEqual(['temperature_celsius:0|g']);
  });

  test('a metric in two registries is sent once; collect hooks run before reading', async () => {
    const first = new MetricRegistry();
    const second = new MetricRegistry();
    let hookRuns = 0;
    const queue = new Gauge({
      help: 'q',
      collect: (gauge) => {
        hookRuns++;
        gauge.set(hookRuns * 10);
      },
    });
    first.register('queue_depth', queue);
    second.register('queue_depth', queue);
    const exporter = exporterFor(first, { registries: [first, second] });
    expect(await flushAndReceive(exporter)).toEqual(['queue_depth:20|g']);
  });

  test("a collect hook that never settles does not stall flushes (the registry's collectTimeoutMs)", async () => {
    const registry = new MetricRegistry({ collectTimeoutMs: 50, logger: createRecordingLogger() });
    let hookRuns = 0;
    registry.register(
      'stuck_depth',
      new Gauge({
        help: 's',
        collect: () => {
          hookRuns++;
          return new Promise<void>(() => {}); // never settles
        },
      }),
    );
    const jobs = registry.register('jobs_total', new Counter({ help: 'j' }));
    const exporter = exporterFor(registry, { dialect: 'statsd' });
    /** Fails the test, instead of hanging it, when a flush does not finish within 10 s. */
    const flushed = async (): Promise<string[]> => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        return await Promise.race([
          flushAndReceive(exporter),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error('the flush waited for the stuck collect hook')),
              10_000,
            );
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    };
    jobs.inc(2);
    expect(await flushed()).toEqual(['jobs_total:2|c', 'stuck_depth:0|g']);
    jobs.inc(3);
    expect(await flushed()).toEqual(['jobs_total:3|c']);
    // The hook still running from the first flush is not started again.
    expect(hookRuns).toBe(1);
  });

  test('overlapping flushes never send a delta twice', async () => {
    const { registry, jobs } = sampleRegistry();
    const exporter = exporterFor(registry, { dialect: 'statsd' });
    const results = [];
    for (let round = 0; round < 20; round++) {
      jobs.inc(round);
      results.push(exporter.flush());
    }
    const sent = await Promise.all(results);
    const packets = sent.reduce((total, result) => total + result.packetsSent, 0);
    await listener.waitForPackets(packets);
    const total = listener
      .lines()
      .filter((line) => line.startsWith('jobs_total:'))
      .reduce((sum, line) => sum + Number(line.slice('jobs_total:'.length, -2)), 0);
    expect(total).toBe(jobs.value());
  });
});

describe('values that cannot be sent', () => {
  test('non-finite values are skipped, logged once per interval per metric, and counted', async () => {
    const registry = new MetricRegistry();
    const gauge = registry.register('ratio', new Gauge({ help: 'r' }));
    const ok = registry.register('ok', new Gauge({ help: 'o', initial: 1 }));
    gauge.set(Number.POSITIVE_INFINITY);
    const logger = createRecordingLogger();
    let now = 0;
    const exporter = exporterFor(registry, { logger, now: () => now, name: 'test' });
    const first = await exporter.flush();
    expect(first.linesDropped).toBe(1);
    expect(first.linesSent).toBe(1);
    await listener.waitForPackets(1);
    expect(listener.lines()).toEqual(['ok:1|g']);
    ok.set(2);
    expect(await flushAndReceive(exporter)).toEqual(['ok:2|g']);
    expect(logger.matching('skipped the value Infinity of "ratio"')).toHaveLength(1);
    now += 60_000;
    await exporter.flush();
    expect(logger.matching('skipped the value Infinity of "ratio"')).toHaveLength(2);
    expect(
      exporter.selfMetrics.statsd_exporter_dropped_lines_total.value({
        exporter: 'test',
        reason: 'non_finite',
      }),
    ).toBe(3);
    gauge.set(0.5);
    expect(await flushAndReceive(exporter)).toEqual(['ratio:0.5|g']);
  });

  test('packets never exceed maxPacketBytes; a line longer than that is dropped and logged', async () => {
    const registry = new MetricRegistry();
    const counter = registry.register(
      'requests_total',
      new Counter({ help: 'c', labels: { path: 'string' }, maxCells: 500 }),
    );
    for (let index = 0; index < 200; index++) counter.inc({ path: `/p/${index}` }, index + 1);
    counter.inc({ path: 'x'.repeat(200) });
    const logger = createRecordingLogger();
    const exporter = exporterFor(registry, { maxPacketBytes: 200, logger });
    const result = await exporter.flush();
    await listener.waitForPackets(result.packetsSent);
    expect(result.linesDropped).toBe(1);
    expect(result.linesSent).toBe(200);
    expect(result.packetsSent).toBe(listener.packets.length);
    expect(result.bytesSent).toBe(
      listener.packets.reduce((total, packet) => total + Buffer.byteLength(packet), 0),
    );
    for (const packet of listener.packets) expect(Buffer.byteLength(packet)).toBeLessThanOrEqual(200);
    expect(listener.packets.length).toBeGreaterThan(10);
    const lines = listener.lines();
    expect(lines).toHaveLength(200);
    for (const line of lines) expect(line).toMatch(/^requests_total:\d+\|c\|#path:\/p\/\d+$/);
    expect(logger.matching('longer than maxPacketBytes (200)')).toHaveLength(1);
  });
});

describe('self-metrics', () => {
  test('two exporters share one StatsdExporterMetrics registered in a registry, told apart by name', async () => {
    const selfMetrics = new StatsdExporterMetrics();
    const { registry, jobs } = sampleRegistry();
    const observed = new MetricRegistry();
    observed.registerCollection(selfMetrics);
    const first = exporterFor(registry, { name: 'first', selfMetrics });
    const second = exporterFor(registry, { name: 'second', selfMetrics, maxPacketBytes: 64 });
    registry.register('long_metric_name_to_fill_a_packet', new Gauge({ help: 'g' }));
    jobs.inc();
    const firstResult = await first.flush();
    const secondResult = await second.flush();
    await first.flush();
    expect(firstResult.packetsSent).toBe(1);
    expect(secondResult.packetsSent).toBe(2);
    expect(selfMetrics.statsd_exporter_flushes_total.value({ exporter: 'first' })).toBe(2);
    expect(selfMetrics.statsd_exporter_flushes_total.value({ exporter: 'second' })).toBe(1);
    expect(selfMetrics.statsd_exporter_packets_sent_total.value({ exporter: 'second' })).toBe(2);
    expect(selfMetrics.statsd_exporter_lines_sent_total.value({ exporter: 'first' })).toBe(
      firstResult.linesSent,
    );
    expect(selfMetrics.statsd_exporter_bytes_sent_total.value({ exporter: 'first' })).toBe(
      firstResult.bytesSent,
    );
    expect(selfMetrics.statsd_exporter_flush_duration_seconds.value({ exporter: 'first' })?.count).toBe(2);
    const names = observed.collect().map((family) => family.name);
    expect(names).toContain('statsd_exporter_packets_sent_total');
  });

  test('each exporter has its own metrics by default, so several can start in one process', async () => {
    const { registry } = sampleRegistry();
    const first = exporterFor(registry);
    const second = exporterFor(registry);
    first.start();
    second.start();
    expect(first.selfMetrics).not.toBe(second.selfMetrics);
    await first.flush();
    expect(
      first.selfMetrics.statsd_exporter_flushes_total.value({ exporter: `127.0.0.1:${listener.port}` }),
    ).toBe(1);
    expect(
      second.selfMetrics.statsd_exporter_flushes_total.value({ exporter: `127.0.0.1:${listener.port}` }),
    ).toBe(0);
  });
});

describe('options', () => {
  test.each([
    [{ port: 0 }, 'port'],
    [{ port: 70_000 }, 'port'],
    [{ port: 81.5 }, 'port'],
    [{ host: '' }, 'host'],
    [{ protocol: 'unixstream' }, 'protocol'],
    [{ protocol: 'uds', path: '' }, 'path'],
    [{ dialect: 'graphite' }, 'dialect'],
    [{ intervalMs: 0 }, 'intervalMs'],
    [{ intervalMs: Number.POSITIVE_INFINITY }, 'intervalMs'],
    [{ sendOlderThanMs: -1 }, 'sendOlderThanMs'],
    [{ maxPacketBytes: 10 }, 'maxPacketBytes'],
    [{ maxPacketBytes: 70_000 }, 'maxPacketBytes'],
    [{ registries: [{}] }, 'registries'],
    [{ registries: 'default' }, 'registries'],
    [{ globalTags: { region: { nested: true } } }, 'globalTags'],
    [{ globalTags: ['a:b'] }, 'globalTags'],
    [{ prefix: 3 }, 'prefix'],
    [{ logger: {} }, 'logger'],
    [{ client: { send: () => {} } }, 'client'],
    [{ selfMetrics: {} }, 'selfMetrics'],
    [{ name: '' }, 'name'],
    [{ now: 5 }, 'now'],
    [{ stopTimeoutMs: -5 }, 'stopTimeoutMs'],
    [{ sendTimeoutMs: 'soon' }, 'sendTimeoutMs'],
  ])('%j is rejected with InvalidOptionError naming %s', (options, option) => {
    let thrown: unknown;
    try {
      new StatsdExporter(options as unknown as StatsdExporterOptions);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidOptionError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidOptionError).option).toBe(option);
    expect((thrown as Error).message).toContain(option);
    expect((thrown as Error).message).toMatch(/ must /);
  });

  test('hostile values (a throwing getter, a Proxy trap, a symbol) are invalid options, not crashes', () => {
    const trap = (): never => {
      throw new Error('trap');
    };
    const revoked = (): object => {
      const revocable = Proxy.revocable({}, {});
      revocable.revoke();
      return revocable.proxy;
    };
    const cases: [string, () => unknown][] = [
      [
        'logger',
        () => ({
          logger: {
            get warn(): never {
              return trap();
            },
            error: () => {},
          },
        }),
      ],
      ['logger', () => ({ logger: new Proxy({}, { get: trap }) })],
      ['globalTags', () => ({ globalTags: new Proxy({}, { ownKeys: trap }) })],
      [
        'globalTags',
        () => ({
          globalTags: {
            get region(): never {
              return trap();
            },
          },
        }),
      ],
      ['client', () => ({ client: new Proxy({}, { get: trap }) })],
      ['selfMetrics', () => ({ selfMetrics: new Proxy({}, { get: trap }) })],
      ['port', () => ({ port: Symbol('port') })],
      ['dialect', () => ({ dialect: Object.create(null) })],
      // The options object itself: a throwing getter, a Proxy.
      [
        'intervalMs',
        () => ({
          get intervalMs(): never {
            return trap();
          },
        }),
      ],
      ['protocol', () => new Proxy({}, { get: trap })],
      ['logger', () => ({ logger: revoked() })],
      ['registries', () => ({ registries: new Proxy({}, { get: trap }) })],
      ['registries', () => ({ registries: revoked() })],
      ['globalTags', () => ({ globalTags: new Proxy({ region: 'eu' }, { has: trap, ownKeys: trap }) })],
      ['datadogEnvironmentTags', () => ({ datadogEnvironmentTags: 'true' })],
      ['datadogAgentEnvironment', () => ({ datadogAgentEnvironment: 1 })],
      ['port', () => ({ port: null })],
      ['sendOlderThanMs', () => ({ sendOlderThanMs: Number.NaN })],
      ['histogramsAs', () => ({ histogramsAs: 'distribution', dialect: 'statsd' })],
      ['histogramsAs', () => ({ histogramsAs: 'sketch' })],
      // Options of another transport: a mistake, not silently ignored.
      ['host', () => ({ protocol: 'uds', host: '127.0.0.1' })],
      ['port', () => ({ path: '/tmp/dsd.socket', port: 8125 })],
      ['path', () => ({ protocol: 'udp', path: '/tmp/dsd.socket' })],
      ['selfMetrics', () => ({ selfMetrics: null })],
      [
        'client',
        () => ({
          client: new Proxy(new StatsD({ mock: true }), {
            get: (target, key) => (key === 'protocol' ? trap() : Reflect.get(target, key)),
          }),
        }),
      ],
    ];
    for (const [option, options] of cases) {
      let thrown: unknown;
      try {
        new StatsdExporter(options() as StatsdExporterOptions);
      } catch (error) {
        thrown = error;
      }
      expect(InvalidOptionError.isInstance(thrown), `${option}: ${String(thrown)}`).toBe(true);
      expect((thrown as InvalidOptionError).option).toBe(option);
    }
  });

  test('the prefix is sanitised and gets exactly one dot', async () => {
    const registry = new MetricRegistry();
    registry.register('up', new Gauge({ help: 'u', initial: 1 }));
    const dotted = exporterFor(registry, { prefix: 'my app.' });
    expect(await flushAndReceive(dotted)).toEqual(['my_app.up:1|g']);
  });

  test('constructing opens no socket and starts no timer', () => {
    const before = process.getActiveResourcesInfo().length;
    exporterFor(new MetricRegistry());
    expect(process.getActiveResourcesInfo().length).toBe(before);
  });
});

describe('lifecycle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('start twice runs one timer; each tick flushes once; stop ends the ticks', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { registry, jobs } = sampleRegistry();
    const exporter = exporterFor(registry, { intervalMs: 1000, name: 'timer' });
    const flushes = (): number | undefined =>
      exporter.selfMetrics.statsd_exporter_flushes_total.value({ exporter: 'timer' });
    exporter.start();
    exporter.start();
    expect(exporter.running).toBe(true);
    expect(vi.getTimerCount()).toBe(1);
    jobs.inc(7);
    vi.advanceTimersByTime(1000);
    await listener.waitForPackets(1);
    expect(flushes()).toBe(1);
    expect(listener.lines()).toContain('jobs_total:7|c');
    await exporter.stop();
    expect(exporter.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    // The final flush of stop() found nothing new to send.
    expect(flushes()).toBe(2);
    vi.advanceTimersByTime(5000);
    expect(flushes()).toBe(2);
  });

  test('stop before start, and stop twice, are harmless; stop flushes once more when running', async () => {
    const { registry, jobs } = sampleRegistry();
    const exporter = exporterFor(registry, { name: 'stops' });
    await exporter.stop();
    await exporter.stop();
    expect(exporter.selfMetrics.statsd_exporter_flushes_total.value({ exporter: 'stops' })).toBe(0);
    exporter.start();
    jobs.inc(3);
    await Promise.all([exporter.stop(), exporter.stop()]);
    await listener.waitForPackets(1);
    expect(listener.lines()).toContain('jobs_total:3|c');
    expect(exporter.selfMetrics.statsd_exporter_flushes_total.value({ exporter: 'stops' })).toBe(1);
    await exporter.stop();
    // flush() after stop() opens a new client and works.
    jobs.inc();
    expect(await flushAndReceive(exporter)).toEqual(['jobs_total:1|c']);
    // start() after stop() runs again.
    exporter.start();
    expect(exporter.running).toBe(true);
  });

  test('stop() without start() flushes what a manual flush() left: new increments, and deltas whose send failed', async () => {
    const { registry, jobs } = sampleRegistry();
    const exporter = exporterFor(registry, { name: 'manual', dialect: 'statsd' });
    jobs.inc(2);
    await flushAndReceive(exporter);
    jobs.inc(3);
    const before = listener.packets.length;
    await exporter.stop();
    await listener.waitForPackets(before + 1);
    expect(listener.lines().slice(-1)).toEqual(['jobs_total:3|c']);
    expect(exporter.selfMetrics.statsd_exporter_flushes_total.value({ exporter: 'manual' })).toBe(2);
    // Stopped, nothing pending: stopping again flushes nothing.
    await exporter.stop();
    expect(exporter.selfMetrics.statsd_exporter_flushes_total.value({ exporter: 'manual' })).toBe(2);

    // A flush whose send failed (DNS) leaves its delta pending; stop() tries once more.
    const unreachable = exporterFor(registry, { name: 'failing', host: 'nonexistent.invalid' });
    jobs.inc(1);
    expect((await unreachable.flush()).packetsFailed).toBe(1);
    await unreachable.stop();
    expect(unreachable.selfMetrics.statsd_exporter_flushes_total.value({ exporter: 'failing' })).toBe(2);
  });

  test('stop() during a manual flush on a stopped exporter waits for it, then flushes once more', async () => {
    const { registry, jobs } = sampleRegistry();
    const exporter = exporterFor(registry, { name: 'midflush' });
    jobs.inc(2);
    let finished = false;
    const flushing = exporter.flush().then((result) => {
      finished = true;
      return result;
    });
    await exporter.stop();
    expect(finished).toBe(true);
    expect((await flushing).linesSent).toBeGreaterThan(0);
    expect(exporter.selfMetrics.statsd_exporter_flushes_total.value({ exporter: 'midflush' })).toBe(2);
  });

  test('a clock that throws fails that flush only: it resolves with the error, and later flushes run', async () => {
    const { registry, jobs } = sampleRegistry();
    let broken = true;
    const exporter = exporterFor(registry, {
      now: () => {
        if (broken) throw new Error('clock broke');
        return Date.now();
      },
    });
    jobs.inc();
    const failed = await exporter.flush();
    expect(failed.errors.map((error) => error.message)).toEqual(['clock broke']);
    broken = false;
    expect(await flushAndReceive(exporter)).toContain('jobs_total:1|c');
  });

  test('a client whose close fails is logged as a warning, once per minute', async () => {
    const close = vi.spyOn(StatsD.prototype, 'close').mockImplementation(function (
      this: StatsD,
      callback?: (error?: Error) => void,
    ) {
      callback?.(new Error('close broke'));
    });
    const { registry, jobs } = sampleRegistry();
    const logger = createRecordingLogger();
    const exporter = exporterFor(registry, { logger });
    jobs.inc();
    await flushAndReceive(exporter);
    jobs.inc();
    await flushAndReceive(exporter);
    await waitFor(
      'the close warning',
      () => logger.matching('closing the client failed: close broke').length > 0,
    );
    close.mockRestore();
    expect(logger.matching('closing the client failed: close broke')).toHaveLength(1);
    expect(logger.warnings.filter((message) => message.includes('closing the client failed'))).toHaveLength(
      1,
    );
  });

  test('stop() on an exporter that never flushed does nothing: no flush, no socket, no timer', async () => {
    const { registry, jobs } = sampleRegistry();
    jobs.inc(5);
    const exporter = exporterFor(registry, { name: 'idle' });
    const before = process.getActiveResourcesInfo().length;
    await exporter.stop();
    expect(process.getActiveResourcesInfo().length).toBe(before);
    expect(exporter.selfMetrics.statsd_exporter_flushes_total.value({ exporter: 'idle' })).toBe(0);
  });
});

describe('Datadog environment variables', () => {
  /** Builds the same registry state every time. */
  function fixedRegistry(): MetricRegistry {
    const registry = new MetricRegistry();
    registry
      .register('orders_total', new Counter({ help: 'o', labels: { shop: 'string' } }))
      .inc({ shop: 'north' }, 2);
    registry.register('stock_level', new Gauge({ help: 's' })).set(-4);
    return registry;
  }

  /** Runs one exporter through a flush and stop(), and returns the lines the listener got, in order. */
  async function linesOfOneRun(target: UdpListener, options: StatsdExporterOptions): Promise<string[]> {
    target.clear();
    const exporter = new StatsdExporter({
      port: target.port,
      registries: [fixedRegistry()],
      logger: createRecordingLogger(),
      ...options,
    });
    exporter.start();
    await exporter.stop(); // final flush, then close (where hot-shots would flush its telemetry)
    // A sentinel sent after stop() arrives after anything the exporter's client sent before it.
    await sendSentinel(target);
    return target.lines().filter((line) => line !== 'sentinel');
  }

  async function sendSentinel(target: UdpListener): Promise<void> {
    const { createSocket } = await import('node:dgram');
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.send('sentinel', target.port, '127.0.0.1', () => resolve()));
    socket.close();
    await waitFor('the sentinel packet', () => target.packets.includes('sentinel'));
  }

  test.each(['datadog', 'statsd', 'telegraf'] as const)(
    '%s: DD_* variables change nothing the exporter sends, nor where',
    async (dialect) => {
      const elsewhere = await startUdpListener();
      const baseline = await linesOfOneRun(listener, { dialect, globalTags: { team: 'core' } });
      const variables: Record<string, string> = {
        DD_ENV: 'prod',
        DD_SERVICE: 'shop',
        DD_VERSION: '1.2.3',
        DD_ENTITY_ID: 'entity-42',
        DD_TAGS: 'owner:ops,tier:gold',
        DD_AGENT_HOST: '127.0.0.1',
        DD_DOGSTATSD_PORT: String(elsewhere.port),
        DD_DOGSTATSD_URL: `udp://127.0.0.1:${elsewhere.port}`,
        DD_EXTERNAL_ENV: 'it-false,cn-app',
        DD_CARDINALITY: 'high',
      };
      for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
      try {
        const withEnvironment = await linesOfOneRun(listener, { dialect, globalTags: { team: 'core' } });
        expect(withEnvironment).toEqual(baseline);
        await sendSentinel(elsewhere);
        expect(elsewhere.packets).toEqual(['sentinel']);
      } finally {
        vi.unstubAllEnvs();
        await elsewhere.close();
      }
      expect(baseline).toEqual(
        dialect === 'datadog'
          ? ['orders_total:2|c|#shop:north,team:core', 'stock_level:-4|g|#team:core']
          : dialect === 'statsd'
            ? [
                'orders_total;shop=north;team=core:2|c',
                'stock_level;team=core:0|g',
                'stock_level;team=core:-4|g',
              ]
            : [
                'orders_total,shop=north,team=core:2|c',
                'stock_level,team=core:0|g',
                'stock_level,team=core:-4|g',
              ],
      );
    },
  );

  test('datadogEnvironmentTags: true adds env, service and version from DD_ENV, DD_SERVICE and DD_VERSION', async () => {
    vi.stubEnv('DD_ENV', 'prod');
    vi.stubEnv('DD_SERVICE', 'shop');
    vi.stubEnv('DD_VERSION', undefined);
    try {
      const lines = await linesOfOneRun(listener, {
        datadogEnvironmentTags: true,
        globalTags: { service: 'checkout' },
      });
      // An explicit global tag wins over the variable; an unset variable adds nothing.
      expect(lines).toEqual([
        'orders_total:2|c|#shop:north,service:checkout,env:prod',
        'stock_level:-4|g|#service:checkout,env:prod',
      ]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('memory', () => {
  test('the state of an evicted series is garbage-collected with it', async () => {
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const registry = new MetricRegistry();
    const counter = registry.register(
      'visits_total',
      new Counter({ help: 'v', labels: { visitor: 'string' }, maxCells: 2 }),
    );
    counter.inc({ visitor: 'first' });
    const exporter = exporterFor(registry);
    await exporter.flush();
    const reference = new WeakRef(registry.collect()[0]!.series[0]!);
    counter.inc({ visitor: 'second' });
    counter.inc({ visitor: 'third' }); // evicts "first"
    await exporter.flush();
    expect(counter.value({ visitor: 'first' })).toBeUndefined();
    await waitFor('the evicted series to be garbage-collected', async () => {
      collectGarbage();
      await new Promise((resolve) => setImmediate(resolve));
      return reference.deref() === undefined;
    });
    // A series that comes back is new to the exporter: its whole value is the delta.
    counter.inc({ visitor: 'first' }, 3);
    const before = listener.packets.length;
    const result = await exporter.flush();
    await listener.waitForPackets(before + result.packetsSent);
    expect(listener.lines()).toContain('visits_total:3|c|#visitor:first');
  });
});
