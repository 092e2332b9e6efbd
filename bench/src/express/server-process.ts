/**
 * Child process of the Express suite: serves the three hello-world apps on 127.0.0.1 (one
 * port each), so the server has its own event loop and core while the load generator runs in
 * the parent. Protocol over the IPC channel:
 * - sends `{ type: 'ready', ports }` once listening, or `{ type: 'error', message }`;
 * - answers `'cpu'` with `{ type: 'cpu', microseconds }` (user + system CPU of this process);
 * - exits when the parent disconnects.
 * With `--runtime=servermetrics|prom-client` it first starts that library's runtime metrics
 * (scraped in process every second); `--runtime=none` (the default) starts none.
 */
import { runRuntimeConfiguration, runtimeArgument } from '../runtime/runtime-configurations.js';
import {
  EXPRESS_CONFIGURATIONS,
  type ExpressConfiguration,
  helloWorldApp,
  listen,
} from './hello-world-apps.js';

const send = (message: unknown): void => {
  process.send?.(message);
};

try {
  runRuntimeConfiguration(runtimeArgument(process.argv.slice(2)));
  const ports: Partial<Record<ExpressConfiguration, number>> = {};
  for (const configuration of EXPRESS_CONFIGURATIONS) {
    const { server, port } = await listen(helloWorldApp(configuration));
    server.keepAliveTimeout = 60_000;
    ports[configuration] = port;
  }
  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const usage = process.cpuUsage();
    send({ type: 'cpu', microseconds: usage.user + usage.system });
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', ports });
} catch (error) {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
