import {
  type NativeBuckets,
  type NativeHistogramView,
  nativeBucketIndex,
  nativeBucketUpperBound,
} from '@servermetrics/core';
import { downscale, downscaledIndex, type NativeBucketMap } from '../native/native-bucket-map.js';

/**
 * The native part of a histogram summed over every worker that ever contributed: increases only
 * add, like the classic part, so a dead or restarted worker's observations stay. Workers may
 * differ in schema (core lowers a series' schema when it reaches `maxBuckets`) and in zero
 * threshold: the sum keeps the lowest schema and the widest zero bucket seen (raised to a bucket
 * boundary), merging what it holds and what arrives to them, as Prometheus does when it adds
 * native histograms. Its bucket
 * count is the union of the workers' buckets, so it can exceed one worker's `maxBuckets`.
 *
 * A stable view object (core's NativeHistogramView); `positive` and `negative` are rebuilt on
 * the first read after a change, in O(buckets log buckets).
 */
export class NativeAggregate implements NativeHistogramView {
  zeroCount = 0;
  /** Observations added: the zero count plus every bucket's count. */
  observations = 0;
  private readonly buckets: Record<'positive' | 'negative', NativeBucketMap> = {
    positive: new Map(),
    negative: new Map(),
  };
  private readonly views: Record<'positive' | 'negative', NativeBuckets | undefined> = {
    positive: undefined,
    negative: undefined,
  };

  constructor(
    public schema: number,
    public zeroThreshold: number,
  ) {}

  get positive(): NativeBuckets {
    this.views.positive ??= toNativeBuckets(this.buckets.positive);
    return this.views.positive;
  }

  get negative(): NativeBuckets {
    this.views.negative ??= toNativeBuckets(this.buckets.negative);
    return this.views.negative;
  }

  /**
   * Adds a worker's increases: `zeroCount` observations in its zero bucket (of `zeroThreshold`)
   * and, per side, bucket index and count pairs at `schema`.
   */
  add(
    schema: number,
    zeroThreshold: number,
    zeroCount: number,
    positive: readonly (readonly [number, number])[],
    negative: readonly (readonly [number, number])[],
  ): void {
    let settle = false;
    if (schema < this.schema) {
      this.buckets.positive = downscale(this.buckets.positive, this.schema - schema);
      this.buckets.negative = downscale(this.buckets.negative, this.schema - schema);
      this.schema = schema;
      settle = true;
    }
    if (zeroThreshold > this.zeroThreshold) {
      this.zeroThreshold = zeroThreshold;
      settle = true;
    }
    this.zeroCount += zeroCount;
    this.observations += zeroCount;
    const shift = schema - this.schema;
    // Buckets at or below the one holding the threshold may belong in the zero bucket.
    const zeroBucket =
      this.zeroThreshold > 0 ? nativeBucketIndex(this.zeroThreshold, this.schema) : -Infinity;
    for (const [side, pairs] of [
      [this.buckets.positive, positive],
      [this.buckets.negative, negative],
    ] as const) {
      for (const [index, count] of pairs) {
        this.observations += count;
        const target = downscaledIndex(index, shift);
        side.set(target, (side.get(target) ?? 0) + count);
        if (target <= zeroBucket) settle = true;
      }
    }
    if (settle) this.settleZeroBucket();
    this.views.positive = undefined;
    this.views.negative = undefined;
  }

  /**
   * Moves into the zero bucket every bucket inside it, and, as Prometheus does when it adds
   * native histograms of different zero thresholds, a populated bucket that straddles the
   * threshold, raising the threshold to that bucket's upper bound: a served bucket is never
   * split, which Prometheus would read as a counter reset. Cost: one pass over the buckets.
   */
  private settleZeroBucket(): void {
    if (this.zeroThreshold === 0) return;
    const { positive, negative } = this.buckets;
    const straddled = nativeBucketIndex(this.zeroThreshold, this.schema);
    if (positive.has(straddled) || negative.has(straddled)) {
      this.zeroThreshold = Math.max(this.zeroThreshold, nativeBucketUpperBound(straddled, this.schema));
    }
    for (const side of [positive, negative]) {
      for (const [index, count] of side) {
        if (nativeBucketUpperBound(index, this.schema) > this.zeroThreshold) continue;
        this.zeroCount += count;
        side.delete(index);
      }
    }
  }
}

/** Spans and counts (core's NativeBuckets) of the non-empty buckets in `map`, by index. */
function toNativeBuckets(map: NativeBucketMap): NativeBuckets {
  const indexes = [...map.keys()].sort((left, right) => left - right);
  const spans: { offset: number; length: number }[] = [];
  const counts: number[] = [];
  let next = 0;
  for (const index of indexes) {
    const last = spans[spans.length - 1];
    if (last !== undefined && index === next) last.length++;
    else spans.push({ offset: index - next, length: 1 });
    counts.push(map.get(index)!);
    next = index + 1;
  }
  return { spans, counts };
}
