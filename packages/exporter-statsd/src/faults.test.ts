import dns from 'node:dns';
import { Writable } from 'node:stream';
import { Counter, Gauge, Histogram, MetricRegistry } from '@servermetrics/core';
import {
  createRecordingLogger,
  distributionTotals,
  freeTcpPort,
  freeUdpPort,
  startTcpLineServer,
  startUdpListener,
  type TcpLineServer,
  type UdpListener,
  waitFor,
} from '@servermetrics/testing';
import { StatsD } from 'hot-shots';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { StatsdExporter } from './statsd-exporter.js';
import type { FlushResult, StatsdExporterOptions } from './statsd-exporter-options.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track<T extends { stop(): Promise<void> } | { close(): Promise<void> }>(resource: T): T {
  cleanups.push(() => ('stop' in resource ? resource.stop() : resource.close()));
  return resource;
}

function exporter(options: StatsdExporterOptions): StatsdExporter {
  return track(new StatsdExporter({ sendOlderThanMs: 0, logger: createRecordingLogger(), ...options }));
}

/** Sum of the values of `name`'s counter lines (plain `name:value|c` lines without tags). */
function counterTotal(lines: readonly string[], name: string): number {
  return lines
    .filter((line) => line.startsWith(`${name}:`) && line.endsWith('|c'))
    .reduce((total, line) => total + Number(line.slice(name.length + 1, -2)), 0);
}

/** The callback of `dns.lookup`. */
type LookupCallback = (error: Error | null, address?: string, family?: number) => void;

/**
 * A hot-shots client aimed at `listener` through the host name `statsd.servermetrics.test`, which
 * resolves while `resolves()` is true and fails with ENOTFOUND otherwise (dgram also looks up
 * the address it binds to: those are answered as is). A real DNS path through hot-shots and
 * dgram, under the test's control.
 */
function clientWithControlledDns(listener: UdpListener, resolves: () => boolean): StatsD {
  const client = new StatsD({
    host: 'statsd.servermetrics.test',
    port: listener.port,
    maxBufferSize: 0,
    datadog: false,
    includeDataDogTags: false,
    includeDatadogTelemetry: false,
    errorHandler: () => {},
    udpSocketOptions: {
      type: 'udp4',
      lookup: ((hostname: string, _options: unknown, callback: LookupCallback) => {
        if (hostname !== 'statsd.servermetrics.test') callback(null, hostname, 4);
        else if (resolves()) callback(null, '127.0.0.1', 4);
        else
          callback(
            Object.assign(new Error('getaddrinfo ENOTFOUND statsd.servermetrics.test'), {
              code: 'ENOTFOUND',
            }),
          );
      }) as never,
    },
  });
  cleanups.push(() => new Promise<void>((resolve) => client.close(() => resolve())));
  return client;
}

