import type { HistogramFamily, HistogramSeries, MetricFamily, ValueSeries } from '@servermetrics/core';
import type { HistogramsAs, LineFormat, StatsdType } from '../format/dialect.js';
import { formatNumber } from '../format/format-number.js';
import { remapSchema, sampleRateField, visitBuckets } from './distribution-buckets.js';
import type { FlushPlan, PlannedSeries } from './flush-plan.js';
import { SeriesState } from './series-state.js';

/** Options of a FlushPlanner. */
export interface FlushPlannerOptions {
  readonly format: LineFormat;
  /** Sanitised prefix including its trailing `.`, or `''`. */
  readonly prefix: string;
  /** Global tags as key/value pairs, in order (already stringified). */
  readonly globalTags: readonly (readonly [string, string])[];
  /** How histograms go out: DogStatsD distributions (datadog dialect only) or count, sum and bucket counters. */
  readonly histogramsAs: HistogramsAs;
  /** Keep-alive age in milliseconds; 0 disables it. */
  readonly sendOlderThanMs: number;
  /** Called for each skipped non-finite value. */
  readonly onNonFinite: (metricName: string, value: number) => void;
}

/** What a FlushPlanner caches per metric (keyed by the metric object). */
interface FamilyFormat {
  /** The registered name this format was built for. */
  readonly name: string;
  /** Prefix plus sanitised name. */
  readonly baseName: string;
  /** Indexes into `labelValues`, sorted by label name. */
  readonly labelOrder: readonly number[];
  /** Label names in `labelOrder`. */
  readonly labelNames: readonly string[];
  /** Formatted global tags whose keys no label of this metric uses. */
  readonly globalTags: readonly string[];
  /** Histograms: the formatted `le` tag of each bucket bound. */
  readonly leTags: readonly string[];
}

