import {
  findSamples,
  freeTcpPort,
  parseSamples,
  type RunningPrometheus,
  type StatsdDaemon,
  send,
  startPrometheus,
  startStatsdDaemon,
  waitFor,
} from '@servermetrics/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type ClusterApp, startClusterApp } from './fixtures/start-cluster-app.js';

const WORKERS = 4;
const PHASES = 5;
const REQUESTS_PER_PHASE = 400;
const CONCURRENCY = 6;
/** Requests start at most this often (2 000 requests over at least 14 s; a loaded machine takes longer). */
const PACE_MS = 7;
/** A request that takes longer is counted as failed (and then the totals cannot match). */
const REQUEST_TIMEOUT_MS = 10_000;

let app: ClusterApp | undefined;
let prometheus: RunningPrometheus | undefined;
let statsd: StatsdDaemon | undefined;

afterAll(async () => {
  await app?.stop();
  await prometheus?.stop();
  await statsd?.stop();
});

/** Sum of http_requests_total in one direct scrape of the aggregator. */
async function scrapedTotal(metricsPort: number): Promise<number> {
  const response = await send(`http://127.0.0.1:${metricsPort}/metrics`);
  if (response.status !== 200) throw new Error(`scrape answered ${response.status}: ${response.body}`);
  return findSamples(parseSamples(response.body), 'http_requests_total').reduce(
    (sum, sample) => sum + sample.value,
    0,
  );
}

/** Sends `count` paced GET /hello requests, CONCURRENCY at a time; returns the answers received. */
async function load(appPort: number, count: number): Promise<{ answered: number; failed: number }> {
  let next = 0;
  let answered = 0;
  let failed = 0;
  const started = Date.now();
  const lane = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      const due = started + index * PACE_MS;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        const response = await Promise.race([
          send(`http://127.0.0.1:${appPort}/hello`),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('request timed out')), REQUEST_TIMEOUT_MS).unref(),
          ),
        ]);
        if (response.status === 200) answered++;
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return { answered, failed };
}

describe('a node:cluster app with 4 workers, killed and restarted under load', () => {
  it('stays monotonic in a real Prometheus and its totals equal the answers, scraped and pushed to statsd', async () => {
    statsd = await startStatsdDaemon();
    const appPort = await freeTcpPort();
    app = await startClusterApp({ workers: WORKERS, appPort, statsdPort: statsd.port });
    const running = app;
    prometheus = await startPrometheus([
      { name: 'cluster', target: `127.0.0.1:${running.metricsPort}`, metricsPath: '/metrics' },
    ]);
    const server = prometheus;
    await waitFor('Prometheus to scrape the aggregator', async () =>
      (await server.targets()).some((target) => target.health === 'up'),
    );

    let answered = 0;
    let failed = 0;
    let kills = 0;
    for (let phase = 0; phase < PHASES; phase++) {
      const result = await load(appPort, REQUESTS_PER_PHASE);
      answered += result.answered;
      failed += result.failed;
      if (phase === PHASES - 1) break;
      // Every answer so far is in the aggregate (a scrape asks every worker), then workers die
      // by SIGKILL while the next phase's load starts; the primary forks replacements.
      await waitFor(
        `the aggregate to count the ${answered} answers`,
        async () => (await scrapedTotal(running.metricsPort)) === answered,
        {
          timeoutMs: 20_000,
        },
      );
      running.kill();
      kills++;
      if (phase % 2 === 1) {
        running.kill();
        kills++;
      }
      // Load resumes once the primary saw the deaths (until then it may hand new connections to
      // a dead worker: node:cluster's behaviour, not ours); the replacements start under load.
      await waitFor(
        'the primary to see the killed workers exit',
        () => running.events.filter((event) => event.event === 'exit').length === kills,
      );
    }
    expect(failed).toBe(0);
    expect(answered).toBe(PHASES * REQUESTS_PER_PHASE);

    // One series view: exact total in a direct scrape and in Prometheus.
    await waitFor(
      'the aggregate to count every answer',
      async () => (await scrapedTotal(running.metricsPort)) === answered,
      {
        timeoutMs: 20_000,
      },
    );
    await waitFor(
      'Prometheus to store the final total',
      async () => Number((await server.query('sum(http_requests_total)'))[0]?.value[1]) === answered,
      { timeoutMs: 20_000, describeState: () => server.output() },
    );
    const resets = await server.query('resets(http_requests_total[5m])');
    expect(resets.length).toBeGreaterThan(0);
    for (const series of resets)
      expect({ series: series.metric, resets: series.value[1] }).toEqual({
        series: series.metric,
        resets: '0',
      });
    // Prometheus scraped the aggregate all along (every second, through the kills and restarts).
    const samples = await server.query('count_over_time(http_requests_total[5m])');
    for (const series of samples) expect(Number(series.value[1])).toBeGreaterThanOrEqual(10);
    const exits = await server.query('servermetrics_cluster_worker_exits_total');
    expect(Number(exits[0]?.value[1])).toBe(kills);
    const exitEvents = running.events.filter((event) => event.event === 'exit' && event.signal === 'SIGKILL');
    expect(exitEvents.length).toBe(kills);
    expect(running.events.filter((event) => event.event === 'listening').length).toBe(WORKERS + kills);

    // The same aggregate pushed by the StatsD exporter: the counter deltas add up to the same total.
    const daemon = statsd;
    const statsdTotal = async (): Promise<number> =>
      Object.entries(await daemon.counters())
        .filter(([key]) => key.startsWith('http_requests_total'))
        .reduce((sum, [, value]) => sum + value, 0);
    await waitFor('statsd to count every answer', async () => (await statsdTotal()) === answered, {
      timeoutMs: 20_000,
      describeState: async () => daemon.output(),
    });
    await running.stop();
    expect(await statsdTotal()).toBe(answered);
  });
});
