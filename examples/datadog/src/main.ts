import { listenForStatsd, runDemo } from '@internal/demo-harness';
import { startDatadogExample } from './datadog-example.js';

// --listen: no Datadog Agent here, so bind the DogStatsD port ourselves and print what arrives.
const listen = process.argv.includes('--listen');
const host = process.env.STATSD_HOST ?? '127.0.0.1';
const port = Number(process.env.STATSD_PORT ?? 8125);
await runDemo({
  command: `pnpm --filter @example/datadog start${listen ? ' --listen' : ''}`,
  ports: listen ? { STATSD_PORT: port } : {},
  start: async () => {
    const listener = listen
      ? await listenForStatsd({ host, port, onLine: (line) => console.log(`  udp> ${line}`) })
      : undefined;
    const example = startDatadogExample({ host, port: listener?.port ?? port, intervalMs: 2000 });
    return {
      listener,
      close: async (): Promise<void> => {
        await example.close();
        await listener?.close();
      },
    };
  },
  banner: ({ listener }) => `servermetrics Datadog example: a checkout service pushing DogStatsD lines.
  pushing to: udp://${host}:${listener?.port ?? port} every 2 s (prefix "checkout", tags env, service, version)
  ${
    listener === undefined
      ? 'watch:      a Datadog Agent shows checkout.* in Metrics > Explorer; without one, run\n' +
        '            pnpm --filter @example/datadog listen   (or: nc -ul 8125) in another terminal'
      : 'printing:   every line that arrives (udp> ...)'
  }
Press Ctrl+C to stop (the exporter pushes once more).`,
});
