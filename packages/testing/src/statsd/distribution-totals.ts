/** What the Datadog Agent makes of a metric's DogStatsD distribution lines. */
export interface DistributionTotals {
  /** Values counted: each line counts `trunc(1 / sample rate)` times, as the Agent inserts it. */
  readonly count: number;
  /** Sum of value / sample rate over the lines. */
  readonly sum: number;
}

/**
 * Decodes the distribution lines (`name:value|d[|@rate][|#tags]`) of metric `name` among `lines`
 * as the Datadog Agent does: a line with `|@rate` counts `trunc(1 / rate)` values. Lines of other
 * metrics or types are ignored. Throws on a `name` line of type `d` whose value is not a number.
 */
export function distributionTotals(lines: readonly string[], name: string): DistributionTotals {
  let count = 0;
  let sum = 0;
  for (const line of lines) {
    if (!line.startsWith(`${name}:`)) continue;
    const fields = line.slice(name.length + 1).split('|');
    if (fields[1] !== 'd') continue;
    const value = Number(fields[0]);
    if (!Number.isFinite(value)) throw new Error(`distribution line with a non-numeric value: ${line}`);
    const rateField = fields.find((field) => field.startsWith('@'));
    const rate = rateField === undefined ? 1 : Number(rateField.slice(1));
    count += Math.trunc(1 / rate);
    sum += value / rate;
  }
  return { count, sum };
}
