import type { NativeBuckets } from '@servermetrics/core';

/** The buckets of one sign of a native histogram, as bucket index to absolute count (no empty buckets). */
export type NativeBucketMap = Map<number, number>;

/** The non-empty buckets of `buckets` (core's spans and counts) as a map. Cost: one pass. */
export function toBucketMap(buckets: NativeBuckets): NativeBucketMap {
  const map: NativeBucketMap = new Map();
  let index = 0;
  let position = 0;
  for (const { offset, length } of buckets.spans) {
    index += offset;
    for (let step = 0; step < length; step++, index++, position++) {
      const count = buckets.counts[position] ?? 0;
      if (count > 0) map.set(index, count);
    }
  }
  return map;
}

/**
 * The bucket at schema `schema - shift` that bucket `index` of schema `schema` falls in: each
 * lower schema merges pairs of buckets, (base^(i-1), base^i] going to ceil(i / 2).
 */
export function downscaledIndex(index: number, shift: number): number {
  return Math.ceil(index / 2 ** shift);
}

/** `map` with its buckets merged `shift` schemas down (a new map; `map` itself when shift is 0). */
export function downscale(map: NativeBucketMap, shift: number): NativeBucketMap {
  if (shift === 0) return map;
  const merged: NativeBucketMap = new Map();
  for (const [index, count] of map) {
    const target = downscaledIndex(index, shift);
    merged.set(target, (merged.get(target) ?? 0) + count);
  }
  return merged;
}
