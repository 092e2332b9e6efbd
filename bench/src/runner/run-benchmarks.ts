import type { RunMode } from '../harness/run-mode.js';
import { describeMachine, type MachineInfo } from '../report/machine.js';
import { boundSeriesSuite } from '../suites/bound-series.js';
import { clusterScrapeSuite } from '../suites/cluster-scrape.js';
import { counterIncSuite } from '../suites/counter-inc.js';
import { counterIncLabelsSuite } from '../suites/counter-inc-labels.js';
import { expressThroughputSuite } from '../suites/express-throughput.js';
import { gaugeSetSuite } from '../suites/gauge-set.js';
import { heapPerSeriesSuite } from '../suites/heap-per-series.js';
import { histogramObserveSuite } from '../suites/histogram-observe.js';
import { nativeHistogramSuite } from '../suites/native-histogram.js';
import { runtimeMetricsSuite } from '../suites/runtime-metrics.js';
import { scrapeCountersSuite } from '../suites/scrape-counters.js';
import { scrapeHistogramSuite } from '../suites/scrape-histogram.js';
import { scrapeHttpSuite } from '../suites/scrape-http.js';
import { statsdDistributionSuite } from '../suites/statsd-distribution.js';
import { statsdFlushSuite } from '../suites/statsd-flush.js';
import { statsdPerEventSuite } from '../suites/statsd-per-event.js';
import type { Row, Suite } from '../suites/suite.js';

/** Every suite, in table order. */
export const SUITES: readonly Suite[] = [
  counterIncSuite,
  counterIncLabelsSuite,
  boundSeriesSuite,
  gaugeSetSuite,
  histogramObserveSuite,
  heapPerSeriesSuite,
  scrapeCountersSuite,
  scrapeHistogramSuite,
  nativeHistogramSuite,
  scrapeHttpSuite,
  statsdPerEventSuite,
  statsdFlushSuite,
  statsdDistributionSuite,
  expressThroughputSuite,
  clusterScrapeSuite,
  // Last: prom-client's collectDefaultMetrics() cannot be stopped once started in this process.
  runtimeMetricsSuite,
];

/**
 * The suites `only` names, in table order (every suite when `only` is undefined). Throws an
 * Error listing the valid suite ids when `only` names a suite that does not exist, so a typo in
 * `--only` fails instead of running nothing.
 */
export function selectSuites(only: readonly string[] | undefined): Suite[] {
  if (only === undefined) return [...SUITES];
  const known = new Set(SUITES.map((suite) => suite.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown suite ${unknown.map((id) => JSON.stringify(id)).join(', ')} in --only. ` +
        `Valid suite ids: ${[...known].join(', ')}.`,
    );
  }
  return SUITES.filter((suite) => only.includes(suite.id));
}

/** SuiteFailure records a suite that threw instead of producing rows. */
export interface SuiteFailure {
  readonly suite: string;
  readonly message: string;
}

/** BenchReport is everything one run measured: what `results/*.json` holds. */
export interface BenchReport {
  readonly mode: 'full' | 'quick';
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly rows: readonly Row[];
  readonly failures: readonly SuiteFailure[];
}

/** Options of runBenchmarks. */
export interface RunBenchmarksOptions {
  readonly mode: RunMode;
  /** Suite identifiers to run. @default every suite */
  readonly only?: readonly string[];
  /** Progress messages. @default writes to stderr */
  readonly log?: (message: string) => void;
}

/**
 * Runs the suites one after another in this process and collects their rows. A suite that
 * throws is recorded as a failure (the others still run); the caller decides the exit code.
 * Throws before running anything when `only` names an unknown suite (see selectSuites).
 */
export async function runBenchmarks(options: RunBenchmarksOptions): Promise<BenchReport> {
  const log = options.log ?? ((message: string): void => void process.stderr.write(`${message}\n`));
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const suites = selectSuites(options.only);
  const rows: Row[] = [];
  const failures: SuiteFailure[] = [];
  for (const suite of suites) {
    try {
      rows.push(
        ...(await suite.run({ mode: options.mode, log: (message) => log(`[${suite.id}] ${message}`) })),
      );
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`[${suite.id}] FAILED: ${message}`);
      failures.push({ suite: suite.id, message });
    }
  }
  return {
    mode: options.mode.quick ? 'quick' : 'full',
    startedAt,
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    machine: describeMachine(),
    rows,
    failures,
  };
}
