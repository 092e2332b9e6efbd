/** One run of consecutive native buckets (as core's collect side and the protobuf format have it). */
export interface NativeSpan {
  readonly offset: number;
  readonly length: number;
}

/** A native histogram computed from raw observations, independently of any library code. */
export interface NativeObservations {
  readonly schema: number;
  readonly zeroThreshold: number;
  readonly zeroCount: number;
  readonly positive: { readonly spans: readonly NativeSpan[]; readonly counts: readonly number[] };
  readonly negative: { readonly spans: readonly NativeSpan[]; readonly counts: readonly number[] };
  readonly count: number;
  readonly sum: number;
}

/**
 * The native bucket index of |value| > 0 at `schema`: the i with base^(i-1) < |value| <= base^i,
 * base = 2^(2^-schema), computed as ceil(log2(|value|) * 2^schema). Exact at powers of two
 * (Math.log2 is exact there, so 2^k falls in the bucket it closes); elsewhere a value within a
 * rounding error of a bucket boundary may land one bucket off, which these tests avoid.
 */
export function nativeBucketIndex(value: number, schema: number): number {
  return Math.ceil(Math.log2(Math.abs(value)) * 2 ** schema);
}

/**
 * Buckets `values` into a native histogram of `schema` (a reference for tests): |value| <=
 * zeroThreshold counts in the zero bucket; other values go to their bucket by sign. Spans start
 * wherever an index is skipped (offsets as gaps from the previous span's end, the first from 0).
 */
export function bucketNativeObservations(
  values: readonly number[],
  schema: number = 3,
  zeroThreshold: number = 2 ** -128,
): NativeObservations {
  const positive = new Map<number, number>();
  const negative = new Map<number, number>();
  let zeroCount = 0;
  let sum = 0;
  for (const value of values) {
    sum += value;
    if (Math.abs(value) <= zeroThreshold) {
      zeroCount++;
      continue;
    }
    const buckets = value > 0 ? positive : negative;
    const index = nativeBucketIndex(value, schema);
    buckets.set(index, (buckets.get(index) ?? 0) + 1);
  }
  return {
    schema,
    zeroThreshold,
    zeroCount,
    positive: spansOf(positive),
    negative: spansOf(negative),
    count: values.length,
    sum,
  };
}

function spansOf(buckets: ReadonlyMap<number, number>): { spans: NativeSpan[]; counts: number[] } {
  const indexes = [...buckets.keys()].sort((a, b) => a - b);
  const spans: { offset: number; length: number }[] = [];
  const counts: number[] = [];
  let next = 0; // the index after the end of the previous span
  for (const index of indexes) {
    const last = spans[spans.length - 1];
    if (last !== undefined && index === next) last.length++;
    else spans.push({ offset: index - next, length: 1 });
    next = index + 1;
    counts.push(buckets.get(index)!);
  }
  return { spans, counts };
}
