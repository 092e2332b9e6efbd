import { setTimeout as sleep } from 'node:timers/promises';
import { measureLoadRounds } from '../express/load-rounds.js';
import { type ServerChild, startServerChild } from '../express/server-child.js';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { consumeExposition } from '../harness/consume-exposition.js';
import { median, rotate } from '../harness/statistics.js';
import {
  IN_PROCESS_SCRAPE_INTERVAL_MS,
  RUNTIME_CONFIGURATIONS,
  type RuntimeConfiguration,
  startRuntimeConfiguration,
} from '../runtime/runtime-configurations.js';
import { costRow, millisecondFigures, OURS, timingFigures } from './rows.js';
import type { Figure, Row, Suite, SuiteContext } from './suite.js';

const PROM_CLIENT = 'prom-client';

const LIBRARY: Readonly<Record<RuntimeConfiguration, string>> = {
  none: 'no runtime metrics',
  servermetrics: OURS,
  'prom-client': PROM_CLIENT,
};

/** The two configurations compared (the `none` process is the idle row's basis). */
const MEASURED = ['servermetrics', 'prom-client'] as const;

type Children = ReadonlyMap<RuntimeConfiguration, ServerChild>;

/** CPU microseconds of every child, asked in the round's order. */
async function cpuOfAll(
  children: Children,
  order: readonly RuntimeConfiguration[],
): Promise<Map<RuntimeConfiguration, number>> {
  const answers = await Promise.all(
    order.map(
      async (configuration) => [configuration, await children.get(configuration)!.cpuMicroseconds()] as const,
    ),
  );
  return new Map(answers);
}

/**
 * Idle: the three children run side by side with no requests; each round reads every child's
 * `process.cpuUsage()` at the start and end of the same window. The figure is each child's CPU
 * milliseconds per second above the `none` child's in the same window.
 */
async function idleRow(children: Children, context: SuiteContext): Promise<Row> {
  const windowMs = context.mode.quick ? 300 : 2000;
  const overhead = new Map<RuntimeConfiguration, number[]>(
    MEASURED.map((configuration) => [configuration, []]),
  );
  const absolute = new Map<RuntimeConfiguration, number[]>(
    RUNTIME_CONFIGURATIONS.map((configuration) => [configuration, []]),
  );
  await sleep(context.mode.quick ? 100 : IN_PROCESS_SCRAPE_INTERVAL_MS); // past start-up work
  for (let round = 0; round < context.mode.rounds; round++) {
    context.log(`runtime metrics, idle: round ${round + 1} of ${context.mode.rounds}`);
    const order = rotate(RUNTIME_CONFIGURATIONS, round);
    const before = await cpuOfAll(children, order);
    const started = performance.now();
    await sleep(windowMs);
    const after = await cpuOfAll(children, order);
    const seconds = (performance.now() - started) / 1000;
    const perSecond = (configuration: RuntimeConfiguration): number =>
      (after.get(configuration)! - before.get(configuration)!) / 1000 / seconds;
    for (const configuration of RUNTIME_CONFIGURATIONS)
      absolute.get(configuration)!.push(perSecond(configuration));
    for (const configuration of MEASURED)
      overhead.get(configuration)!.push(perSecond(configuration) - perSecond('none'));
  }
  return costRow(
    {
      id: 'runtime-idle-cpu',
      title: 'runtime metrics: CPU of an idle process above one without (scraped every 1 s)',
      unit: 'ms CPU/s',
      target: { kind: 'at-most', value: 0.5 },
      baseline: PROM_CLIENT,
      notes: [
        `whole process, median ms CPU/s: ${RUNTIME_CONFIGURATIONS.map((configuration) => `${LIBRARY[configuration]} ${median(absolute.get(configuration)!).toFixed(2)}`).join(', ')}`,
        `${context.mode.rounds} windows of ${windowMs} ms, the three processes measured over the same window`,
      ],
    },
    figures(overhead),
  );
}

/**
 * Under load: the plain Express hello-world app of each child (no HTTP metrics) gets
 * `mode.httpRequests` requests per round, the children alternating (rotating which goes first).
 * The figure is the server's CPU microseconds per request (the `none` child's is in the notes:
 * the difference is below this machine's noise, so it is not the ratio's basis).
 */
