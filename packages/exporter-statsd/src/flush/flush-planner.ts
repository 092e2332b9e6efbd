import type { HistogramFamily, HistogramSeries, MetricFamily, ValueSeries } from '@servermetrics/core';
import { formatNumber } from '../format/dialect.js';
import type { ResolvedExporterOptions } from '../resolve-exporter-options.js';
import { foldIntoZero, remapSchema, sampleRateField, visitBuckets } from './distribution-buckets.js';
import { type FlushPlan, type PlannedSeries, SeriesState } from './flush-plan.js';

/** Options of a FlushPlanner: the exporter's resolved options it formats with, and where skipped values go. */
export type FlushPlannerOptions = Pick<
  ResolvedExporterOptions,
  'format' | 'prefix' | 'globalTags' | 'histogramsAs' | 'sendOlderThanMs'
> & {
  /** Called for each skipped non-finite value. */
  readonly onNonFinite: (metricName: string, value: number) => void;
};

/** What a FlushPlanner caches per metric (keyed by the metric object). */
interface FamilyFormat {
  /** The registered name this format was built for. */
  readonly name: string;
  /** Prefix plus sanitised name. */
  readonly baseName: string;
  /** Label positions in `labelValues` and names, sorted by name. */
  readonly labels: readonly (readonly [number, string])[];
  /** Formatted global tags whose keys no label of this metric uses. */
  readonly globalTags: readonly string[];
  /** Histograms: the formatted `le` tag of each bucket bound. */
  readonly leTags: readonly string[];
}

/** A series due in the flush being planned, with its plan and its metric's format. */
interface DueSeries extends PlannedSeries {
  readonly plan: FlushPlan;
  readonly format: FamilyFormat;
}

/**
 * FlushPlanner turns gathered families into the lines of one flush, per exporter: it decides which
 * series are due (changed since their last successful send, or idle past the keep-alive age),
 * computes counter deltas against what this exporter last sent, and formats the lines:
 * - counter: `name:<delta>|c`;
 * - gauge: `name:<value>|g` (negative values preceded by `name:0|g` when the dialect needs it);
 * - histogram as buckets: `name.count:<delta>|c`, `name.sum:<delta>|c`, and per bucket bound
 *   `name.bucket:<delta>|c` tagged `le:<bound>` with the cumulative count's delta (as Prometheus
 *   `_bucket`; `+Inf` is left out since it equals `name.count`);
 * - histogram as distribution: per bucket whose count grew since this exporter last sent it,
 *   `name:<representative>|d|@<rate>`, which the Agent counts `delta` times (`visitBuckets`,
 *   `sampleRateField`). An idle series sends nothing (no keep-alive for zero observations).
 *
 * Cost: one pass over the live series; a due series costs a few string concatenations (its
 * tags are sanitised once and kept in its state), a distribution one line per bucket that grew.
 */
export class FlushPlanner {
  private readonly states = new WeakMap<object, SeriesState>();
  private readonly families = new WeakMap<object, FamilyFormat>();

  constructor(private readonly options: FlushPlannerOptions) {}

  /**
   * Builds the plan of a flush at clock time `now` from `families` as core's `gatherFamilies`
   * returns them (each family once, no clashing names). Reads the live series synchronously.
   */
  plan(families: readonly MetricFamily[], now: number): FlushPlan {
    const plan: FlushPlan = { lines: [], series: [], nonFinite: 0 };
    for (const family of families) {
      const format = this.familyFormat(family);
      if (family.type !== 'histogram') {
        for (const series of family.series) {
          const due = this.due(plan, format, series, now, family.type === 'counter' ? 1 : 0);
          if (due !== undefined) this.planValue(due, family.type === 'counter', series.value);
        }
        continue;
      }
      const distribution = this.options.histogramsAs === 'distribution';
      const fieldCount = distribution ? 0 : family.bucketBounds.length + 2;
      for (const series of family.series) {
        const due = this.due(plan, format, series, now, fieldCount);
        if (due === undefined) continue;
        const resets = series.native?.resets ?? 0;
        if (resets !== due.state.sentResets) due.state.restart(resets);
        if (distribution) this.planDistribution(due, family, series);
        else this.planBuckets(due, family, series);
      }
    }
    return plan;
  }

  private planValue(due: DueSeries, counter: boolean, value: number): void {
    if (!this.finite(due, value)) return;
    const { baseName } = due.format;
    const { tagText } = due.state;
    const { line, negativeGaugesNeedZeroFirst } = this.options.format;
    if (counter) this.pushCounter(due, baseName, tagText, 0, value);
    else if (value >= 0 || !negativeGaugesNeedZeroFirst) this.push(due, line(baseName, tagText, value, 'g'));
    else
      this.push(
        due,
        `${line(baseName, tagText, 0, 'g')}\n${line(baseName, tagText, value, 'g')}`,
        undefined,
        0,
        2,
      );
  }

