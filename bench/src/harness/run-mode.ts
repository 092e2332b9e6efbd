/**
 * RunMode holds the knobs that differ between a full run and `--quick`: how many alternating
 * rounds each comparison gets, how long one mitata measurement lasts, and the sizes of the
 * load-based suites.
 */
export interface RunMode {
  /** True for `--quick`: tiny iteration counts, only to prove every suite still runs. */
  readonly quick: boolean;
  /** Alternating rounds per comparison (the figure kept is the median over rounds). */
  readonly rounds: number;
  /** CPU time one mitata measurement of one contender lasts, in milliseconds. */
  readonly measureMs: number;
  /** Minimum samples per mitata measurement. */
  readonly minSamples: number;
  /** Time each contender is run before the first round, in milliseconds (JIT warm-up). */
  readonly warmupMs: number;
  /** Repetitions of each heap measurement. */
  readonly heapRepetitions: number;
  /** Series per heap measurement. */
  readonly heapSeries: number;
  /** Requests per configuration per round in the Express suite. */
  readonly httpRequests: number;
  /** Concurrent keep-alive connections of the Express load generator. */
  readonly httpConcurrency: number;
}

/** Settings of `pnpm bench`: about 2 to 3 minutes on a 2-core machine. */
export const FULL_MODE: RunMode = {
  quick: false,
  rounds: 5,
  measureMs: 120,
  minSamples: 12,
  warmupMs: 150,
  heapRepetitions: 5,
  heapSeries: 10_000,
  httpRequests: 8_000,
  httpConcurrency: 16,
};

/** Settings of `pnpm bench --quick`: a few seconds, every suite exercised once. */
export const QUICK_MODE: RunMode = {
  quick: true,
  rounds: 1,
  measureMs: 2,
  minSamples: 2,
  warmupMs: 1,
  heapRepetitions: 1,
  // Enough series that the few hundred bytes a GC may free or keep elsewhere cannot flip the sign.
  heapSeries: 5000,
  httpRequests: 200,
  httpConcurrency: 4,
};
