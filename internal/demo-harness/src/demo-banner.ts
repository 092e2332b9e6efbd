import type { DemoArguments } from './demo-arguments.js';
import type { DemoServer } from './start-demo-server.js';

/** The lines an example app prints once it runs: where to look, and what it does. */
export function demoBanner(title: string, demo: DemoServer, options: DemoArguments): string {
  const statsd =
    options.statsd === false
      ? 'off (add --statsd, or STATSD=host:port, to push to a StatsD server or Datadog Agent)'
      : `pushing to udp://${options.statsd.host ?? '127.0.0.1'}:${options.statsd.port ?? 8125} every ` +
        `${(options.statsd.intervalMs ?? 10_000) / 1000} s ` +
        '(no agent? watch the lines with: pnpm --filter @example/datadog listen)';
  const traffic =
    options.traffic === false ? 'off (--no-traffic)' : `one simulated request every ${options.traffic} ms`;
  return [
    `servermetrics demo: ${title}`,
    `  app:      ${demo.url}   try ${demo.url}/api/users/3 or ${demo.url}/api/orders/7/items/2`,
    `  metrics:  ${demo.metricsUrl}`,
    `  traffic:  ${traffic}`,
    `  statsd:   ${statsd}`,
    'Press Ctrl+C to stop.',
  ].join('\n');
}