describe('backend down', () => {
  test('UDP with nothing listening: flushes resolve, the exporter keeps going, and after the listener comes back the deltas add up', async () => {
    const port = await freeUdpPort();
    const registry = new MetricRegistry();
    const hits = registry.register('hits_total', new Counter({ help: 'h' }));
    const statsd = exporter({ port, registries: [registry], dialect: 'statsd' });
    statsd.start();

    // Unconnected UDP rarely hears about a closed port; if the kernel reports ECONNREFUSED on a
    // later send, that packet counts as failed and its delta is kept. Either way: no throw.
    let sinceLastSent = 0;
    for (let round = 1; round <= 5; round++) {
      hits.inc(round);
      sinceLastSent += round;
      const result = await statsd.flush();
      expect(result.packetsSent + result.packetsFailed).toBe(1);
      if (result.packetsSent === 1) sinceLastSent = 0;
    }
    const listener = track(await startUdpListener(port));
    hits.inc(100);
    expect((await statsd.flush()).packetsSent).toBe(1);
    await listener.waitForPackets(1);
    // What was reported as sent while nobody listened is lost (UDP); the deltas of the packets
    // reported as failed arrive now, with the new increment, in one line.
    expect(listener.lines()).toEqual([`hits_total:${sinceLastSent + 100}|c`]);
    // Nothing is sent twice afterwards: the next flush carries only the next increment.
    hits.inc(7);
    expect((await statsd.flush()).packetsSent).toBe(1);
    await listener.waitForPackets(2);
    expect(listener.lines()).toEqual([`hits_total:${sinceLastSent + 100}|c`, 'hits_total:7|c']);
    expect(statsd.running).toBe(true);
  });

  test('a listener that goes away and comes back: nothing is sent twice, and what arrives after recovery is only the new increments', async () => {
    const listener = await startUdpListener();
    const port = listener.port;
    const registry = new MetricRegistry();
    const hits = registry.register('hits_total', new Counter({ help: 'h', labels: { kind: 'string' } }));
    const statsd = exporter({ port, registries: [registry], dialect: 'statsd' });
    hits.inc({ kind: 'a' }, 2);
    await statsd.flush();
    await listener.waitForPackets(1);
    await listener.close();

    hits.inc({ kind: 'a' }, 3);
    const whileDown = await statsd.flush();
    const back = track(await startUdpListener(port));
    hits.inc({ kind: 'a' }, 4);
    await statsd.flush();
    await back.waitForPackets(1);
    const expected = whileDown.packetsFailed === 1 ? 7 : 4;
    expect(counterTotal(back.lines(), 'hits_total;kind=a')).toBe(expected);
    expect((await statsd.flush()).linesSent).toBe(0);
  });

  test('DNS failure: every packet fails with the resolver error, logged once per minute, and the exporter keeps running', async () => {
    const registry = new MetricRegistry();
    const hits = registry.register('hits_total', new Counter({ help: 'h' }));
    const logger = createRecordingLogger();
    const statsd = exporter({ host: 'nonexistent.invalid', registries: [registry], logger, name: 'dns' });
    statsd.start();
    const results: FlushResult[] = [];
    for (let round = 0; round < 3; round++) {
      hits.inc();
      results.push(await statsd.flush());
    }
    for (const result of results) {
      expect(result.packetsSent).toBe(0);
      expect(result.packetsFailed).toBe(1);
      expect(result.linesFailed).toBe(1);
      // The resolver's answer; a resolver that is unreachable rather than negative ends in the lookup timeout.
      expect(result.errors[0]?.message).toMatch(/ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL|took longer than/);
    }
    expect(logger.matching('packets failed')).toHaveLength(1);
    expect(logger.matching('their counter deltas are kept for the next flush')).toHaveLength(1);
    expect(statsd.selfMetrics.statsd_exporter_send_errors_total.value({ exporter: 'dns' })).toBe(3);
    expect(statsd.running).toBe(true);
    await statsd.stop();
  });

  test('failed sends keep their deltas: after a DNS outage the totals are exact, nothing lost, nothing counted twice', async () => {
    const listener = track(await startUdpListener());
    let dnsUp = true;
    const client = clientWithControlledDns(listener, () => dnsUp);
    const registry = new MetricRegistry();
    const hits = registry.register('hits_total', new Counter({ help: 'h' }));
    const depth = registry.register('queue_depth', new Gauge({ help: 'd' }));
    const statsd = exporter({ client, registries: [registry], dialect: 'statsd' });

    hits.inc(5);
    depth.set(1);
    expect((await statsd.flush()).packetsSent).toBe(1);
    dnsUp = false;
    hits.inc(3);
    depth.set(2);
    const down = await statsd.flush();
    expect(down.packetsFailed).toBe(1);
    expect(down.errors[0]?.message).toContain('ENOTFOUND');
    hits.inc(2);
    expect((await statsd.flush()).packetsFailed).toBe(1);
    dnsUp = true;
    hits.inc(1);
    expect((await statsd.flush()).packetsSent).toBe(1);
    expect((await statsd.flush()).linesSent).toBe(0);
    await listener.waitForPackets(2);
    expect(listener.lines()).toEqual([
      'hits_total:5|c',
      'queue_depth:1|g',
      'hits_total:6|c',
      'queue_depth:2|g',
    ]);
    // The client was passed in, so the exporter neither replaced nor closed it.
    await statsd.stop();
    dnsUp = true;
    hits.inc(1);
    await statsd.flush();
    await listener.waitForPackets(3);
  });

  test("distributions: failed sends keep core's native histogram bucket deltas; after the agent is back the decoded count is exact", async () => {
    const listener = track(await startUdpListener());
    let dnsUp = true;
    const client = clientWithControlledDns(listener, () => dnsUp);
    const registry = new MetricRegistry();
    const latency = registry.register('latency_seconds', new Histogram({ help: 'l', native: true }));
    const statsd = exporter({ client, registries: [registry], maxPacketBytes: 512 });
    let observed = 0;
    let observedSum = 0;
    const observe = (count: number, offset: number): void => {
      for (let index = 0; index < count; index++) {
        const value = 0.001 * 1.07 ** ((index * 7 + offset) % 90);
        latency.observe(value);
        observed++;
        observedSum += value;
      }
    };
    let sentPackets = 0;
    observe(400, 0);
    const first = await statsd.flush();
    expect(first.packetsFailed).toBe(0);
    sentPackets += first.packetsSent;

    dnsUp = false;
    observe(300, 3);
    const down = await statsd.flush();
    expect(down.packetsSent).toBe(0);
    expect(down.packetsFailed).toBeGreaterThan(0);
    expect(down.errors[0]?.message).toContain('ENOTFOUND');
    observe(200, 5);
    expect((await statsd.flush()).packetsSent).toBe(0);

    dnsUp = true;
    observe(100, 11);
    const back = await statsd.flush();
    expect(back.packetsFailed).toBe(0);
    sentPackets += back.packetsSent;
    // Everything was delivered: the next flush has nothing to send.
    expect((await statsd.flush()).linesSent).toBe(0);
    await listener.waitForPackets(sentPackets);
    expect(listener.packets).toHaveLength(sentPackets);
    const lines = listener.lines();
    expect(lines.every((line) => line.startsWith('latency_seconds:') && /\|d(\||$)/u.test(line))).toBe(true);
    const totals = distributionTotals(lines, 'latency_seconds');
    expect(totals.count).toBe(observed);
    expect(latency.value()!.count).toBe(observed);
    // Each value is sent as its bucket's midpoint: the sum is within half a schema-3 bucket (4.4%).
    expect(Math.abs(totals.sum / observedSum - 1)).toBeLessThan(0.045);
  });

  test('packets failing at random over many flushes: received totals equal the true totals for counters and histogram fields', async () => {
    const listener = track(await startUdpListener());
    let lookups = 0;
    let healthy = false;
    // Every third lookup fails while unhealthy, so a series' lines often succeed in one packet and fail in another.
    const client = clientWithControlledDns(listener, () => healthy || ++lookups % 3 !== 0);
    const registry = new MetricRegistry();
    const hits = registry.register('hits_total', new Counter({ help: 'h', labels: { route: 'string' } }));
    const latency = registry.register(
      'latency_seconds',
      new Histogram({ help: 'l', labels: { route: 'string' }, buckets: [0.5, 1, 2] }),
    );
    const statsd = exporter({ client, registries: [registry], dialect: 'statsd', maxPacketBytes: 128 });
    let failedPackets = 0;
    let sentPackets = 0;
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let round = 0; round < 30; round++) {
      for (const route of ['a', 'b', 'c']) {
        if (random() < 0.7) hits.inc({ route }, Math.floor(random() * 5) + 1);
        if (random() < 0.7) latency.observe({ route }, [0.25, 0.75, 1.5, 4][Math.floor(random() * 4)]!);
      }
      const result = await statsd.flush();
      failedPackets += result.packetsFailed;
      sentPackets += result.packetsSent;
    }
    healthy = true;
    for (let round = 0; round < 30; round++) {
      const result = await statsd.flush();
      sentPackets += result.packetsSent;
      if (result.linesSent === 0) break;
    }
    expect(failedPackets).toBeGreaterThan(5);
    await listener.waitForPackets(sentPackets);
    expect(listener.packets).toHaveLength(sentPackets);
    const lines = listener.lines();
    for (const route of ['a', 'b', 'c']) {
      expect(counterTotal(lines, `hits_total;route=${route}`)).toBe(hits.value({ route }));
      const histogram = latency.value({ route })!;
      expect(counterTotal(lines, `latency_seconds.count;route=${route}`)).toBe(histogram.count);
      expect(counterTotal(lines, `latency_seconds.sum;route=${route}`)).toBe(histogram.sum);
      for (const bucket of histogram.buckets.slice(0, -1)) {
        expect(counterTotal(lines, `latency_seconds.bucket;route=${route};le=${bucket.le}`)).toBe(
          bucket.count,
        );
      }
    }
  });

  test('TCP: the server goes away and comes back; after recovery the counter total is exact', async () => {
    let server: TcpLineServer = await startTcpLineServer();
    cleanups.push(() => server.close());
    const port = server.port;
    const registry = new MetricRegistry();
    const hits = registry.register('hits_total', new Counter({ help: 'h' }));
    const probe = registry.register('probe', new Gauge({ help: 'p' }));
    const statsd = exporter({
      port,
      protocol: 'tcp',
      registries: [registry],
      dialect: 'statsd',
      stopTimeoutMs: 500,
    });
    hits.inc(2);
    await statsd.flush();
    await waitFor('the first TCP lines', () => server.lines().includes('hits_total:2|c'));
    await server.close();

    // A write that races the server's close can vanish without an error (TCP); only the probe
    // gauge is sent until the exporter has seen a failure, so no counter delta can be lost that way.
    let probeValue = 0;
    await waitFor('a TCP send failure after the server went away', async () => {
      probe.set(++probeValue);
      return (await statsd.flush()).packetsFailed > 0;
    });
    hits.inc(3);
    expect((await statsd.flush()).packetsFailed).toBe(1);
    hits.inc(4);
    expect((await statsd.flush()).packetsFailed).toBe(1);

    server = await startTcpLineServer(port);
    await waitFor(
      'a TCP send after the server came back',
      async () => (await statsd.flush()).packetsSent > 0,
      {
        timeoutMs: 15_000,
      },
    );
    await waitFor('the pending TCP deltas', () => counterTotal(server.lines(), 'hits_total') >= 7, {
      describeState: () => server.lines(),
    });
    expect(counterTotal(server.lines(), 'hits_total')).toBe(7);
  });
});

