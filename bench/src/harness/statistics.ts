/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
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