  private planBuckets(due: DueSeries, family: HistogramFamily, series: HistogramSeries): void {
    const { state, format } = due;
    const bucketCount = family.bucketBounds.length;
    this.pushCounter(due, `${format.baseName}.count`, state.tagText, bucketCount, series.count);
    // The sum may go down (negative observations): the plain difference is the right delta.
    if (this.finite(due, series.sum)) {
      this.pushCounter(due, `${format.baseName}.sum`, state.tagText, bucketCount + 1, series.sum);
    }
    let cumulative = 0;
    for (let index = 0; index < bucketCount; index++) {
      cumulative += series.bucketCounts[index]!;
      const tags = this.options.format.tagText([
        ...state.labelTags,
        format.leTags[index]!,
        ...format.globalTags,
      ]);
      this.pushCounter(due, `${format.baseName}.bucket`, tags, index, cumulative);
    }
  }

  private planDistribution(due: DueSeries, family: HistogramFamily, series: HistogramSeries): void {
    const { state } = due;
    const native = series.native;
    if (native !== undefined && state.sentBuckets !== undefined && state.sentSchema !== undefined) {
      if (native.schema < state.sentSchema) {
        state.sentBuckets = remapSchema(state.sentBuckets, state.sentSchema, native.schema);
      }
      if (native.zeroThreshold > state.sentZeroThreshold) {
        foldIntoZero(state.sentBuckets, native.schema, native.zeroThreshold);
      }
    }
    state.sentSchema = native?.schema;
    state.sentZeroThreshold = native?.zeroThreshold ?? 0;
    state.sentBuckets ??= new Map();
    const sent = state.sentBuckets;
    visitBuckets(series, family.bucketBounds, (key, representative, count) => {
      const delta = count - (sent.get(key) ?? 0);
      // A count below the one sent (a producer of your own lowered it) sends nothing and records it.
      if (delta < 0) sent.set(key, count);
      if (delta <= 0 || !this.finite(due, representative)) return;
      const text = this.options.format.line(
        due.format.baseName,
        state.tagText,
        representative,
        'd',
        sampleRateField(delta),
      );
      this.push(due, text, key, count, 1, true);
    });
  }

  /** Returns the series when it is due at `now`, added to `plan`; creates its state on first sight. */
  private due(
    plan: FlushPlan,
    format: FamilyFormat,
    series: ValueSeries | HistogramSeries,
    now: number,
    fieldCount: number,
  ): DueSeries | undefined {
    let state = this.states.get(series);
    if (state === undefined) {
      const { tag, tagText } = this.options.format;
      const labelTags = format.labels.map(([index, name]) => tag(name, String(series.labelValues[index])));
      state = new SeriesState(fieldCount, tagText([...labelTags, ...format.globalTags]), labelTags);
      this.states.set(series, state);
    }
    const { updateCount } = series;
    const { sendOlderThanMs } = this.options;
    const keepAlive = sendOlderThanMs > 0 && now - state.sentAt >= sendOlderThanMs;
    if (state.sentUpdateCount === updateCount && !keepAlive) return undefined;
    const due: DueSeries = { state, updateCount, complete: true, plan, format };
    plan.series.push(due);
    return due;
  }

  private familyFormat(family: MetricFamily): FamilyFormat {
    const cached = this.families.get(family.metric);
    if (cached !== undefined && cached.name === family.name) return cached;
    const { tag, tagKey, name } = this.options.format;
    const labels = family.labelNames
      .map((label, index) => [index, label] as const)
      .sort(([, left], [, right]) => (left < right ? -1 : left > right ? 1 : 0));
    const taken = new Set([...family.labelNames, ...(family.type === 'histogram' ? ['le'] : [])].map(tagKey));
    const format: FamilyFormat = {
      name: family.name,
      baseName: this.options.prefix + name(family.name),
      labels,
      globalTags: this.options.globalTags
        .filter(([key]) => !taken.has(tagKey(key)))
        .map(([key, value]) => tag(key, value)),
      leTags:
        family.type === 'histogram' ? family.bucketBounds.map((bound) => tag('le', formatNumber(bound))) : [],
    };
    this.families.set(family.metric, format);
    return format;
  }

  private finite(due: DueSeries, value: number): boolean {
    if (Number.isFinite(value)) return true;
    due.plan.nonFinite++;
    due.complete = false;
    this.options.onNonFinite(due.format.name, value);
    return false;
  }

  /** Adds a counter line of the change of `field` to `value` since its last successful send. */
  private pushCounter(due: DueSeries, name: string, tagText: string, field: number, value: number): void {
    this.push(due, this.options.format.line(name, tagText, due.state.delta(field, value), 'c'), field, value);
  }

  /**
   * Adds a line (or a unit of `lineCount` lines) that records `value` in `field` once sent (a
   * bucket key of `sentBuckets` when `bucket`).
   */
  private push(due: DueSeries, text: string, field?: number, value = 0, lineCount = 1, bucket = false): void {
    due.plan.lines.push({
      text,
      bytes: Buffer.byteLength(text),
      lineCount,
      series: due,
      field,
      value,
      bucket,
    });
  }
}
