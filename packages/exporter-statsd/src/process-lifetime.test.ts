import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startUdpListener, startUnixDatagramListener, type UdpListener } from '@servermetrics/testing';
import { expect, test } from 'vitest';
import type { StatsdExporterOptions } from './statsd-exporter-options.js';

type Receiver = Pick<UdpListener, 'lines' | 'waitForPackets' | 'close'>;

// A started exporter flushes on its timer but keeps no timer or socket alive between flushes:
// the process exits when nothing else holds it. (An open unix-dgram socket would hold it.) The
// child runs the built package: `pnpm test` builds first (turbo), a lone `vitest run` does not.
test.each([
  [
    'udp',
    async (): Promise<[Receiver, StatsdExporterOptions]> => {
      const listener = await startUdpListener();
      return [listener, { port: listener.port }];
    },
  ],
  [
    'uds',
    async (): Promise<[Receiver, StatsdExporterOptions]> => {
      const listener = await startUnixDatagramListener();
      return [listener, { protocol: 'uds', path: listener.path }];
    },
  ],
] as const)('over %s, a started exporter does not keep the process alive', async (_protocol, receive) => {
  const [receiver, target] = await receive();
  const distribution = new URL('../dist/index.js', import.meta.url);
  expect(existsSync(distribution), 'run `pnpm build` first: the child runs the built package').toBe(true);
  const script = `
    import { Counter, MetricRegistry } from '@servermetrics/core';
    import { StatsdExporter } from ${JSON.stringify(distribution.href)};
    const registry = new MetricRegistry();
    registry.register('child_total', new Counter({ help: 'c' })).inc();
    new StatsdExporter({ ...${JSON.stringify(target)}, intervalMs: 20, registries: [registry] }).start();
    setTimeout(() => {}, 300); // a few ticks, then nothing keeps the process alive
  `;
  try {
    const started = performance.now();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url),
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect(child.error, child.stderr).toBeUndefined();
    expect(child.status, child.stderr).toBe(0);
    // 300 ms of ticks plus start-up: anything the exporter held (a 5 s send timer, a socket's
    // close) would show as seconds more.
    expect(performance.now() - started).toBeLessThan(4500);
    await receiver.waitForPackets(1);
    expect(receiver.lines()).toContain('child_total:1|c');
  } finally {
    await receiver.close();
  }
});
