import type { HistogramFamily, HistogramSeries, MetricFamily, ValueSeries } from '@servermetrics/core';
import { formatNumber, type HistogramsAs, type LineFormat } from '../format/dialect.js';
import { remapSchema, sampleRateField, visitBuckets } from './distribution-buckets.js';
import { type FlushPlan, type PlannedSeries, SeriesState } from './flush-plan.js';

/** Options of a FlushPlanner. */
export interface FlushPlannerOptions {
  readonly format: LineFormat;
  /** Sanitised prefix including its trailing `.`, or `''`. */
  readonly prefix: string;
  /** Global tags as key/value pairs, in order (already stringified). */
  readonly globalTags: readonly (readonly [string, string])[];
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
  /** Label positions in `labelValues` and names, sorted by name. */
  readonly labels: readonly (readonly [number, string])[];
  /** Formatted global tags whose keys no label of this metric uses. */
  readonly globalTags: readonly string[];
  /** Histograms: the formatted `le` tag of each bucket bound. */
  readonly leTags: readonly string[];
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
          const planned = this.due(plan, format, series, now);
          if (planned !== undefined) this.planValue(plan, family.type, format, planned, series);
        }
        continue;
      }
      const planHistogram =
        this.options.histogramsAs === 'distribution' ? this.planDistribution : this.planBuckets;
      for (const series of family.series) {
        const planned = this.due(plan, format, series, now);
        if (planned !== undefined) planHistogram.call(this, plan, family, format, planned, series);
      }
    }
    return plan;
  }

  private planValue(
    plan: FlushPlan,
    type: 'counter' | 'gauge',
    format: FamilyFormat,
    planned: PlannedSeries,
    series: ValueSeries,
  ): void {
    const { value } = series;
    if (!this.finite(plan, planned, format.name, value)) return;
    const { state } = planned;
    const { line } = this.options.format;
    if (type === 'counter') {
      this.push(plan, planned, line(format.baseName, state.tagText, state.delta(0, value), 'c'), 0, value);
    } else if (value < 0 && this.options.format.negativeGaugesNeedZeroFirst) {
      const text = `${line(format.baseName, state.tagText, 0, 'g')}\n${line(format.baseName, state.tagText, value, 'g')}`;
      this.push(plan, planned, text, undefined, value, 2);
    } else {
      this.push(plan, planned, line(format.baseName, state.tagText, value, 'g'), undefined, value);
    }
  }

  private planBuckets(
    plan: FlushPlan,
    family: HistogramFamily,
    format: FamilyFormat,
    planned: PlannedSeries,
    series: HistogramSeries,
  ): void {
    const { state } = planned;
    const { line, tagText } = this.options.format;
    const bucketCount = family.bucketBounds.length;
    const base = format.baseName;
    this.push(
      plan,
      planned,
      line(`${base}.count`, state.tagText, state.delta(bucketCount, series.count), 'c'),
      bucketCount,
      series.count,
    );
    // The sum may go down (negative observations): the plain difference is the right delta.
    if (this.finite(plan, planned, format.name, series.sum)) {
      this.push(
        plan,
        planned,
        line(`${base}.sum`, state.tagText, state.delta(bucketCount + 1, series.sum), 'c'),
        bucketCount + 1,
        series.sum,
      );
    }
    let cumulative = 0;
    for (let index = 0; index < bucketCount; index++) {
      cumulative += series.bucketCounts[index]!;
      const tags = tagText([...state.labelTags, format.leTags[index]!, ...format.globalTags]);
      this.push(
        plan,
        planned,
        line(`${base}.bucket`, tags, state.delta(index, cumulative), 'c'),
        index,
        cumulative,
      );
    }
  }

  private planDistribution(
    plan: FlushPlan,
    family: HistogramFamily,
    format: FamilyFormat,
    planned: PlannedSeries,
    series: HistogramSeries,
  ): void {
    const { state } = planned;
    const schema = series.native?.schema;
    if (schema !== undefined && state.sentSchema !== undefined && schema < state.sentSchema) {
      state.sent = remapSchema(state.sent, state.sentSchema, schema);
    }
    state.sentSchema = schema;
    visitBuckets(series, family.bucketBounds, (key, representative, count) => {
      const delta = state.delta(key, count);
      // A count below the one sent (a coarser zero bucket) sends nothing and records the new count.
      if (delta < 0) state.sent.set(key, count);
      if (delta <= 0 || !this.finite(plan, planned, format.name, representative)) return;
      const text = this.options.format.line(
        format.baseName,
        state.tagText,
        representative,
        'd',
        sampleRateField(delta),
      );
      this.push(plan, planned, text, key, count);
    });
  }

  /** Returns the planned series when `series` is due at `now`, creating its state on first sight. */
  private due(
    plan: FlushPlan,
    format: FamilyFormat,
    series: ValueSeries | HistogramSeries,
    now: number,
  ): PlannedSeries | undefined {
    let state = this.states.get(series);
    if (state === undefined) {
      const { tag, tagText } = this.options.format;
      const labelTags = format.labels.map(([index, name]) => tag(name, String(series.labelValues[index])));
      state = new SeriesState(tagText([...labelTags, ...format.globalTags]), labelTags);
      this.states.set(series, state);
    }
    const { updateCount } = series;
    const { sendOlderThanMs } = this.options;
    const keepAlive = sendOlderThanMs > 0 && now - state.sentAt >= sendOlderThanMs;
    if (state.sentUpdateCount === updateCount && !keepAlive) return undefined;
    const planned: PlannedSeries = { state, updateCount, complete: true };
    plan.series.push(planned);
    return planned;
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

  private finite(plan: FlushPlan, planned: PlannedSeries, metricName: string, value: number): boolean {
    if (Number.isFinite(value)) return true;
    plan.nonFinite++;
    planned.complete = false;
    this.options.onNonFinite(metricName, value);
    return false;
  }

  /** Adds a line (or a unit of `lineCount` lines) that records `value` in `field` once sent. */
  private push(
    plan: FlushPlan,
    series: PlannedSeries,
    text: string,
    field: number | undefined,
    value: number,
    lineCount = 1,
  ): void {
    plan.lines.push({ text, bytes: Buffer.byteLength(text), lineCount, series, field, value });
  }
}
