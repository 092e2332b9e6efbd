import type { HistogramSeries, LabelValue, MetricFamily, ValueSeries } from '@servermetrics/core';
import { declaredMergeRule } from '../merge/merge-rule.js';
import { downscale, type NativeBucketMap, toBucketMap } from '../native/native-bucket-map.js';
import {
  encodeValue,
  type FamilyDefinition,
  MESSAGE_MARKER,
  PROTOCOL_VERSION,
  type UpdateMessage,
} from '../protocol/cluster-message.js';

/** What the aggregator was last told about one family. */
interface TrackedFamily {
  readonly id: number;
  readonly definition: FamilyDefinition;
  /** True once a message carrying the definition was sent. */
  announced: boolean;
}

/** What the aggregator was last told about one series (keyed by its view object). */
interface TrackedSeries {
  readonly id: number;
  readonly family: TrackedFamily;
  readonly labelValues: readonly LabelValue[];
  /** True once a message introducing the series was sent. */
  announced: boolean;
  /** Generation of the last build that saw the view. */
  seen: number;
  /** `updateCount` of the view when last sent. */
  updateCount: number;
  /** Counter or gauge value last sent (counters: the cumulative value the deltas add up to). */
  value: number;
  /** Histogram state last sent. */
  sum: number;
  count: number;
  buckets: Float64Array | undefined;
  /** Native histograms: in-place resets (core's `minResetDurationMs`) when last sent. */
  resets: number;
  /** Native histograms: the native part last sent. */
  native: NativeSnapshot | undefined;
}

/** A native histogram's part as last sent: its schema, zero bucket and buckets by index. */
interface NativeSnapshot {
  readonly schema: number;
  readonly zeroCount: number;
  readonly positive: NativeBucketMap;
  readonly negative: NativeBucketMap;
}

/** A built update and how to record it as sent. */
export interface PendingUpdate {
  readonly message: UpdateMessage;
  /** Records the update as delivered: the next build sends only what changed after it. */
  commit(): void;
}

/**
 * DeltaTracker turns a worker's families into update messages holding only what changed since
 * the last committed update: counter and histogram increases, current gauge values, series that
 * appeared or went away. State is keyed by series view objects (stable for a series' life, per
 * core's MetricProducer contract), so a series re-created after `reset()`, `remove()` or an
 * eviction is a new series whose whole value is its first delta, and a counter whose value went
 * down (a producer that reset in place) is sent from zero again.
 *
 * An update that is built but not committed (the send failed) changes nothing: the next build
 * sends the same changes again, merged with newer ones. Cost per build: one pass over every
 * series (an `updateCount` comparison for unchanged ones) plus one over the tracked series.
 */
export class DeltaTracker {
  private readonly families = new Map<object, Map<string, TrackedFamily>>();
  private readonly series = new Map<object, TrackedSeries>();
  private nextFamilyId = 1;
  private nextSeriesId = 1;
  private generation = 0;

  constructor(private readonly workerName: string) {}

  /**
   * Builds the update for `families` (what `gatherFamilies` returned). Returns undefined when
   * nothing changed and `force` is false (a request is always answered, so it forces).
   */
  build(
    families: readonly MetricFamily[],
    requestId: number | undefined,
    force: boolean,
  ): PendingUpdate | undefined {
    const generation = ++this.generation;
    const definitions: FamilyDefinition[] = [];
    const newSeries: (number | readonly LabelValue[])[] = [];
    const values: (number | string)[] = [];
    const histograms: number[] = [];
    const natives: number[] = [];
    const removed: number[] = [];
    const sent: { tracked: TrackedSeries; view: ValueSeries | HistogramSeries }[] = [];
    const nativeSnapshots = new Map<TrackedSeries, NativeSnapshot>();
    const announcedFamilies: TrackedFamily[] = [];

    for (const family of families) {
      const trackedFamily = this.familyFor(family);
      let familyAnnounced = trackedFamily.announced;
      const announceFamily = (): void => {
        if (familyAnnounced) return;
        familyAnnounced = true;
        definitions.push(trackedFamily.definition);
        announcedFamilies.push(trackedFamily);
      };
      for (const view of family.series) {
        let tracked = this.series.get(view);
        if (tracked === undefined) {
          tracked = {
            id: this.nextSeriesId++,
            family: trackedFamily,
            labelValues: [...view.labelValues],
            announced: false,
            seen: generation,
            updateCount: Number.NaN,
            value: 0,
            sum: 0,
            count: 0,
            buckets: undefined,
            resets: 0,
            native: undefined,
          };
          this.series.set(view, tracked);
        }
        tracked.seen = generation;
        if (tracked.announced && tracked.updateCount === view.updateCount) continue;
        if (!tracked.announced) {
          announceFamily();
          newSeries.push(trackedFamily.id, tracked.id, tracked.labelValues);
        }
        if (family.type === 'histogram') {
          const snapshot = this.histogramDelta(
            tracked,
            view as HistogramSeries,
            family.bucketBounds.length + 1,
            histograms,
            natives,
          );
          if (snapshot !== undefined) nativeSnapshots.set(tracked, snapshot);
        } else if (family.type === 'counter') {
          const value = (view as ValueSeries).value;
          // A value below the last one sent is a counter reset in place: everything is new.
          const delta = value >= tracked.value ? value - tracked.value : value;
          if (delta !== 0 || !tracked.announced) values.push(tracked.id, delta);
        } else {
          values.push(tracked.id, encodeValue((view as ValueSeries).value));
        }
        sent.push({ tracked, view });
      }
    }
    const vanished: [object, TrackedSeries][] = [];
    for (const entry of this.series) {
      if (entry[1].seen === generation) continue;
      vanished.push(entry);
      if (entry[1].announced) removed.push(entry[1].id);
    }
    if (!force && sent.length === 0 && removed.length === 0) {
      // Nothing to send; series that vanished before ever being announced are simply forgotten.
      for (const [view] of vanished) this.series.delete(view);
      return undefined;
    }
    const message: UpdateMessage = {
      servermetrics: MESSAGE_MARKER,
      version: PROTOCOL_VERSION,
      kind: 'update',
      worker: this.workerName,
      ...(requestId === undefined ? {} : { requestId }),
      definitions,
      newSeries,
      values,
      histograms,
      ...(natives.length === 0 ? {} : { natives }),
      removed,
    };
    return {
      message,
      commit: (): void => {
        for (const family of announcedFamilies) family.announced = true;
        for (const { tracked, view } of sent) {
          tracked.announced = true;
          tracked.updateCount = view.updateCount;
          if ('bucketCounts' in view) {
            tracked.sum = view.sum;
            tracked.count = view.count;
            tracked.resets = view.native?.resets ?? 0;
            tracked.native = nativeSnapshots.get(tracked);
            if (tracked.buckets === undefined) tracked.buckets = new Float64Array(view.bucketCounts.length);
            const buckets = tracked.buckets;
            for (let index = 0; index < buckets.length; index++)
              buckets[index] = view.bucketCounts[index] ?? 0;
          } else {
            tracked.value = view.value;
          }
        }
        for (const [view] of vanished) this.series.delete(view);
      },
    };
  }

