import type { HistogramSeries, MetricFamily, ValueSeries } from '@servermetrics/core';
import { escapeHelp } from './escape.js';
import type { ExpositionEncoder, ExpositionSeries, FamilyEncoder } from './exposition-encoder.js';
import { formatCanonicalFloat, formatSampleValue } from './format-number.js';
import { LabelBlocks } from './label-block.js';

/** Encoder of the Prometheus text format 0.0.4. */
export const TEXT_ENCODER: ExpositionEncoder = {
  family: (family) => encodeFamily(family, false),
  end: '',
};

/** Encoder of OpenMetrics 1.0.0 (text). */
export const OPENMETRICS_ENCODER: ExpositionEncoder = {
  family: (family) => encodeFamily(family, true),
  end: '# EOF\n',
};

/** Metadata lines of a family, then an encoder of its series. */
function encodeFamily(family: MetricFamily, openMetrics: boolean): FamilyEncoder {
  const name = family.name;
  let familyName = name;
  let sampleName = name;
  if (openMetrics && family.type === 'counter') {
    familyName = name.endsWith('_total') ? name.slice(0, -6) : name;
    sampleName = `${familyName}_total`;
  }
  // A metric created without help gets no HELP line (an empty help string is still written).
  let header =
    family.help === undefined ? '' : `# HELP ${familyName} ${escapeHelp(family.help, openMetrics)}\n`;
  header += `# TYPE ${familyName} ${family.type}\n`;
  if (openMetrics && family.unit !== undefined) header += `# UNIT ${familyName} ${family.unit}\n`;
  const labels = new LabelBlocks(family.labelNames);
  if (family.type !== 'histogram') {
    return {
      header,
      series: (series: ExpositionSeries): string =>
        `${sampleName}${labels.of(series.labelValues)} ${formatSampleValue((series as ValueSeries).value)}\n`,
    };
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
  const unlabelledPrefix = `${bucketName}{le="`;
  return {
    header,
    series: (view: ExpositionSeries): string => {
      const series = view as HistogramSeries;
      const open = labels.of(series.labelValues, true);
      const bucketPrefix = open === '' ? unlabelledPrefix : `${bucketName}${open},le="`;
      const counts = series.bucketCounts;
      const count = series.count;
      let cumulative = 0;
      let text = '';
      for (let index = 0; index < boundCount; index++) {
        cumulative += counts[index]!;
        text += `${bucketPrefix}${leValues[index]}"} ${cumulative}\n`;
      }
      text += `${bucketPrefix}+Inf"} ${count}\n`;
      const sum = series.sum;
      if (familyHasSum && (!openMetrics || sum >= 0)) {
        const block = open === '' ? '' : `${open}}`;
        text += `${sumName}${block} ${formatSampleValue(sum)}\n${countName}${block} ${count}\n`;
      }
      return text;
    },
  };
}
