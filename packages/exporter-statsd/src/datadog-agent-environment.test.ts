import { Counter, InvalidOptionError, MetricRegistry } from '@servermetrics/core';
import { createRecordingLogger, startUdpListener, type UdpListener } from '@servermetrics/testing';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { StatsdExporter } from './statsd-exporter.js';
import type { StatsdExporterOptions } from './statsd-exporter-options.js';

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  // vi.stubEnv changes are undone here: process.env is as it was before each test.
  vi.unstubAllEnvs();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listener(): Promise<UdpListener> {
  const started = await startUdpListener();
  cleanups.push(() => started.close());
  return started;
}

/** Every DD_* address variable unset, then `variables` set (restored after the test). */
function agentEnvironment(variables: Record<string, string>): void {
  for (const name of ['DD_DOGSTATSD_URL', 'DD_DOGSTATSD_SOCKET', 'DD_AGENT_HOST', 'DD_DOGSTATSD_PORT'])
    vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
}

/** An exporter of one counter, `hits_total`, incremented by `amount` and flushed once. */
async function flushOnce(options: StatsdExporterOptions, amount: number): Promise<void> {
  const registry = new MetricRegistry();
  registry.register('hits_total', new Counter({ help: 'h' })).inc(amount);
  const exporter = new StatsdExporter({
    registries: [registry],
    dialect: 'statsd',
    logger: createRecordingLogger(),
    ...options,
  });
  cleanups.push(() => exporter.stop());
  const result = await exporter.flush();
  expect(result.packetsFailed).toBe(0);
  expect(result.packetsSent).toBe(1);
}

