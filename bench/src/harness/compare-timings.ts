import { measure } from 'mitata';
import type { RunMode } from './run-mode.js';
import { median, rotate } from './statistics.js';

/** Contender is one library's implementation of the operation a suite measures. */
export interface Contender {
  /** Library name as shown in the table, e.g. `servermetrics` or `prom-client`. */
  readonly library: string;
  /**
   * One pass of the operation, called many times. It must hand what it computed to
   * `do_not_optimize` (or return a promise the harness awaits) so the JIT cannot drop the work.
   */
  readonly pass: () => unknown;
  /** How many operations one pass performs; figures are reported per operation. */
  readonly operationsPerPass: number;
  /**
   * Untimed set-up run before every pass (for example, changing the cells a flush will send).
   * @default none
   */
  readonly prepare?: () => void;
}

/** Timing is what one contender measured: the median over rounds, and every round's figure. */
export interface Timing {
  readonly library: string;
  /** Median over rounds of each round's median sample, in nanoseconds per operation. */
  readonly nanosecondsPerOperation: number;
  /** Each round's median sample, in nanoseconds per operation, in round order. */
  readonly rounds: readonly number[];
}

/**
 * Measures every contender with mitata in `mode.rounds` alternating rounds (the starting
 * contender rotates each round, so slow drift of the machine cannot favour one side) and
 * returns, per contender, the median of its per-round medians.
 *
 * Each contender is first run for `mode.warmupMs` so the JIT has optimised it before round one.
 * Mitata collects a full garbage collection before each measurement (with `--expose-gc`).
 * Batching is turned off: a pass is already a loop over many operations.
 */
export async function compareTimings(contenders: readonly Contender[], mode: RunMode): Promise<Timing[]> {
  for (const contender of contenders) await warmUp(contender, mode.warmupMs);
  const samples = new Map<string, number[]>(contenders.map((contender) => [contender.library, []]));
  for (let round = 0; round < mode.rounds; round++) {
    for (const contender of rotate(contenders, round)) {
      const stats = await measureContender(contender, mode);
      samples.get(contender.library)!.push(stats.p50 / contender.operationsPerPass);
    }
  }
  return contenders.map((contender) => {
    const rounds = samples.get(contender.library)!;
    return { library: contender.library, nanosecondsPerOperation: median(rounds), rounds };
  });
}

/**
 * One mitata measurement. With `prepare`, mitata's generator form is used: its parameter
 * functions run before each sample, outside the timed region.
 */
function measureContender(contender: Contender, mode: RunMode): ReturnType<typeof measure> {
  const options = { min_cpu_time: mode.measureMs * 1e6, min_samples: mode.minSamples, batch_threshold: -1 };
  const { prepare, pass } = contender;
  if (prepare === undefined) return measure(pass, options);
  const benchmark = function* (): Generator<unknown> {
    yield { 0: prepare, bench: (_prepared: unknown): unknown => pass() };
  };
  return measure(benchmark as unknown as Parameters<typeof measure>[0], options);
}

async function warmUp(contender: Contender, milliseconds: number): Promise<void> {
  const deadline = performance.now() + milliseconds;
  do {
    contender.prepare?.();
    const result = contender.pass();
    if (result instanceof Promise) await result;
  } while (performance.now() < deadline);
}