describe('bounded waits', () => {
  test('stop() returns within stopTimeoutMs even when hot-shots never finishes closing (TCP connection refused)', async () => {
    const port = await freeTcpPort();
    const registry = new MetricRegistry();
    registry.register('hits_total', new Counter({ help: 'h' })).inc();
    const logger = createRecordingLogger();
    const statsd = new StatsdExporter({
      port,
      protocol: 'tcp',
      registries: [registry],
      logger,
      sendOlderThanMs: 0,
      stopTimeoutMs: 300,
    });
    expect((await statsd.flush()).packetsFailed).toBe(1);
    const started = performance.now();
    // The final flush resends the kept delta, refused again; neither refused client ever closes.
    await statsd.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(logger.matching('did not close within stopTimeoutMs (300 ms)')).toHaveLength(1);
  });

  test('a client that never answers: after sendTimeoutMs the packet counts as sent (at most once), never sent twice', async () => {
    const written: string[] = [];
    const pending: (() => void)[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk.toString());
        pending.push(() => callback()); // answered only when the test says so
      },
    });
    const client = new StatsD({
      protocol: 'stream',
      stream,
      datadog: false,
      includeDataDogTags: false,
      errorHandler: () => {},
    });
    const registry = new MetricRegistry();
    const hits = registry.register('hits_total', new Counter({ help: 'h' }));
    hits.inc(4);
    const logger = createRecordingLogger();
    const statsd = exporter({ client, registries: [registry], sendTimeoutMs: 200, logger });
    const result = await statsd.flush();
    expect(result).toMatchObject({ packetsSent: 1, packetsFailed: 0, packetsUnanswered: 1 });
    hits.inc(1);
    // The stream answers the first write late: the second write goes out, with the new delta only.
    pending.shift()!();
    const next = await statsd.flush();
    expect(next).toMatchObject({ linesSent: 1 });
    await waitFor('the second write', () => written.length === 2);
    expect(written).toEqual(['hits_total:4|c\n', 'hits_total:1|c\n']);
    expect(logger.matching('count as sent (at most once)')).toHaveLength(1);
  });
});

