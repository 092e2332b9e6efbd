import { Counter, Histogram, MetricRegistry } from '@servermetrics/core';
import {
  createRecordingLogger,
  distributionTotals,
  startUnixDatagramListener,
  type UnixDatagramListener,
} from '@servermetrics/testing';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { StatsdExporter } from './statsd-exporter.js';
import type { StatsdExporterOptions } from './statsd-exporter-options.js';

// The Datadog Agent's Unix domain socket, received by an independent Python receiver; the
// exporter sends through hot-shots' `uds` transport and its native `unix-dgram` module.

const cleanups: (() => Promise<unknown> | unknown)[] = [];

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function agentSocket(path?: string): Promise<UnixDatagramListener> {
  const listener = await startUnixDatagramListener(path);
  cleanups.push(() => listener.close());
  return listener;
}

function exporter(options: StatsdExporterOptions): StatsdExporter {
  const created = new StatsdExporter({ sendOlderThanMs: 0, logger: createRecordingLogger(), ...options });
  cleanups.push(() => created.stop());
  return created;
}

describe("protocol 'uds'", () => {
  test('sends whole packets of up to 8192 bytes by default, UTF-8 tags intact, exact totals', async () => {
    const agent = await agentSocket();
    const registry = new MetricRegistry();
    const hits = registry.register('hits_total', new Counter({ help: 'h', labels: { page: 'string' } }));
    for (let page = 0; page < 150; page++) hits.inc({ page: `päge-${page}` }, page + 1);
    const statsd = exporter({ protocol: 'uds', path: agent.path, registries: [registry] });
    const result = await statsd.flush();
    expect(result).toMatchObject({ packetsFailed: 0, linesSent: 150 });
    await agent.waitForPackets(result.packetsSent);
    expect(result.packetsSent).toBeLessThan(5);
    expect(Math.max(...agent.packets.map((packet) => Buffer.byteLength(packet)))).toBeGreaterThan(1432);
    expect(Math.max(...agent.packets.map((packet) => Buffer.byteLength(packet)))).toBeLessThanOrEqual(8192);
    expect(agent.lines()).toContain('hits_total:150|c|#page:päge-149');
    const total = agent.lines().reduce((sum, line) => sum + Number(line.split(':')[1]!.split('|')[0]), 0);
    expect(total).toBe((150 * 151) / 2);
  });

  test('path alone means the Unix socket', async () => {
    const agent = await agentSocket();
    const registry = new MetricRegistry();
    registry.register('hits_total', new Counter({ help: 'h' })).inc(5);
    const statsd = exporter({ path: agent.path, registries: [registry] });
    expect((await statsd.flush()).packetsSent).toBe(1);
    await agent.waitForPackets(1);
    expect(agent.lines()).toEqual(['hits_total:5|c']);
  });

  test('distributions over the socket decode to the exact count', async () => {
    const agent = await agentSocket();
    const registry = new MetricRegistry();
    const latency = registry.register('latency_seconds', new Histogram({ help: 'l', native: true }));
    for (let index = 1; index <= 5000; index++) latency.observe(index / 1000);
    const statsd = exporter({ protocol: 'uds', path: agent.path, registries: [registry] });
    const result = await statsd.flush();
    await agent.waitForPackets(result.packetsSent);
    expect(distributionTotals(agent.lines(), 'latency_seconds').count).toBe(5000);
  });

  test('Agent down and back: failed sends keep their deltas, the totals are exact', async () => {
    const agent = await agentSocket();
    const path = agent.path;
    const registry = new MetricRegistry();
    const hits = registry.register('hits_total', new Counter({ help: 'h' }));
    const logger = createRecordingLogger();
    const statsd = exporter({ protocol: 'uds', path, registries: [registry], logger, name: 'agent' });
    hits.inc(2);
    expect((await statsd.flush()).packetsSent).toBe(1);
    await agent.waitForPackets(1);
    await agent.close();
    hits.inc(3);
    const down = await statsd.flush();
    expect(down).toMatchObject({ packetsSent: 0, packetsFailed: 1, linesFailed: 1 });
    hits.inc(4);
    expect((await statsd.flush()).packetsFailed).toBe(1);
    expect(logger.matching('their counter deltas are kept')).toHaveLength(1);
    // unix-dgram's bare errno is named: the socket file is missing.
    expect(logger.matching('connect -2 (ENOENT)')).toHaveLength(1);
    const back = await agentSocket(path);
    hits.inc(5);
    expect((await statsd.flush()).packetsSent).toBe(1);
    await back.waitForPackets(1);
    expect(agent.lines()).toEqual(['hits_total:2|c']);
    expect(back.lines()).toEqual(['hits_total:12|c']);
    expect(statsd.selfMetrics.statsd_exporter_send_errors_total.value({ exporter: 'agent' })).toBe(2);
  });

  test.each([
    ['DD_DOGSTATSD_URL', (path: string) => `unix://${path}`],
    ['DD_DOGSTATSD_URL', (path: string) => `unixgram://${path}`],
    ['DD_DOGSTATSD_SOCKET', (path: string) => path],
  ])('datadogAgentEnvironment: %s = %s', async (variable, value) => {
    const agent = await agentSocket();
    for (const name of ['DD_DOGSTATSD_URL', 'DD_DOGSTATSD_SOCKET', 'DD_AGENT_HOST', 'DD_DOGSTATSD_PORT']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv(variable, value(agent.path));
    vi.stubEnv('DD_AGENT_HOST', 'nonexistent.invalid');
    const registry = new MetricRegistry();
    registry.register('hits_total', new Counter({ help: 'h' })).inc(7);
    const statsd = exporter({ registries: [registry], datadogAgentEnvironment: true });
    expect((await statsd.flush()).packetsSent).toBe(1);
    await agent.waitForPackets(1);
    expect(agent.lines()).toEqual(['hits_total:7|c']);
    expect(statsd.selfMetrics.statsd_exporter_flushes_total.value({ exporter: `unix://${agent.path}` })).toBe(
      1,
    );
  });
});