async function loadRow(children: Children, context: SuiteContext): Promise<Row> {
  const { mode } = context;
  const { throughput, cpuPerRequest: perRequest } = await measureLoadRounds({
    names: RUNTIME_CONFIGURATIONS,
    target: (configuration) => {
      const child = children.get(configuration)!;
      return { port: child.ports.none, cpuMicroseconds: () => child.cpuMicroseconds() };
    },
    mode,
    label: 'runtime metrics, Express load',
    log: context.log,
  });
  return costRow(
    {
      id: 'runtime-express-cpu',
      // The whole server's CPU per request, not the difference from the child without runtime
      // metrics: that difference is below this machine's noise and comes out negative.
      title: 'runtime metrics: server CPU per request with them on, Express hello-world load',
      unit: 'µs/req',
      target: { kind: 'report' },
      baseline: PROM_CLIENT,
      notes: [
        `median req/s: ${RUNTIME_CONFIGURATIONS.map((configuration) => `${LIBRARY[configuration]} ${Math.round(median(throughput.get(configuration)!))}`).join(', ')}`,
        `${mode.httpRequests.toLocaleString('en-US')} requests per round, ${mode.httpConcurrency} keep-alive connections`,
        `without runtime metrics: ${median(perRequest.get('none')!).toFixed(1)} µs/req`,
      ],
    },
    figures(new Map(MEASURED.map((configuration) => [configuration, perRequest.get(configuration)!]))),
  );
}

/**
 * One scrape of the runtime families in this process: ours `refreshProducers` +
 * `renderMetrics`, prom-client `await register.metrics()` with `collectDefaultMetrics()`.
 */
async function scrapeRow(context: SuiteContext): Promise<Row> {
  const ours = startRuntimeConfiguration('servermetrics');
  const peer = startRuntimeConfiguration('prom-client');
  try {
    const contenders: Contender[] = [
      {
        library: OURS,
        operationsPerPass: 1,
        pass: async (): Promise<void> => consumeExposition(await ours.scrape()),
      },
      {
        library: PROM_CLIENT,
        operationsPerPass: 1,
        pass: async (): Promise<void> => consumeExposition(await peer.scrape()),
      },
    ];
    context.log('runtime metrics: one scrape of the runtime families');
    const timings = await compareTimings(contenders, context.mode);
    return costRow(
      {
        id: 'runtime-scrape',
        title: 'runtime metrics: one scrape of the runtime families to Prometheus text',
        unit: 'ms/scrape',
        target: { kind: 'at-most', value: 0.5 },
        baseline: PROM_CLIENT,
      },
      millisecondFigures(timingFigures(timings)),
    );
  } finally {
    ours.stop();
    peer.stop();
  }
}

function figures(overhead: ReadonlyMap<RuntimeConfiguration, number[]>): Figure[] {
  return MEASURED.map((configuration) => ({
    library: LIBRARY[configuration],
    value: median(overhead.get(configuration)!),
    rounds: overhead.get(configuration)!,
  }));
}

/**
 * Runtime metrics (`@servermetrics/runtime`'s `startRuntimeMetrics()`) against prom-client's
 * `collectDefaultMetrics()`, each with its defaults and scraped in process every second: three
 * child processes (ours, prom-client's, none) measured idle and under the Express load of the
 * throughput suite, and one scrape of the runtime families in this process. prom-client's
 * collector cannot be stopped, so this suite runs last. Target: ours at most half of
 * prom-client's on the idle and scrape rows; the load row is report-only (the whole server's
 * CPU per request, whose difference between the children is below this machine's noise).
 */
export const runtimeMetricsSuite: Suite = {
  id: 'runtime-metrics',
  rowIds: ['runtime-idle-cpu', 'runtime-express-cpu', 'runtime-scrape'],
  async run(context: SuiteContext): Promise<Row[]> {
    const started = await Promise.allSettled(
      RUNTIME_CONFIGURATIONS.map((runtime) => startServerChild({ runtime })),
    );
    const children = new Map<RuntimeConfiguration, ServerChild>();
    started.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') children.set(RUNTIME_CONFIGURATIONS[index]!, outcome.value);
    });
    try {
      const failed = started.find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      const rows = [await idleRow(children, context), await loadRow(children, context)];
      rows.push(await scrapeRow(context));
      return rows;
    } finally {
      await Promise.all([...children.values()].map((child) => child.stop()));
    }
  },
};
