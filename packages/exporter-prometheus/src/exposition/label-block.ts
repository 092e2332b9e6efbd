import type { LabelValue } from '@servermetrics/core';
import { escapeLabelValue } from './escape.js';

/**
 * LabelBlocks builds the label blocks (`{method="get",code="200"}`) of one family's series,
 * for one scrape.
 *
 * Nothing is kept per series between scrapes: a cache keyed per series (as earlier versions
 * had) held one string and one weak-map entry per series, about as much heap as the series
 * itself. Instead each label position remembers, for the duration of one scrape, its rendered
 * `name="escaped value"` pairs per distinct value, so a value shared by many series (a method,
 * a route, a status code) is escaped and formatted once per scrape and each series costs one
 * map lookup per label. Memory is bounded by the distinct values of one family and released
 * with the encoder at the end of the scrape.
 */
export class LabelBlocks {
  readonly #labelNames: readonly string[];
  readonly #pairs: Map<LabelValue, string>[];

  /** Prepares the blocks of a family with these label names (in declaration order). */
  constructor(labelNames: readonly string[]) {
    this.#labelNames = labelNames;
    this.#pairs = labelNames.map(() => new Map<LabelValue, string>());
  }

  /**
   * The label block of a series, `{name="value",...}` in label declaration order, or `''` for an
   * unlabelled family. `open` leaves out the closing `}` (so a histogram can append `le`).
   */
  of(labelValues: readonly LabelValue[], open = false): string {
    const count = this.#labelNames.length;
    if (count === 0) return '';
    let block = '{';
    for (let index = 0; index < count; index++) {
      const value = labelValues[index]!;
      const pairs = this.#pairs[index]!;
      let pair = pairs.get(value);
      if (pair === undefined) {
        pair = `${this.#labelNames[index]}="${escapeLabelValue(String(value))}"`;
        pairs.set(value, pair);
      }
      block = index === 0 ? `{${pair}` : `${block},${pair}`;
    }
    return open ? block : `${block}}`;
  }
}