describe('datadogAgentEnvironment', () => {
  test('DD_DOGSTATSD_URL wins over DD_AGENT_HOST and DD_DOGSTATSD_PORT', async () => {
    const agent = await listener();
    const other = await listener();
    agentEnvironment({
      DD_DOGSTATSD_URL: `udp://127.0.0.1:${agent.port}`,
      DD_AGENT_HOST: 'localhost',
      DD_DOGSTATSD_PORT: String(other.port),
    });
    await flushOnce({ datadogAgentEnvironment: true }, 3);
    await agent.waitForPackets(1);
    expect(agent.lines()).toEqual(['hits_total:3|c']);
    // Sent after the agent's packet to the same host: had it gone to `other` too, it would be there by now.
    await flushOnce({ port: other.port }, 1);
    await other.waitForPackets(1);
    expect(other.lines()).toEqual(['hits_total:1|c']);
  });

  test('DD_DOGSTATSD_URL with a bracketed IPv4 literal and a trailing slash, and without a port (8125)', async () => {
    const agent = await listener();
    agentEnvironment({ DD_DOGSTATSD_URL: `udp://[127.0.0.1]:${agent.port}/` });
    await flushOnce({ datadogAgentEnvironment: true }, 2);
    await agent.waitForPackets(1);
    expect(agent.lines()).toEqual(['hits_total:2|c']);
    agentEnvironment({ DD_DOGSTATSD_URL: 'udp://127.0.0.1' });
    const registry = new MetricRegistry();
    const exporter = new StatsdExporter({ registries: [registry], datadogAgentEnvironment: true });
    cleanups.push(() => exporter.stop());
    // The default name is host:port: the port the URL left out is the Agent's default. (An empty
    // registry: the flush runs and sends nothing.)
    await exporter.flush();
    expect(exporter.selfMetrics.statsd_exporter_flushes_total.value({ exporter: '127.0.0.1:8125' })).toBe(1);
  });

  test('DD_AGENT_HOST and DD_DOGSTATSD_PORT give the address; either alone falls back to the default for the other', async () => {
    const agent = await listener();
    agentEnvironment({ DD_AGENT_HOST: '127.0.0.1', DD_DOGSTATSD_PORT: String(agent.port) });
    await flushOnce({ datadogAgentEnvironment: true }, 4);
    agentEnvironment({ DD_DOGSTATSD_PORT: String(agent.port) });
    await flushOnce({ datadogAgentEnvironment: true }, 5);
    agentEnvironment({ DD_AGENT_HOST: 'localhost' });
    await flushOnce({ datadogAgentEnvironment: true, port: agent.port }, 6);
    await agent.waitForPackets(3);
    expect(agent.lines()).toEqual(['hits_total:4|c', 'hits_total:5|c', 'hits_total:6|c']);
  });

  test('explicit host and port win over every variable', async () => {
    const agent = await listener();
    const environment = await listener();
    agentEnvironment({ DD_DOGSTATSD_URL: `udp://127.0.0.1:${environment.port}` });
    await flushOnce({ datadogAgentEnvironment: true, host: '127.0.0.1', port: agent.port }, 7);
    agentEnvironment({ DD_AGENT_HOST: 'nonexistent.invalid', DD_DOGSTATSD_PORT: String(environment.port) });
    await flushOnce({ datadogAgentEnvironment: true, host: '127.0.0.1', port: agent.port }, 8);
    await agent.waitForPackets(2);
    expect(agent.lines()).toEqual(['hits_total:7|c', 'hits_total:8|c']);
    // A later packet to the environment's listener arrives alone: the two above never went there.
    await flushOnce({ port: environment.port }, 9);
    await environment.waitForPackets(1);
    expect(environment.lines()).toEqual(['hits_total:9|c']);
  });

  test("a socket from the variables yields to an explicit port or protocol 'udp'", async () => {
    const agent = await listener();
    agentEnvironment({ DD_DOGSTATSD_SOCKET: '/nonexistent/dsd.socket' });
    await flushOnce({ datadogAgentEnvironment: true, port: agent.port }, 11);
    agentEnvironment({ DD_DOGSTATSD_URL: 'unix:///nonexistent/dsd.socket' });
    await flushOnce({ datadogAgentEnvironment: true, host: '127.0.0.1', port: agent.port }, 12);
    await agent.waitForPackets(2);
    expect(agent.lines()).toEqual(['hits_total:11|c', 'hits_total:12|c']);
    // protocol 'udp' alone: the default address, not the socket (an empty registry sends nothing).
    const exporter = new StatsdExporter({
      registries: [new MetricRegistry()],
      datadogAgentEnvironment: true,
      protocol: 'udp',
    });
    cleanups.push(() => exporter.stop());
    await exporter.flush();
    expect(exporter.selfMetrics.statsd_exporter_flushes_total.value({ exporter: '127.0.0.1:8125' })).toBe(1);
  });

  test('without the option the variables are ignored', async () => {
    const agent = await listener();
    agentEnvironment({
      DD_DOGSTATSD_URL: 'unix:///var/run/datadog/dsd.socket',
      DD_AGENT_HOST: 'nonexistent.invalid',
    });
    await flushOnce({ port: agent.port }, 10);
    await agent.waitForPackets(1);
    expect(agent.lines()).toEqual(['hits_total:10|c']);
  });

  test('another scheme, or a URL or port that is not usable, throw a typed error saying what to set', () => {
    for (const url of [
      'unixstream:///var/run/datadog/dsd.socket',
      'tcp://127.0.0.1:8125',
      'udp://127.0.0.1:port',
    ]) {
      agentEnvironment({ DD_DOGSTATSD_URL: url });
      const construct = (): StatsdExporter => new StatsdExporter({ datadogAgentEnvironment: true });
      expect(construct).toThrow(InvalidOptionError);
      expect(construct).toThrow(
        /DD_DOGSTATSD_URL must be udp:\/\/host:port, unix:\/\/\/path or unixgram:\/\/\/path/,
      );
      expect(construct).toThrow(JSON.stringify(url));
    }
    agentEnvironment({ DD_DOGSTATSD_PORT: '81x25' });
    expect(() => new StatsdExporter({ datadogAgentEnvironment: true })).toThrow(InvalidOptionError);
    expect(() => new StatsdExporter({ datadogAgentEnvironment: true })).toThrow(
      /DD_DOGSTATSD_PORT must give a port from 1 to 65535/,
    );
  });
});
