import { sink } from './isolated-pass.js';
import type { RunMode } from './run-mode.js';
import { median, rotate } from './statistics.js';

/** HeapContender builds one library's metric holding `series` series and returns it. */
export interface HeapContender {
  readonly library: string;
  /**
   * Creates a fresh metric (in a fresh registry) and fills `series` series. The harness keeps
   * the returned value alive until the measurement is taken, then drops it.
   */
  readonly build: (series: number) => unknown;
  /** Runs after `build`, before the second reading (e.g. two scrapes, to count what scrapes keep). */
  readonly after?: (built: unknown) => Promise<void>;
}

/** HeapFigure is the bytes per series one contender measured. */
export interface HeapFigure {
  readonly library: string;
  /** Median over repetitions, in bytes per series. */
  readonly bytesPerSeries: number;
  /** Each repetition's figure, in bytes per series. */
  readonly repetitions: readonly number[];
}

/**
 * Measures retained memory per series: full GC, read `heapUsed + arrayBuffers`, build the
 * metric, full GC, read again; the difference divided by the series count. ArrayBuffer backing
 * stores live outside the V8 heap, so `heapUsed` alone would under-count typed arrays. Contenders alternate over
 * `mode.heapRepetitions` repetitions and the median is kept. Label objects and their strings
 * must be created by the caller beforehand so they are charged to nobody.
 *
 * Throws when the process was started without `--expose-gc`: the figures would be noise.
 */
export async function compareHeap(
  contenders: readonly HeapContender[],
  mode: RunMode,
): Promise<HeapFigure[]> {
  const collect = globalThis.gc;
  if (typeof collect !== 'function') {
    throw new Error('Heap suites need global.gc: run node with --expose-gc (pnpm bench does).');
  }
  const fullCollect = (): void => {
    collect();
    collect();
  };
  const figures = new Map<string, number[]>(contenders.map((contender) => [contender.library, []]));
  for (let repetition = 0; repetition < mode.heapRepetitions; repetition++) {
    for (const contender of rotate(contenders, repetition)) {
      fullCollect();
      const before = retainedBytes();
      const kept = contender.build(mode.heapSeries);
      if (contender.after !== undefined) await contender.after(kept);
      fullCollect();
      const after = retainedBytes();
      figures.get(contender.library)!.push((after - before) / mode.heapSeries);
      // Used after the second collection, so it was alive while heapUsed was read.
      sink(kept);
    }
  }
  return contenders.map((contender) => {
    const repetitions = figures.get(contender.library)!;
    return { library: contender.library, bytesPerSeries: median(repetitions), repetitions };
  });
}

/** V8 heap in use plus ArrayBuffer backing stores (which typed arrays keep off the heap). */
function retainedBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}
