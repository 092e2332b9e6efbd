import type { HistogramSeries, LabelValue, ValueSeries } from '@servermetrics/core';
import type { MergeRule } from '../merge/merge-rule.js';
import type { NativeAggregate } from './native-aggregate.js';

/** The aggregator's record of one connected (or dead) worker, as far as series need it. */
export interface Contributor {
  readonly name: string;
}

/** Fields every aggregate series has besides its view. */
interface AggregateBase {
  /** Key in its family (label values, plus the worker name when worker-labelled). */
  readonly key: string;
  /** The worker that wrote it last (decides removal of worker-labelled series). */
  writer: Contributor | undefined;
}

/**
 * A counter summed over every worker that ever contributed: deltas only add, so what a dead
 * or restarted worker counted stays. A stable view object (core's MetricProducer contract).
 */
export class CounterAggregate implements ValueSeries, AggregateBase {
  value = 0;
  updateCount = 0;
  writer: Contributor | undefined;

  constructor(
    readonly key: string,
    readonly labelValues: readonly LabelValue[],
  ) {}

  add(delta: number, writer: Contributor): void {
    this.value += delta;
    this.updateCount++;
    this.writer = writer;
  }
}

/**
 * A histogram summed over every worker that ever contributed, like CounterAggregate; with a
 * native part once a worker sent one.
 */
export class HistogramAggregate implements HistogramSeries, AggregateBase {
  readonly bucketCounts: Float64Array;
  sum = 0;
  count = 0;
  updateCount = 0;
  writer: Contributor | undefined;
  /** The native increases received (see `native`). */
  nativeSum: NativeAggregate | undefined;

  constructor(
    readonly key: string,
    readonly labelValues: readonly LabelValue[],
    bucketCount: number,
  ) {
    this.bucketCounts = new Float64Array(bucketCount);
  }

  /**
   * The native part, served only while it holds every observation of `count`, as Prometheus
   * requires of a native histogram: a worker of an older version (no native increases) or a
   * refused native increase leaves it short, and the series is then served by its classic part.
   */
  get native(): NativeAggregate | undefined {
    return this.nativeSum?.observations === this.count ? this.nativeSum : undefined;
  }
}

/**
 * A gauge merged from the current values of the workers that report it, by `rule` (`sum`,
 * `min`, `max`, `last`; a worker-labelled series uses `last` among the workers of that name).
 * `value` is computed on read (O(workers)); `updateCount` grows on every contribution change.
 */
export class GaugeAggregate implements ValueSeries, AggregateBase {
  updateCount = 0;
  writer: Contributor | undefined;
  /** Current value per contributing worker, with the order of its last update. */
  readonly contributions: Map<Contributor, { value: number; order: number }> = new Map();

  constructor(
    readonly key: string,
    readonly labelValues: readonly LabelValue[],
    readonly rule: Exclude<MergeRule, 'worker'>,
  ) {}

  set(value: number, writer: Contributor, order: number): void {
    const entry = this.contributions.get(writer);
    if (entry === undefined) this.contributions.set(writer, { value, order });
    else {
      entry.value = value;
      entry.order = order;
    }
    this.updateCount++;
    this.writer = writer;
  }

  /** Removes a worker's value; returns true when no contribution is left. */
  drop(writer: Contributor): boolean {
    if (this.contributions.delete(writer)) this.updateCount++;
    return this.contributions.size === 0;
  }

  get value(): number {
    let result = Number.NaN;
    let latest = -1;
    for (const entry of this.contributions.values()) {
      const value = entry.value;
      if (Number.isNaN(result)) {
        result = value;
        latest = entry.order;
        continue;
      }
      switch (this.rule) {
        case 'sum':
          result += value;
          break;
        case 'min':
          if (value < result) result = value;
          break;
        case 'max':
          if (value > result) result = value;
          break;
        default:
          if (entry.order > latest) {
            result = value;
            latest = entry.order;
          }
      }
    }
    return Number.isNaN(result) ? 0 : result;
  }
}

/** Any aggregate series. */
export type Aggregate = CounterAggregate | GaugeAggregate | HistogramAggregate;
