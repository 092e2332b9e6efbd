import type { BucketSpan, NativeBuckets, NativeHistogramView } from '../collect/metric-family.js';
import { MAGNITUDE_SCRATCH, NATIVE_SCHEMA_MINIMUM, scratchBucketIndex } from './native-bucket-index.js';
import type { NativeConfig } from './native-options.js';

const NO_SPANS: readonly BucketSpan[] = Object.freeze([]);
const NO_COUNTS: readonly number[] = Object.freeze([]);

/**
 * The populated buckets of one sign: a Map from bucket index to count, so memory grows with the
 * buckets used (not with their range). Adding to a bucket already seen is a Map get and set,
 * O(1), without allocation. The spans and counts are built when read (sorted), and cached until
 * the next observation.
 */
export class SparseBuckets implements NativeBuckets {
  /** Index -> count; created on the first bucket. @internal */
  counters: Map<number, number> | undefined = undefined;
  /** Grows with each added observation; the cache below is valid when it matches. @internal */
  private version = 0;
  /** @internal */
  private builtVersion = 0;
  /** @internal */
  private builtSpans: readonly BucketSpan[] = NO_SPANS;
  /** @internal */
  private builtCounts: readonly number[] = NO_COUNTS;

  /** Runs of consecutive populated bucket indexes, in increasing order. Allocates when stale. */
  get spans(): readonly BucketSpan[] {
    if (this.builtVersion !== this.version) this.build();
    return this.builtSpans;
  }

  /** Absolute counts in span order. Allocates when stale. */
  get counts(): readonly number[] {
    if (this.builtVersion !== this.version) this.build();
    return this.builtCounts;
  }

  /** Number of populated buckets. */
  get size(): number {
    return this.counters?.size ?? 0;
  }

  /** @internal Adds `count` to bucket `index`; returns true when that bucket is new. */
  add(index: number, count: number): boolean {
    this.version++;
    let counters = this.counters;
    if (counters === undefined) {
      counters = new Map();
      this.counters = counters;
    }
    const previous = counters.get(index);
    if (previous === undefined) {
      counters.set(index, count);
      return true;
    }
    counters.set(index, previous + count);
    return false;
  }

  /** @internal Drops every bucket. */
  clear(): void {
    this.version++;
    this.counters = undefined;
  }

  /** @internal Merges pairs of buckets: index i becomes ceil(i / 2), as the schema drops by one. */
  halveResolution(): void {
    const old = this.counters;
    if (old === undefined) return;
    this.version++;
    const merged = new Map<number, number>();
    for (const [index, count] of old) {
      const target = (index + 1) >> 1;
      merged.set(target, (merged.get(target) ?? 0) + count);
    }
    this.counters = merged;
  }

  /** @internal */
  private build(): void {
    this.builtVersion = this.version;
    const counters = this.counters;
    if (counters === undefined || counters.size === 0) {
      this.builtSpans = NO_SPANS;
      this.builtCounts = NO_COUNTS;
      return;
    }
    const indexes = Float64Array.from(counters.keys()).sort();
    const spans: BucketSpan[] = [];
    const counts: number[] = [];
    let spanStart = indexes[0]!;
    let previous = spanStart;
    let offset = spanStart;
    for (let position = 0; position < indexes.length; position++) {
      const index = indexes[position]!;
      if (position > 0 && index !== previous + 1) {
        spans.push({ offset, length: previous - spanStart + 1 });
        offset = index - previous - 1;
        spanStart = index;
      }
      counts.push(counters.get(index)!);
      previous = index;
    }
    spans.push({ offset, length: previous - spanStart + 1 });
    this.builtSpans = spans;
    this.builtCounts = counts;
  }
}

/**
 * The native part of one histogram series: schema, zero bucket and the sparse buckets of each
 * sign. Is its own live NativeHistogramView.
 */
export class NativeHistogramState implements NativeHistogramView {
  /** Current schema: starts at the configured one and drops when resolution is reduced. */
  schema: number;
  readonly zeroThreshold: number;
  zeroCount = 0;
  readonly positive: SparseBuckets = new SparseBuckets();
  readonly negative: SparseBuckets = new SparseBuckets();
  /** When the series started or was last reset for exceeding maxBuckets (performance.now()). @internal */
  startedAt: number;
  /** In-place resets for exceeding maxBuckets so far. */
  resets = 0;

  /** @internal */
  constructor(config: NativeConfig) {
    this.schema = config.schema;
    this.zeroThreshold = config.zeroThreshold;
    this.startedAt = config.minResetDurationMs > 0 ? performance.now() : 0;
  }

  /**
   * @internal Adds one finite observation, passed in MAGNITUDE_SCRATCH[0] (a double argument to
   * a call V8 does not inline would be boxed). Returns true when it populated a new bucket and
   * the series now has more than `maxBuckets` (the caller then resets or reduces resolution).
   */
  observeScratch(maxBuckets: number): boolean {
    const threshold = this.zeroThreshold;
    const value = MAGNITUDE_SCRATCH[0]!;
    // One call site of scratchBucketIndex (not one per sign): with two, V8's inlining budget
    // left one of them a real call, and the caller's double then got boxed (16 bytes a call).
    let side: SparseBuckets;
    if (value > threshold) {
      side = this.positive;
    } else if (value < -threshold) {
      MAGNITUDE_SCRATCH[0] = -value;
      side = this.negative;
    } else {
      this.zeroCount++;
      return false;
    }
    return side.add(scratchBucketIndex(this.schema), 1) && this.bucketCount() > maxBuckets;
  }

  /** Populated buckets of both signs (not the zero bucket). */
  bucketCount(): number {
    return this.positive.size + this.negative.size;
  }

  /**
   * @internal Halves the resolution (schema - 1, merging pairs of buckets, as client_golang's
   * doubleBucketWidth) until at most `maxBuckets` buckets are populated or the schema is -4.
   */
  reduceResolution(maxBuckets: number): void {
    while (this.bucketCount() > maxBuckets && this.schema > NATIVE_SCHEMA_MINIMUM) {
      this.schema--;
      this.positive.halveResolution();
      this.negative.halveResolution();
    }
  }

  /** @internal Empties every bucket and returns to the configured schema. */
  clear(config: NativeConfig, now: number): void {
    this.schema = config.schema;
    this.zeroCount = 0;
    this.positive.clear();
    this.negative.clear();
    this.startedAt = now;
    this.resets++;
  }
}
