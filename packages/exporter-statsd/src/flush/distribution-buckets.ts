import { type HistogramSeries, type NativeBuckets, nativeBucketUpperBound } from '@servermetrics/core';

/**
 * Receives one bucket of a histogram series: a key unique within the series (the exporter keeps
 * the count it last sent under it), a representative value, and the bucket's absolute count.
 */
export type BucketVisitor = (key: number, representative: number, count: number) => void;

// Keys: bucket index * 4 + kind, so the kinds never collide whatever the (signed) index.
const POSITIVE = 0;
const NEGATIVE = 1;
const ZERO = 2;
const CLASSIC = 3;

/** The kind of a bucket key (one of the four above). */
function keyKind(key: number): number {
  return ((key % 4) + 4) % 4;
}

/**
 * Visits every non-empty bucket of `series` with a representative value:
 * - native buckets (when the series has a native view): the geometric midpoint base^(i-1/2) of
 *   bucket (base^(i-1), base^i], so any observation in it is within a factor sqrt(base) of its
 *   representative (4.4% for schema 3, the default bucket factor 1.1); the zero bucket as 0;
 *   negative buckets as the negated midpoint;
 * - classic buckets: the midpoint of (previous bound, bound] (the first bucket: half its bound
 *   when positive, else the bound); the `+Inf` bucket as the last bound. A percentile is then
 *   off by at most half the width of the bucket it falls in (the `+Inf` bucket: unbounded).
 * Cost: one pass over the series' buckets; no allocation.
 */
export function visitBuckets(
  series: HistogramSeries,
  bucketBounds: readonly number[],
  visit: BucketVisitor,
): void {
  const native = series.native;
  if (native !== undefined) {
    if (native.zeroCount > 0) visit(ZERO, 0, native.zeroCount);
    visitNative(native.positive, native.schema, 1, POSITIVE, visit);
    visitNative(native.negative, native.schema, -1, NEGATIVE, visit);
    return;
  }
  const counts = series.bucketCounts;
  for (let index = 0; index < counts.length; index++) {
    const count = counts[index]!;
    if (count === 0) continue;
    const bound = bucketBounds[index];
    const previous = bucketBounds[index - 1];
    const representative =
      bound === undefined
        ? (previous ?? 0)
        : previous === undefined
          ? bound > 0
            ? bound / 2
            : bound
          : (previous + bound) / 2;
    visit(index * 4 + CLASSIC, representative, count);
  }
}

function visitNative(
  buckets: NativeBuckets,
  schema: number,
  sign: number,
  kind: number,
  visit: BucketVisitor,
): void {
  const log2Base = 2 ** -schema;
  let index = 0;
  let position = 0;
  for (let span = 0; span < buckets.spans.length; span++) {
    const { offset, length } = buckets.spans[span]!;
    index += offset;
    for (let step = 0; step < length; step++, index++, position++) {
      const count = buckets.counts[position] ?? 0;
      if (count > 0) visit(index * 4 + kind, sign * 2 ** ((index - 0.5) * log2Base), count);
    }
  }
}

/**
 * Re-keys counts last sent at schema `from` for the coarser schema `to` (core lowers the schema
 * of a native histogram that reached its bucket limit, merging pairs of buckets): bucket i
 * becomes ceil(i / 2^(from - to)). Classic and zero keys are kept.
 */
export function remapSchema(sent: Map<number, number>, from: number, to: number): Map<number, number> {
  const remapped = new Map<number, number>();
  const shift = from - to;
  for (const [key, count] of sent) {
    const kind = keyKind(key);
    const index = (key - kind) / 4;
    const next = kind === POSITIVE || kind === NEGATIVE ? Math.ceil(index / 2 ** shift) * 4 + kind : key;
    remapped.set(next, (remapped.get(next) ?? 0) + count);
  }
  return remapped;
}

/**
 * Moves, in `sent`, the counts last sent for buckets now inside the zero bucket (their upper bound at `schema`
 * is at most `zeroThreshold`) to the zero key: a producer that widened its zero threshold (the
 * cluster aggregate, merging a worker with a wider one) counts them there from now on.
 */
export function foldIntoZero(sent: Map<number, number>, schema: number, zeroThreshold: number): void {
  for (const [key, count] of sent) {
    const kind = keyKind(key);
    if (kind !== POSITIVE && kind !== NEGATIVE) continue;
    if (nativeBucketUpperBound((key - kind) / 4, schema) > zeroThreshold) continue;
    sent.delete(key);
    sent.set(ZERO, (sent.get(ZERO) ?? 0) + count);
  }
}

const scratch = new Float64Array(1);
const scratchBits = new BigInt64Array(scratch.buffer);

/**
 * The `|@rate` field that makes the Datadog Agent count one value `count` times: the Agent
 * inserts a sampled distribution value into its sketch `uint(1 / rate)` times (truncated), so
 * the rate is 1/count lowered by a few ulps where 1/(1/count) rounds below count. Go's
 * ParseFloat reads JavaScript's shortest round-trip text back to the same double, and both do
 * IEEE division, so the Agent's count is exactly `count`. Empty for a count of 1.
 */
export function sampleRateField(count: number): string {
  if (count === 1) return '';
  scratch[0] = 1 / count;
  while (Math.trunc(1 / scratch[0]!) < count) scratchBits[0] = scratchBits[0]! - 1n;
  return `|@${scratch[0]}`;
}
