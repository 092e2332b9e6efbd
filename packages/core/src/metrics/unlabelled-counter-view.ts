import type { ValueSeries } from '../collect/metric-family.js';
import type { ValueCell } from './cell.js';

/**
 * UnlabelledCounterView is the exported view of an unlabelled counter's series. The counter's
 * argument-less `inc()` only adds 1 to the cell's value (one store, the cost of a plain property
 * increment) and leaves the cell's own update count alone; every other update adds to both. A
 * counter's value never goes down, so `updateCount` is reported as the cell's update count plus
 * its value: it grows by at least one on every update (by one for `inc()`, by one plus the amount
 * for `inc(amount)`, so `inc(0)` still counts), which is what change detection needs (the StatsD
 * exporter and the cluster worker compare it with the value they last sent). It is not a count
 * of updates. (Past 2^53 a counter loses increments to float precision, and so does this sum.)
 * One view per cell: `reset()` makes a new cell, hence a new view, as for any new series.
 * @internal
 */
export class UnlabelledCounterView implements ValueSeries {
  constructor(readonly cell: ValueCell) {}

  get labelValues(): ValueSeries['labelValues'] {
    return this.cell.labelValues;
  }

  get value(): number {
    return this.cell.value;
  }

  get updateCount(): number {
    return this.cell.updateCount + this.cell.value;
  }
}
