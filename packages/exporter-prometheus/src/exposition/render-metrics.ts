import {
  gatherFamilies,
  InvalidOptionError,
  type MetricFamily,
  type MetricProducer,
  toProducerList,
} from '@servermetrics/core';
import { escapeHelp } from './escape.js';
import type { ExpositionFormat } from './exposition-format.js';
import { formatCanonicalFloat, formatSampleValue } from './format-number.js';
import { labelBlock } from './label-block.js';

/** Options of renderMetrics. */
export interface RenderMetricsOptions {
  /**
   * Exposition format: Prometheus text 0.0.4 or OpenMetrics 1.0.0.
   * @default 'text'
   */
  format?: ExpositionFormat;
}

/**
 * Renders the current state of one registry or other MetricProducer, or several, as exposition
 * text.
 *
 * Pure and synchronous: it reads `producer.collect()` (through core's `gatherFamilies`) and
 * nothing else, runs no collect hooks or `refresh()` (the HTTP handler runs them first, through
 * `refreshProducers`), and the same state always gives the same bytes.
 * Families come in name order; series in the order core's `collect()` gives them (grouped by
 * their first label value in first-seen order, then by the second, and so on); labels in
 * declaration order, a histogram's `le` last. Every family prints `# HELP` (unless the metric
 * has no help: then none) then `# TYPE`, even a labelled metric without series. An empty registry gives `''` in text and `'# EOF\n'` in
 * OpenMetrics. In OpenMetrics a histogram's `_sum` is a counter and `_count` goes with it: a
 * histogram whose lowest bucket bound is negative has neither, and a series whose sum is
 * negative (or NaN, from a producer of your own) has neither while it is; its `+Inf` bucket still
 * holds the count. The text format keeps both.
 *
 * Several producers are gathered by core's `gatherFamilies`: a metric present in several
 * registries is rendered once; when two different metrics would expose the same name, the first
 * (by name, then producer order) is kept and the other is left out and logged once through its
 * producer's logger; the registries' eviction counters are merged.
 *
 * Cost: linear in the number of samples; each series' label block is escaped and built once and
 * cached for later scrapes. Throws InvalidOptionError when `registries` or `format` is invalid,
 * and whatever a producer's `collect()` throws.
 */
export function renderMetrics(
  registries: MetricProducer | readonly MetricProducer[],
  options: RenderMetricsOptions = {},
): string {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'openmetrics') {
    throw new InvalidOptionError(
      'format',
      `format must be 'text' or 'openmetrics', got ${JSON.stringify(format)}.`,
    );
  }
  const families = gatherFamilies(toProducerList(registries, 'registries'));
  const openMetrics = format === 'openmetrics';
  let body = '';
  for (const family of families) body += renderFamily(family, openMetrics);
  if (openMetrics) body += '# EOF\n';
  return body;
}

/** Renders one family: its metadata lines and every sample. */
function renderFamily(family: MetricFamily, openMetrics: boolean): string {
  const name = family.name;
  let familyName = name;
  let sampleName = name;
  if (openMetrics && family.type === 'counter') {
    familyName = name.endsWith('_total') ? name.slice(0, -6) : name;
    sampleName = `${familyName}_total`;
  }
  // A metric created without help gets no HELP line (an empty help string is still written).
  let text =
    family.help === undefined ? '' : `# HELP ${familyName} ${escapeHelp(family.help, openMetrics)}\n`;
  text += `# TYPE ${familyName} ${family.type}\n`;
  if (openMetrics && family.unit !== undefined) text += `# UNIT ${familyName} ${family.unit}\n`;
  const labelNames = family.labelNames;
  if (family.type !== 'histogram') {
    for (const series of family.series) {
      text += `${sampleName}${labelBlock(series, labelNames)} ${formatSampleValue(series.value)}\n`;
    }
    return text;
  }
  const bounds = family.bucketBounds;
  const boundCount = bounds.length;
  const formatBound = openMetrics ? formatCanonicalFloat : formatSampleValue;
  const leValues: string[] = new Array(boundCount);
  for (let index = 0; index < boundCount; index++) leValues[index] = formatBound(bounds[index]!);
  // OpenMetrics 1.0: the sum is a counter (never negative, never NaN), a histogram with a
  // negative bucket threshold MUST NOT carry one, and `_count` appears if and only if `_sum`
  // does. So OpenMetrics leaves both out for the whole family when its lowest bound is negative,
  // and for one series while its sum is negative (a histogram with bounds >= 0 that observed
  // negative values). Text keeps them.
  const familyHasSum = !openMetrics || boundCount === 0 || bounds[0]! >= 0;
  const bucketName = `${name}_bucket`;
  const sumName = `${name}_sum`;
  const countName = `${name}_count`;
  for (const series of family.series) {
    const labels = labelBlock(series, labelNames);
    const bucketPrefix = labels === '' ? `${bucketName}{le="` : `${bucketName}${labels.slice(0, -1)},le="`;
    const counts = series.bucketCounts;
    const count = series.count;
    let cumulative = 0;
    for (let index = 0; index < boundCount; index++) {
      cumulative += counts[index]!;
      text += `${bucketPrefix}${leValues[index]}"} ${cumulative}\n`;
    }
    text += `${bucketPrefix}+Inf"} ${count}\n`;
    const sum = series.sum;
    if (familyHasSum && (!openMetrics || sum >= 0)) {
      text += `${sumName}${labels} ${formatSampleValue(sum)}\n${countName}${labels} ${count}\n`;
    }
  }
  return text;
}
