/** Options of logNormalSamples. */
export interface LogNormalOptions {
  /** Median of the samples. @default 0.1 */
  readonly median?: number;
  /** Standard deviation of their logarithm. @default 1 */
  readonly sigma?: number;
}

/**
 * `count` log-normal samples (latencies in seconds, say) from a fixed `seed`: mulberry32 for
 * uniform numbers in (0, 1), Box-Muller for normal ones, so every run gets the same values.
 */
export function logNormalSamples(count: number, seed: number, options: LogNormalOptions = {}): number[] {
  const { median = 0.1, sigma = 1 } = options;
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const values: number[] = [];
  for (let index = 0; index < count; index++) {
    const normal = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    values.push(Math.exp(Math.log(median) + sigma * normal));
  }
  return values;
}
