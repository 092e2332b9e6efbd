import { listenForStatsd, runDemo } from '@internal/demo-harness';

const port = Number(process.env.STATSD_PORT ?? 8125);
await runDemo({
  command: 'pnpm --filter @example/datadog listen',
  ports: { STATSD_PORT: port },
  start: () => listenForStatsd({ port, onLine: (line) => console.log(line) }),
  banner: (listener) =>
    `Printing every StatsD line sent to udp://127.0.0.1:${listener.port}. Press Ctrl+C to stop.`,
});
