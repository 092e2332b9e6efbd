import {
  findSamples,
  freeTcpPort,
  logNormalSamples,
  nativeBucketIndex,
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

/** One answer of the load: when it arrived (Date.now()) and which worker sent it. */
interface Answer {
  readonly at: number;
  readonly worker: string;
}

/**
 * Sends `count` paced GET /hello requests, CONCURRENCY at a time; returns the answers received
 * (`onAnswer` sees each one as it arrives) and the requests that failed.
 */
async function load(
  appPort: number,
  count: number,
  onAnswer: (answer: Answer, answered: number) => void = () => {},
): Promise<{ answered: number; failed: number; answers: Answer[] }> {
  let next = 0;
  let answered = 0;
  let failed = 0;
  const answers: Answer[] = [];
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
        if (response.status === 200) {
          answered++;
          const answer = { at: Date.now(), worker: String(response.headers['x-cluster-worker']) };
          answers.push(answer);
          onAnswer(answer, answered);
        } else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return { answered, failed, answers };
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

describe('a node:cluster app whose workers are SIGKILLed in the middle of traffic', () => {
  it('never goes backwards and loses at most what the killed workers answered in their last send interval', async () => {
    const intervalMs = 1000;
    /** Extra window for a late timer in a busy worker and for the kill command to reach the primary. */
    const slackMs = 1000;
    const requests = 1600;
    const appPort = await freeTcpPort();
    const midTraffic = await startClusterApp({ workers: WORKERS, appPort, intervalMs });
    const ownPrometheus = await startPrometheus([
      { name: 'cluster', target: `127.0.0.1:${midTraffic.metricsPort}`, metricsPath: '/metrics' },
    ]);
    try {
      await waitFor('Prometheus to scrape the aggregator', async () =>
        (await ownPrometheus.targets()).some((target) => target.health === 'up'),
      );
      // Direct scrapes all along: every total must be >= the one before.
      const totals: number[] = [];
      let polling = true;
      const poller = (async (): Promise<void> => {
        while (polling) {
          totals.push(await scrapedTotal(midTraffic.metricsPort));
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      // Kills while requests are in flight: after 400 and 900 answers, the oldest worker each time.
      const killTimes: number[] = [];
      const killAt = new Set([400, 900]);
      const result = await load(appPort, requests, (_answer, answered) => {
        if (!killAt.has(answered)) return;
        killTimes.push(Date.now());
        midTraffic.kill();
      });
      await waitFor(
        'the primary to see both killed workers exit',
        () => midTraffic.events.filter((event) => event.event === 'exit').length === 2,
      );
      const killed = midTraffic.events.filter((event) => event.event === 'killing');
      const kills = killTimes.map((at, index) => ({ at, worker: String(killed[index]?.worker) }));
      // Every live worker answers a scrape's request: two equal scrapes in a row are the final total.
      let previous = -1;
      const total = await waitFor(
        'the aggregate to settle',
        async () => {
          const current = await scrapedTotal(midTraffic.metricsPort);
          const settled = current === previous ? current : undefined;
          previous = current;
          return settled;
        },
        { timeoutMs: 20_000 },
      );
      polling = false;
      await poller;

      // What a SIGKILL can lose: the killed worker's counts since its last send. Its answers
      // in the last intervalMs (+ slack) before the kill bound that from above.
      const lossBound = kills.reduce(
        (sum, kill) =>
          sum +
          result.answers.filter(
            (answer) => answer.worker === kill.worker && answer.at >= kill.at - intervalMs - slackMs,
          ).length,
        0,
      );
      expect(result.answered + result.failed).toBe(requests);
      // A failed request (cut by the kill) may still have been counted: the only excess possible.
      expect(total).toBeLessThanOrEqual(result.answered + result.failed);
      expect(total).toBeGreaterThanOrEqual(result.answered - lossBound);
      for (let index = 1; index < totals.length; index++)
        expect(totals[index]).toBeGreaterThanOrEqual(totals[index - 1]!);

      await waitFor(
        'Prometheus to store the final total',
        async () => Number((await ownPrometheus.query('sum(http_requests_total)'))[0]?.value[1]) === total,
        { timeoutMs: 20_000, describeState: () => ownPrometheus.output() },
      );
      const resets = await ownPrometheus.query('resets(http_requests_total[5m])');
      expect(resets.length).toBeGreaterThan(0);
      for (const series of resets) expect(series.value[1]).toBe('0');
      const exits = await ownPrometheus.query('servermetrics_cluster_worker_exits_total');
      expect(Number(exits[0]?.value[1])).toBe(2);
      console.info(
        `mid-traffic kills: ${result.answered} answered, ${result.failed} failed, aggregate ${total}, ` +
          `lost ${result.answered - total} (bound ${lossBound}), ${totals.length} direct scrapes`,
      );
    } finally {
      await midTraffic.stop();
      await ownPrometheus.stop();
    }
  });
});

describe('native histograms from node:cluster workers, one of them killed', () => {
  it('a real Prometheus with native histograms sees the exact count and sum, and quantiles within their native bucket', async () => {
    const appPort = await freeTcpPort();
    const running = await startClusterApp({ workers: 2, appPort });
    const ownPrometheus = await startPrometheus(
      [{ name: 'cluster', target: `127.0.0.1:${running.metricsPort}`, metricsPath: '/metrics' }],
      { enableFeatures: ['native-histograms'] },
    );
    try {
      const values = logNormalSamples(400, 11);
      const observe = async (batch: number[]): Promise<void> => {
        for (const value of batch) {
          const response = await send(`http://127.0.0.1:${appPort}/hello?v=${value}`);
          expect(response.status).toBe(200);
        }
      };
      const scrapedCount = async (): Promise<number> => {
        const response = await send(`http://127.0.0.1:${running.metricsPort}/metrics`);
        return findSamples(parseSamples(response.body), 'app_latency_seconds_count')[0]?.value ?? 0;
      };
      await observe(values.slice(0, 200));
      await waitFor(
        'the aggregate to hold the first 200 observations',
        async () => (await scrapedCount()) === 200,
      );
      running.kill();
      await waitFor('the primary to see the killed worker exit', () =>
        running.events.some((event) => event.event === 'exit'),
      );
      await observe(values.slice(200));
      await waitFor(
        'Prometheus to store all 400 observations',
        async () =>
          Number((await ownPrometheus.query('histogram_count(app_latency_seconds)'))[0]?.value[1]) === 400,
        { timeoutMs: 30_000, describeState: () => ownPrometheus.output() },
      );
      const [sum] = await ownPrometheus.query('histogram_sum(app_latency_seconds)');
      const expectedSum = values.reduce((total, value) => total + value, 0);
      expect(Math.abs(Number(sum?.value[1]) / expectedSum - 1)).toBeLessThan(1e-9);
      const sorted = [...values].sort((left, right) => left - right);
      for (const quantile of [0.5, 0.9, 0.99]) {
        const [result] = await ownPrometheus.query(`histogram_quantile(${quantile}, app_latency_seconds)`);
        const truth = sorted[Math.ceil(quantile * sorted.length) - 1]!;
        // Prometheus interpolates inside the bucket that holds the quantile's rank: the bucket of
        // the true quantile when the aggregate kept every observation in its bucket.
        const index = nativeBucketIndex(truth, 3);
        const estimate = Number(result?.value[1]);
        expect(estimate, `p${quantile * 100}`).toBeGreaterThanOrEqual(2 ** ((index - 1) / 8) * (1 - 1e-9));
        expect(estimate, `p${quantile * 100}`).toBeLessThanOrEqual(2 ** (index / 8) * (1 + 1e-9));
      }
    } finally {
      await ownPrometheus.stop();
      await running.stop();
    }
  }, 120_000);
});
