import { EXPRESS_CONFIGURATIONS, type ExpressConfiguration } from '../express/hello-world-apps.js';
import { measureLoadRounds } from '../express/load-rounds.js';
import { startServerChild } from '../express/server-child.js';
import { median } from '../harness/statistics.js';
import { OURS, throughputRow } from './rows.js';
import type { Figure, Row, Suite, SuiteContext } from './suite.js';

const LIBRARY: Readonly<Record<ExpressConfiguration, string>> = {
  none: 'express (no metrics)',
  servermetrics: OURS,
  'express-prom-bundle': 'express-prom-bundle',
};

/**
 * Express 5 hello-world throughput with our middleware, with none, and with express-prom-bundle.
 * The three apps run in one child process (its own event loop and core); the load generator in
 * this process keeps `mode.httpConcurrency` keep-alive requests in flight until
 * `mode.httpRequests` completed. After a warm-up of every app, the configurations alternate over
 * `mode.rounds` rounds (rotating which goes first) and each keeps its median requests/second.
 * The server's CPU time per request is recorded too (from the child's `process.cpuUsage()`).
 * Target: ours / none >= 0.95, and above express-prom-bundle / none.
 */
export const expressThroughputSuite: Suite = {
  id: 'express-throughput',
  rowIds: ['express-throughput'],
  async run(context: SuiteContext): Promise<Row[]> {
    const { mode } = context;
    const server = await startServerChild();
    try {
      const { throughput, cpuPerRequest } = await measureLoadRounds({
        names: EXPRESS_CONFIGURATIONS,
        target: (configuration) => ({
          port: server.ports[configuration],
          cpuMicroseconds: () => server.cpuMicroseconds(),
        }),
        mode,
        label: 'Express hello-world',
        log: context.log,
      });
      const figures: Figure[] = EXPRESS_CONFIGURATIONS.map((configuration) => ({
        library: LIBRARY[configuration],
        value: median(throughput.get(configuration)!),
        rounds: throughput.get(configuration)!,
      }));
      const cpuNote = EXPRESS_CONFIGURATIONS.map(
        (configuration) =>
          `${LIBRARY[configuration]} ${median(cpuPerRequest.get(configuration)!).toFixed(1)}`,
      ).join(', ');
      return [
        throughputRow(
          {
            id: 'express-throughput',
            title: 'Express hello-world throughput, with / without middleware',
            unit: 'req/s',
            target: { kind: 'at-least-and-beat', value: 0.95, rival: LIBRARY['express-prom-bundle'] },
            baseline: LIBRARY.none,
            notes: [
              `server CPU per request (µs): ${cpuNote}`,
              `${mode.httpRequests.toLocaleString('en-US')} requests per round, ${mode.httpConcurrency} keep-alive connections`,
            ],
          },
          figures,
        ),
      ];
    } finally {
      await server.stop();
    }
  },
};
