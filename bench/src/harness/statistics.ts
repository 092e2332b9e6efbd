/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The value at `fraction` (0 to 1) of a non-empty list: the sorted values' element at index
 * `floor(length * fraction)`, capped at the last one (so `1` gives the maximum).
 */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** `min-max` of a non-empty list, each with `digits` decimals: `[3, 1.5, 2]` with 2 gives `1.50-3.00`. */
export function formatRange(values: readonly number[], digits: number): string {
  return `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;
}

/**
 * Returns `items` rotated left by `round` places: round 0 starts with the first item, round 1
 * with the second, and so on, so every contender is measured first (and last) equally often.
 */
export function rotate<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const offset = round % items.length;
  return [...items.slice(offset), ...items.slice(0, offset)];
}
