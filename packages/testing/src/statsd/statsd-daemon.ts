import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { freeTcpPort } from '../free-tcp-port.js';
import { waitFor } from '../wait-for.js';
import { freeUdpPort } from './udp-listener.js';

/** StatsdDaemon is a real Etsy statsd (npm `statsd` 0.9) running on 127.0.0.1 for a test file. */
export interface StatsdDaemon {
  /** Its UDP port. */
  readonly port: number;
  /** Its management (TCP) port. */
  readonly managementPort: number;
  /** Sends one management command and returns the reply. */
  command(command: string): Promise<string>;
  /** The current window's counters (statsd's own `statsd.*` counters included). */
  counters(): Promise<Record<string, number>>;
  /** The current gauges. */
  gauges(): Promise<Record<string, number>>;
  /** `stats` as a map of `group.metric` to number (e.g. `messages.bad_lines_seen`). */
  stats(): Promise<Record<string, number>>;
  /** Waits until statsd counted at least `count` metric lines (`statsd.metrics_received`). */
  waitForLines(count: number, timeoutMs?: number): Promise<void>;
  /** Everything statsd printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/**
 * Starts statsd with a long flush interval (nothing resets during a test), no backends and
 * config reloading off, and waits until its management port answers `health`. Fails with an
 * install hint when the `statsd` devDependency is missing.
 */
export async function startStatsdDaemon(): Promise<StatsdDaemon> {
  let script: string;
  try {
    script = require.resolve('statsd/stats.js');
  } catch {
    throw new Error(
      'The statsd daemon is missing: run `pnpm install` (statsd 0.9.0 is a dependency of @servermetrics/testing).',
    );
  }
  const port = await freeUdpPort();
  const managementPort = await freeTcpPort();
  const directory = mkdtempSync(join(tmpdir(), 'servermetrics-statsd-'));
  const configFile = join(directory, 'config.js');
  writeFileSync(
    configFile,
    `({ port: ${port}, address: '127.0.0.1', mgmt_port: ${managementPort}, mgmt_address: '127.0.0.1',
        flushInterval: 3600000, backends: [], automaticConfigReload: false, deleteIdleStats: false })`,
  );
  // statsd 0.9 calls util.log, which Node 23 removed.
  const shim = join(directory, 'util-log-shim.cjs');
  writeFileSync(
    shim,
    "const util = require('util'); if (typeof util.log !== 'function') util.log = (...args) => console.log(...args);\n",
  );
  const child: ChildProcess = spawn(process.execPath, ['--no-deprecation', '-r', shim, script, configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => {
    exited = true;
  });

  const command = (text: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = net.connect(managementPort, '127.0.0.1');
      let reply = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`statsd did not answer "${text}" within 5 s; reply so far: ${reply}`));
      }, 5000);
      socket.on('data', (chunk) => {
        reply += chunk.toString();
        if (reply.includes('END\n\n') || (text.startsWith('health') && reply.includes('\n'))) {
          clearTimeout(timer);
          socket.end();
          resolve(reply);
        }
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.write(`${text}\n`);
    });

  const objectReply = async (text: string): Promise<Record<string, number>> => {
    const reply = await command(text);
    const literal = reply.slice(reply.indexOf('{'), reply.lastIndexOf('END'));
    return vm.runInNewContext(`(${literal})`) as Record<string, number>;
  };

  const daemon: StatsdDaemon = {
    port,
    managementPort,
    command,
    counters: () => objectReply('counters'),
    gauges: () => objectReply('gauges'),
    stats: async () => {
      const reply = await command('stats');
      const result: Record<string, number> = {};
      for (const line of reply.split('\n')) {
        const match = /^([\w.]+): (-?[\d.]+)$/.exec(line);
        if (match !== null) result[match[1]!] = Number(match[2]);
      }
      return result;
    },
    waitForLines: async (count, timeoutMs) => {
      let last: Record<string, number> = {};
      await waitFor(
        `statsd to receive ${count} lines`,
        async () => {
          last = await daemon.counters();
          return (last['statsd.metrics_received'] ?? 0) >= count;
        },
        { timeoutMs, describeState: () => last },
      );
    },
    output: () => output,
    stop: async () => {
      if (!exited) {
        child.kill('SIGKILL');
        await exit;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };

  try {
    await waitFor(
      'statsd to start',
      async () => {
        if (exited) throw new Error(`statsd exited at start-up:\n${output}`);
        try {
          return (await command('health')).includes('health: up');
        } catch {
          return false;
        }
      },
      { timeoutMs: 20_000, describeState: () => output },
    );
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return daemon;
}
