import { request as httpRequest } from 'node:http';
import {
  type ClusterChild,
  type ClusterLibrary,
  type IncCost,
  startClusterChild,
} from '../cluster/cluster-child.js';
import { formatRange, median, rotate } from '../harness/statistics.js';
import { costRow, OURS } from './rows.js';
import type { Figure, Row, Suite, SuiteContext } from './suite.js';

const PROM_CLIENT = 'prom-client AggregatorRegistry';
const SERIES = 10_000;
const WORKER_COUNTS = [4, 8] as const;
/** Scrapes per contender per round; the round keeps their median. */
const SCRAPES_PER_ROUND = 3;

/** One scrape over loopback (no compression), body read and dropped; wall time in ms. */
async function scrapeOnce(url: string): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const outgoing = httpRequest(url, { agent: false }, (incoming) => {
      if (incoming.statusCode !== 200) reject(new Error(`${url} answered ${incoming.statusCode}`));
      incoming.on('data', () => {});
      incoming.on('end', resolve);
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
  return performance.now() - started;
}

/**
 * Merged scrape of a real `node:cluster` app with 4 and 8 forked workers x 10 000 counter series,
 * ours (ClusterWorker deltas, ClusterAggregator + metricsHandler) against prom-client's
 * AggregatorRegistry (clusterMetrics(): every worker's registry as JSON over IPC on every
 * scrape), both clusters running side by side. Before each scrape every worker increments every
 * series (the worst case for deltas: everything changed). Rounds alternate which cluster goes
 * first; each round keeps the median of 3 scrapes. Target: ours <= 0.5 x prom-client.
 *
 * A second row: ns per `counter.inc(labels)` in one of our workers with its ClusterWorker
 * running (periodic sends every second walk the 10 000 series) and stopped; notes record what one
 * send costs with nothing changed and with every series changed.
 */
export const clusterScrapeSuite: Suite = {
  id: 'cluster',
  rowIds: [...WORKER_COUNTS.map((workers) => `cluster-scrape-${workers}`), 'cluster-worker-inc'],
  async run(context: SuiteContext): Promise<Row[]> {
    const { mode } = context;
    const rounds = Math.min(mode.rounds, 3);
    const series = mode.quick ? 500 : SERIES;
    const rows: Row[] = [];
    let incCosts: IncCost[] = [];
    // --quick only proves the suite runs: 1 and 2 workers keep it inside the test's time limit.
    for (const [index, workers] of (mode.quick ? [1, 2] : WORKER_COUNTS).entries()) {
      const rowId = `cluster-scrape-${WORKER_COUNTS[index]}`;
      context.log(`${workers} workers x ${series} series: starting both clusters`);
      const children: ClusterChild[] = [];
      try {
        for (const library of ['servermetrics', 'prom-client'] as ClusterLibrary[])
          children.push(await startClusterChild(library, workers, series));
        for (const child of children) await scrapeOnce(child.url); // warm-up
        const measured = new Map<ClusterLibrary, number[]>(children.map((child) => [child.library, []]));
        for (let round = 0; round < rounds; round++) {
          context.log(`${workers} workers: round ${round + 1} of ${rounds}`);
          for (const child of rotate(children, round)) {
            const scrapes: number[] = [];
            for (let scrape = 0; scrape < SCRAPES_PER_ROUND; scrape++) {
              await child.touch();
              scrapes.push(await scrapeOnce(child.url));
            }
            measured.get(child.library)!.push(median(scrapes));
          }
        }
        const figures: Figure[] = children.map((child) => {
          const list = measured.get(child.library)!;
          return {
            library: child.library === 'prom-client' ? PROM_CLIENT : OURS,
            value: median(list),
            rounds: list,
          };
        });
        rows.push(
          costRow(
            {
              id: rowId,
              title: `Merged scrape, ${workers} forked workers x ${series.toLocaleString('en-US')} series, all changed`,
              unit: 'ms/scrape',
              target: { kind: 'at-most', value: 0.5 },
              baseline: PROM_CLIENT,
              notes: [
                `median of ${SCRAPES_PER_ROUND} scrapes per round; every series incremented before each scrape`,
              ],
            },
            figures,
          ),
        );
        if (index === 0) {
          const ours = children.find((child) => child.library === 'servermetrics')!;
          incCosts = [];
          for (let round = 0; round < rounds; round++) {
            context.log(`per-request cost in a worker: round ${round + 1} of ${rounds}`);
            incCosts.push(await ours.incCost(mode.quick ? 50 : 1500));
          }
        }
      } finally {
        for (const child of children) await child.stop();
      }
    }
    const attached = incCosts.map((cost) => (cost.attached[0] + cost.attached[1]) / 2);
    const detached = incCosts.map((cost) => cost.detached);
    rows.push(
      costRow(
        {
          id: 'cluster-worker-inc',
          title: `counter.inc(labels) in a worker, ClusterWorker attached / not (${series.toLocaleString('en-US')} series)`,
          unit: 'ns/op',
          target: { kind: 'report' },
          baseline: 'servermetrics, ClusterWorker stopped',
          notes: [
            `one send (the walk) with nothing changed: ${formatRange(
              incCosts.map((cost) => cost.flushUnchangedMs),
              2,
            )} ms; every series changed: ${formatRange(
              incCosts.map((cost) => cost.flushAllChangedMs),
              2,
            )} ms`,
          ],
        },
        [
          { library: OURS, value: median(attached), rounds: attached },
          { library: 'servermetrics, ClusterWorker stopped', value: median(detached), rounds: detached },
        ],
      ),
    );
    return rows;
  },
};
