import type { LabelValue, MetricType } from '@servermetrics/core';
import type { MergeRule } from '../merge/merge-rule.js';

/**
 * Every message of this package carries `servermetrics: MESSAGE_MARKER`, so an application that
 * listens to the same IPC channel (`worker.on('message')`, `process.on('message')`) can tell
 * them from its own and ignore them.
 */
export const MESSAGE_MARKER = 'servermetrics:cluster';

/** Version of the message format; a message of another version is refused (counted and logged). */
export const PROTOCOL_VERSION = 1;

/** RequestMessage: the aggregator asks a worker to send its changes now (a scrape is waiting). */
export interface RequestMessage {
  readonly servermetrics: typeof MESSAGE_MARKER;
  readonly version: number;
  readonly kind: 'request';
  readonly requestId: number;
}

/** FamilyDefinition introduces a family to the aggregator, once per worker (by `id`). */
export interface FamilyDefinition {
  /** Identifier of the family within the sending worker. */
  readonly id: number;
  readonly name: string;
  readonly type: MetricType;
  readonly help: string | undefined;
  readonly unit: string | undefined;
  readonly labelNames: readonly string[];
  /** Histogram bucket upper bounds (without +Inf); empty for counters and gauges. */
  readonly bucketBounds: readonly number[];
  /** Merge rule declared with `clusterMerge`, when any. */
  readonly merge: MergeRule | undefined;
}

/**
 * UpdateMessage carries what changed in a worker since its last successful send. Series are
 * introduced once (`newSeries`) and then named by a number, so a steady-state update of n
 * series is about 2n numbers.
 */
export interface UpdateMessage {
  readonly servermetrics: typeof MESSAGE_MARKER;
  readonly version: number;
  readonly kind: 'update';
  /** The worker's name: the value of the `worker` label when one is used. */
  readonly worker: string;
  /** The request this update answers; absent for a periodic update. */
  readonly requestId?: number;
  /** Families sent for the first time. */
  readonly definitions: readonly FamilyDefinition[];
  /** Series sent for the first time, flat: `familyId, seriesId, labelValues`, repeated. */
  readonly newSeries: readonly (number | readonly LabelValue[])[];
  /**
   * Counter and gauge values, flat: `seriesId, value`, repeated. A counter's value is the
   * increase since the last send (a delta); a gauge's is its current value. Non-finite gauge
   * values travel as the strings `"Infinity"`, `"-Infinity"` (JSON has no such numbers).
   */
  readonly values: readonly (number | string)[];
  /**
   * Histogram increases, flat: `seriesId, sumDelta, countDelta, bucket deltas...` (one per
   * bucket, `+Inf` included: the family's bucket bound count plus one), repeated.
   */
  readonly histograms: readonly number[];
  /**
   * Native histogram increases, for series whose histogram has a native part, flat: `seriesId,
   * schema, zeroThreshold, zeroCountDelta, n, (bucketIndex, delta) n times` for the positive
   * buckets, then `m, (bucketIndex, delta) m times` for the negative ones, repeated. Indexes are
   * at `schema`; only buckets that grew are listed. Absent from workers of older versions.
   */
  readonly natives?: readonly number[];
  /** Series the worker no longer has (removed, evicted or reset): their ids are retired. */
  readonly removed: readonly number[];
}

/**
 * ConnectMessage: a worker thread hands the aggregator a MessagePort of its own (through
 * `parentPort`, once), so the metrics traffic never keeps the thread or its parent alive.
 */
export interface ConnectMessage {
  readonly servermetrics: typeof MESSAGE_MARKER;
  readonly version: number;
  readonly kind: 'connect';
  readonly port: unknown;
}

/** Returns true when `message` is one of this package's messages (of any kind or version). Never throws. */
export function isClusterMessage(message: unknown): message is { kind: unknown; version: unknown } {
  try {
    return (
      typeof message === 'object' &&
      message !== null &&
      (message as { servermetrics?: unknown }).servermetrics === MESSAGE_MARKER
    );
  } catch {
    // A Proxy or getter that throws is not our message.
    return false;
  }
}

/** Encodes a gauge value for JSON transport (non-finite values as strings). */
export function encodeValue(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** Decodes a value of `values`: a number, or `"Infinity"` / `"-Infinity"`; NaN for anything else. */
export function decodeValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}