/**
 * FlushPlanner turns gathered families into the lines of one flush, per exporter: it decides which
 * series are due (changed since their last successful send, or idle past the keep-alive age),
 * computes counter deltas against what this exporter last sent, and formats the lines.
 *
 * Mapping:
 * - counter: `name:<delta>|c`;
 * - gauge: `name:<value>|g` (negative values preceded by `name:0|g` when the dialect needs it);
 * - histogram: `name.count:<delta>|c`, `name.sum:<delta>|c`, and per bucket bound
 *   `name.bucket:<delta>|c` tagged `le:<bound>` with the cumulative count's delta (observations
 *   at most `bound`, as Prometheus `_bucket`); `+Inf` is left out since it equals `name.count`;
 * - histogram with `histogramsAs: 'distribution'`: per non-empty bucket whose count grew since
 *   this exporter last sent it, `name:<representative>|d|@<rate>` so that the Agent counts the
 *   representative value `delta` times (see `visitBuckets` and `sampleRateField`).
 *
 * Cost: one pass over the live series; per due series a few string concatenations. The tags of
 * a series are sanitised once and kept in its state (histogram bucket tags are joined per flush).
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
    for (const family of families) this.planFamily(plan, family, now);
    return plan;
  }

  private planFamily(plan: FlushPlan, family: MetricFamily, now: number): void {
    const format = this.familyFormat(family);
    if (family.type === 'histogram') {
      const distribution = this.options.histogramsAs === 'distribution';
      for (const series of family.series) {
        if (distribution) this.planDistribution(plan, family, format, series, now);
        else this.planHistogram(plan, family, format, series, now);
      }
      return;
    }
    const counter = family.type === 'counter';
    for (const series of family.series) {
      const planned = this.due(plan, format, series, now, counter ? 1 : 0);
      if (planned === undefined) continue;
      const value = series.value;
      if (!this.finite(plan, planned, family.name, value)) continue;
      const tagText = planned.state.tagText;
      if (counter) {
        this.push(
          plan,
          planned,
          this.line(format.baseName, tagText, planned.state.delta(0, value), 'c'),
          0,
          value,
        );
      } else if (value < 0 && this.options.format.negativeGaugesNeedZeroFirst) {
        const zero = this.line(format.baseName, tagText, 0, 'g');
        this.push(plan, planned, `${zero}\n${this.line(format.baseName, tagText, value, 'g')}`, -1, value, 2);
      } else {
        this.push(plan, planned, this.line(format.baseName, tagText, value, 'g'), -1, value);
      }
    }
  }

  private planHistogram(
    plan: FlushPlan,
    family: HistogramFamily,
    format: FamilyFormat,
    series: HistogramSeries,
    now: number,
  ): void {
    const bucketCount = family.bucketBounds.length;
    const countField = bucketCount;
    const sumField = bucketCount + 1;
    const planned = this.due(plan, format, series, now, bucketCount + 2);
    if (planned === undefined) return;
    const state = planned.state;
    const base = format.baseName;
    const count = series.count;
    this.push(
      plan,
      planned,
      this.line(`${base}.count`, state.tagText, state.delta(countField, count), 'c'),
      countField,
      count,
    );
    const sum = series.sum;
    if (this.finite(plan, planned, family.name, sum)) {
      // The sum may go down (negative observations): the plain difference is the right delta.
      this.push(
        plan,
        planned,
        this.line(`${base}.sum`, state.tagText, state.delta(sumField, sum), 'c'),
        sumField,
        sum,
      );
    }
    const lineFormat = this.options.format;
    let cumulative = 0;
    for (let index = 0; index < bucketCount; index++) {
      cumulative += series.bucketCounts[index]!;
      const delta = state.delta(index, cumulative);
      const tagText = lineFormat.tagText([...state.labelTags, format.leTags[index]!, ...format.globalTags]);
      this.push(plan, planned, this.line(`${base}.bucket`, tagText, delta, 'c'), index, cumulative);
    }
  }

  /**
   * Sends the observations of `series` since this exporter's last successful send as one
   * distribution line per bucket that grew. Idle series send nothing (no keep-alive: a
   * distribution of zero observations is nothing). Cost: one pass over the series' non-empty
   * buckets; lines grow with the buckets used, never with the number of observations.
   */
  private planDistribution(
    plan: FlushPlan,
    family: HistogramFamily,
    format: FamilyFormat,
    series: HistogramSeries,
    now: number,
  ): void {
    const planned = this.due(plan, format, series, now, 0);
    if (planned === undefined) return;
    const state = planned.state;
    const suffix = state.tagText === '' ? '' : `|#${state.tagText}`;
    const schema = series.native?.schema;
    let sent = state.sentBuckets ?? new Map<number, number>();
    if (schema !== undefined && state.sentSchema !== undefined && schema < state.sentSchema) {
      sent = remapSchema(sent, state.sentSchema, schema);
    }
    state.sentBuckets = sent;
    state.sentSchema = schema;
    visitBuckets(series, family.bucketBounds, (key, representative, count) => {
      // A count below the one sent (a coarser zero bucket) sends nothing and records the new count.
      const delta = count - (sent.get(key) ?? 0);
      if (delta <= 0) {
        if (delta < 0) sent.set(key, count);
        return;
      }
      if (!this.finite(plan, planned, family.name, representative)) return;
      const text = `${format.baseName}:${formatNumber(representative)}|d${sampleRateField(delta)}${suffix}`;
      plan.lines.push({
        text,
        bytes: Buffer.byteLength(text),
        lineCount: 1,
        series: planned,
        field: key,
        value: count,
        bucket: true,
      });
    });
  }

  /** Returns the planned series when `series` is due at `now`, creating its state on first sight. */
  private due(
    plan: FlushPlan,
    format: FamilyFormat,
    series: ValueSeries | HistogramSeries,
    now: number,
    fieldCount: number,
  ): PlannedSeries | undefined {
    let state = this.states.get(series);
    if (state === undefined) {
      state = this.newState(format, series, fieldCount);
      this.states.set(series, state);
    }
    const updateCount = series.updateCount;
    const changed = state.sentUpdateCount !== updateCount;
    const keepAlive = this.options.sendOlderThanMs > 0 && now - state.sentAt >= this.options.sendOlderThanMs;
    if (!changed && !keepAlive) return undefined;
    const planned: PlannedSeries = { state, updateCount, complete: true };
    plan.series.push(planned);
    return planned;
  }

  private newState(
    format: FamilyFormat,
    series: ValueSeries | HistogramSeries,
    fieldCount: number,
  ): SeriesState {
    const lineFormat = this.options.format;
    const labelTags = format.labelOrder.map((index, position) =>
      lineFormat.tag(format.labelNames[position]!, String(series.labelValues[index])),
    );
    return new SeriesState(fieldCount, labelTags, lineFormat.tagText([...labelTags, ...format.globalTags]));
  }

  private familyFormat(family: MetricFamily): FamilyFormat {
    const cached = this.families.get(family.metric);
    if (cached !== undefined && cached.name === family.name) return cached;
    const lineFormat = this.options.format;
    const labelOrder = family.labelNames
      .map((_name, index) => index)
      .sort((left, right) => compare(family.labelNames[left]!, family.labelNames[right]!));
    const labelNames = labelOrder.map((index) => family.labelNames[index]!);
    const labelKeys = new Set(labelNames.map((name) => lineFormat.tagKey(name)));
    if (family.type === 'histogram') labelKeys.add(lineFormat.tagKey('le'));
    const globalTags = this.options.globalTags
      .filter(([key]) => !labelKeys.has(lineFormat.tagKey(key)))
      .map(([key, value]) => lineFormat.tag(key, value));
    const leTags =
      family.type === 'histogram'
        ? family.bucketBounds.map((bound) => lineFormat.tag('le', formatNumber(bound)))
        : [];
    const format: FamilyFormat = {
      name: family.name,
      baseName: this.options.prefix + lineFormat.name(family.name),
      labelOrder,
      labelNames,
      globalTags,
      leTags,
    };
    this.families.set(family.metric, format);
    return format;
  }

  private finite(plan: FlushPlan, planned: PlannedSeries, metricName: string, value: number): boolean {
    if (Number.isFinite(value)) return true;
    plan.nonFinite++;
    planned.complete = false;
    this.options.onNonFinite(metricName, value);
    return false;
  }

  private line(name: string, tagText: string, value: number, type: StatsdType): string {
    return this.options.format.line(name, tagText, value, type);
  }

  /** Adds a line (or a unit of `lineCount` lines) that records `value` in `field` once sent. */
  private push(
    plan: FlushPlan,
    series: PlannedSeries,
    text: string,
    field: number,
    value: number,
    lineCount = 1,
  ): void {
    plan.lines.push({ text, bytes: Buffer.byteLength(text), lineCount, series, field, value, bucket: false });
  }
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
