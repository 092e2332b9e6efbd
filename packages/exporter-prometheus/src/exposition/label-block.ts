import type { LabelValue } from '@servermetrics/core';
import { escapeLabelValue } from './escape.js';

/**
 * Rendered label blocks (`{method="get",code="200"}`) per series view. A series' label values
 * never change, so each block is built once per series and reused by every later scrape. Keyed
 * weakly: an evicted or removed series takes its block with it.
 */
const blocks = new WeakMap<object, string>();

/**
 * Returns the label block of a series, `{name="value",...}` in label declaration order, or `''`
 * for an unlabelled series. Builds and escapes it on the first call for that series only.
 */
export function labelBlock(
  series: { readonly labelValues: readonly LabelValue[] },
  labelNames: readonly string[],
): string {
  if (labelNames.length === 0) return '';
  let block = blocks.get(series);
  if (block === undefined) {
    block = buildLabelBlock(labelNames, series.labelValues);
    blocks.set(series, block);
  }
  return block;
}

function buildLabelBlock(labelNames: readonly string[], labelValues: readonly LabelValue[]): string {
  let block = '{';
  for (let index = 0; index < labelNames.length; index++) {
    if (index > 0) block += ',';
    block += `${labelNames[index]}="${escapeLabelValue(String(labelValues[index]))}"`;
  }
  return `${block}}`;
}