describe('host names', () => {
  /**
   * Answers `dns.lookup` of `statsd.servermetrics.test` with 127.0.0.1 (now, or when released
   * while holding), and lets every other name through to the real resolver.
   */
  function fakeResolver(): { names: string[]; hold(): void; release(): void } {
    const realLookup = dns.lookup;
    const names: string[] = [];
    const held: LookupCallback[] = [];
    let holding = false;
    vi.spyOn(dns, 'lookup').mockImplementation(((hostname: string, ...rest: unknown[]) => {
      if (hostname !== 'statsd.servermetrics.test')
        return (realLookup as (...a: unknown[]) => void)(hostname, ...rest);
      names.push(hostname);
      const callback = rest.at(-1) as LookupCallback;
      if (holding) held.push(callback);
      else callback(null, '127.0.0.1', 4);
    }) as never);
    return {
      names,
      hold: () => {
        holding = true;
      },
      release: () => {
        holding = false;
        for (const callback of held.splice(0)) callback(null, '127.0.0.1', 4);
      },
    };
  }

  test('a host name is looked up once per flush, not once per packet, even when the resolver is slow', async () => {
    const resolver = fakeResolver();
    const listener = track(await startUdpListener());
    const registry = new MetricRegistry();
    const hits = registry.register('hits_total', new Counter({ help: 'h', labels: { page: 'string' } }));
    const statsd = exporter({
      host: 'statsd.servermetrics.test',
      port: listener.port,
      registries: [registry],
      maxPacketBytes: 64,
    });
    let packets = 0;
    for (let round = 0; round < 3; round++) {
      for (let index = 0; index < 20; index++) hits.inc({ page: `page-${index}` });
      // The answer comes 20 ms later: a sender that looked up per packet would ask for each one meanwhile.
      resolver.hold();
      const flushing = statsd.flush();
      await new Promise((resolve) => setTimeout(resolve, 20));
      resolver.release();
      const result = await flushing;
      expect(result.packetsFailed).toBe(0);
      expect(result.packetsSent).toBeGreaterThan(5);
      packets += result.packetsSent;
    }
    await listener.waitForPackets(packets);
    expect(resolver.names).toEqual(Array(3).fill('statsd.servermetrics.test'));
  });

  test('a lookup slower than sendTimeoutMs fails the packets, whose deltas are kept', async () => {
    const resolver = fakeResolver();
    const listener = track(await startUdpListener());
    const registry = new MetricRegistry();
    const hits = registry.register('hits_total', new Counter({ help: 'h' }));
    const statsd = exporter({
      host: 'statsd.servermetrics.test',
      port: listener.port,
      registries: [registry],
      sendTimeoutMs: 100,
    });
    hits.inc(3);
    resolver.hold();
    const slow = await statsd.flush();
    expect(slow).toMatchObject({ packetsSent: 0, packetsFailed: 1 });
    expect(slow.errors[0]?.message).toMatch(/looking up statsd.servermetrics.test took longer than 100 ms/);
    resolver.release();
    hits.inc(4);
    expect((await statsd.flush()).packetsSent).toBe(1);
    await listener.waitForPackets(1);
    expect(listener.lines()).toEqual(['hits_total:7|c']);
  });
});