  private familyFor(family: MetricFamily): TrackedFamily {
    let byName = this.families.get(family.metric);
    if (byName === undefined) {
      byName = new Map();
      this.families.set(family.metric, byName);
    }
    let tracked = byName.get(family.name);
    if (tracked === undefined) {
      const id = this.nextFamilyId++;
      tracked = {
        id,
        announced: false,
        definition: {
          id,
          name: family.name,
          type: family.type,
          help: family.help,
          unit: family.unit,
          labelNames: [...family.labelNames],
          bucketBounds: family.type === 'histogram' ? [...family.bucketBounds] : [],
          merge: declaredMergeRule(family.metric),
        },
      };
      byName.set(family.name, tracked);
    }
    return tracked;
  }

  /**
   * Appends the histogram's increases since its last send to `out` (and its native increases to
   * `nativeOut`); returns the native part to record once sent, when there is one.
   */
  private histogramDelta(
    tracked: TrackedSeries,
    view: HistogramSeries,
    bucketCount: number,
    out: number[],
    nativeOut: number[],
  ): NativeSnapshot | undefined {
    const previous = tracked.buckets;
    // A native histogram reset in place restarts its classic part too, and may have counted past
    // what was sent by now: its `resets` tells, whatever the counts.
    let reset = view.count < tracked.count || (view.native?.resets ?? 0) !== tracked.resets;
    if (!reset && previous !== undefined) {
      for (let index = 0; index < bucketCount; index++) {
        if ((view.bucketCounts[index] ?? 0) < (previous[index] ?? 0)) {
          reset = true;
          break;
        }
      }
    }
    const base = reset || previous === undefined;
    out.push(
      tracked.id,
      base ? view.sum : view.sum - tracked.sum,
      base ? view.count : view.count - tracked.count,
    );
    for (let index = 0; index < bucketCount; index++) {
      const current = view.bucketCounts[index] ?? 0;
      out.push(base ? current : current - (previous![index] ?? 0));
    }
    const native = view.native;
    if (native === undefined) return undefined;
    const current: NativeSnapshot = {
      schema: native.schema,
      zeroCount: native.zeroCount,
      positive: toBucketMap(native.positive),
      negative: toBucketMap(native.negative),
    };
    // Core only lowers a live series' schema (merging bucket pairs) and raises it only after a
    // reset (`resets` moves, so `base`). A producer that raised it in place gets its native part
    // sent whole: the aggregate then holds more than `count` and serves the classic part only.
    const sent =
      base || tracked.native === undefined || tracked.native.schema < current.schema
        ? undefined
        : tracked.native;
    const shift = sent === undefined ? 0 : sent.schema - current.schema;
    nativeOut.push(
      tracked.id,
      current.schema,
      native.zeroThreshold,
      Math.max(0, current.zeroCount - (sent?.zeroCount ?? 0)),
    );
    for (const side of ['positive', 'negative'] as const) {
      const before = sent === undefined ? undefined : downscale(sent[side], shift);
      const countAt = nativeOut.length;
      nativeOut.push(0);
      for (const [index, count] of current[side]) {
        const delta = count - (before?.get(index) ?? 0);
        if (delta > 0) nativeOut.push(index, delta);
      }
      nativeOut[countAt] = (nativeOut.length - countAt - 1) / 2;
    }
    return current;
  }
}
