import type { CounterFamily } from '../collect/metric-family.js';
import type { IsUnlabelled, LabelSchema, LabelValues, NoLabels } from '../labels/label-schema.js';
import { isCounterAmount } from './amounts.js';
import { BoundSeries } from './bound-series.js';
import { ValueCell } from './cell.js';
import { Metric, type MetricOptions } from './metric.js';
import { UnlabelledCounterView } from './unlabelled-counter-view.js';

/** Arguments of `Counter.inc`: `(amount?)` without labels, `(labels, amount?)` with labels. */
export type CounterIncArguments<S extends LabelSchema> =
  IsUnlabelled<S> extends true ? [amount?: number] : [labels: LabelValues<S>, amount?: number];

/** Arguments that pick one series: none without labels, the label object with labels. */
export type SeriesArguments<S extends LabelSchema> =
  IsUnlabelled<S> extends true ? [] : [labels: LabelValues<S>];

/** Options of a Counter. */
export interface CounterOptions<S extends LabelSchema> extends MetricOptions<S> {
  /** Called before each collection (scrape or flush) to bring the value up to date. May be async. */
  collect?: (metric: Counter<S>) => void | Promise<void>;
}

const EXPECTED = 'a finite, non-negative number';

/**
 * Counter is a monotonically increasing number: requests served, errors, bytes sent.
 *
 * Hot path: `inc()` on an unlabelled counter or a bound series is a type check and an add;
 * `inc(labels)` on an existing series costs one Map lookup per label and allocates nothing.
 * Invalid input (negative, NaN or infinite amounts, bad labels) is logged (rate-limited) and
 * dropped, or throws MetricUsageError in strict mode.
 */
export class Counter<const S extends LabelSchema = NoLabels> extends Metric<S, ValueCell> {
  /** @internal */
  readonly collectHook: ((metric: Counter<S>) => void | Promise<void>) | undefined;
  /** The exported view of the unlabelled series (made on first collect, again after reset). */
  private unlabelledView: UnlabelledCounterView | undefined;

  /** Every option is optional: `new Counter()` is an unlabelled counter without help text. */
  constructor(options: CounterOptions<S> = {}) {
    super('counter', options, (labelValues) => new ValueCell(labelValues, 0));
    this.collectHook = options.collect;
  }

  /** Adds `amount` (default 1) to the series. */
  inc(...arguments_: CounterIncArguments<S>): void;
  inc(first?: unknown, second?: unknown): void {
    const scalar = this.scalar;
    if (scalar !== undefined && first === undefined) {
      // The most common call of all: an unlabelled `inc()`. One store: the exported view derives
      // its updateCount from the value (UnlabelledCounterView), so none is counted here.
      scalar.value++;
      return;
    }
    const store = this.store;
    if (store === undefined) {
      const amount = first === undefined ? 1 : first;
      if (!isCounterAmount(amount)) {
        this.rejectValue('inc', amount, EXPECTED);
        return;
      }
      const cell = this.scalar!;
      cell.value += amount;
      cell.updateCount++;
      return;
    }
    const amount = second === undefined ? 1 : second;
    if (!isCounterAmount(amount)) {
      this.rejectValue('inc', amount, EXPECTED);
      return;
    }
    const cell = this.cellFor(first, 'inc');
    if (cell === undefined) return;
    cell.value += amount;
    cell.updateCount++;
    store.touch(cell);
  }

  /**
   * Returns the bound series for `labels`, creating the series if needed. Its `inc` does no
   * label work at all. If the series is later evicted or removed, the next `inc` re-creates it
   * (from 0, counted as a new series). Calling `with` again for the same labels returns the same
   * handle without allocating. Invalid labels are reported (or throw in strict mode) and give the
   * counter's one shared no-op handle, whose updates are reported and dropped.
   */
  with(...arguments_: SeriesArguments<S>): BoundCounter;
  with(labels?: unknown): BoundCounter {
    return this.handleFor(labels) as BoundCounter;
  }

  /**
   * Current value of the series, or undefined when it does not exist or the labels are invalid.
   * Never creates a series; reports only a label object that throws when read.
   */
  value(...arguments_: SeriesArguments<S>): number | undefined;
  value(labels?: unknown): number | undefined {
    return this.existingCell(labels, 'value')?.value;
  }

  /** @internal */
  protected createHandle(cell: ValueCell, invalid: boolean): BoundCounter {
    return new BoundCounter(this, cell, invalid);
  }

  /** @internal The view of the unlabelled series: its updateCount follows the value too. */
  protected override scalarView(cell: ValueCell): UnlabelledCounterView {
    let view = this.unlabelledView;
    if (view === undefined || view.cell !== cell) {
      view = new UnlabelledCounterView(cell);
      this.unlabelledView = view;
    }
    return view;
  }

  /** @internal */
  collectFamily(name: string): CounterFamily {
    return this.liveFamily<CounterFamily>({
      name,
      type: 'counter',
      help: this.help,
      unit: this.unit,
      labelNames: this.labelNames,
      metric: this,
    });
  }
}

/**
 * BoundCounter is one series of a Counter, with its labels resolved once by `with()`.
 * Its `inc` validates only the amount and allocates nothing.
 */
export class BoundCounter extends BoundSeries<ValueCell> {
  /** Adds `amount` (default 1). An invalid amount is reported and dropped, like `Counter.inc`. */
  inc(amount?: number): void {
    const value = amount === undefined ? 1 : amount;
    if (!isCounterAmount(value)) {
      this.source.rejectValue('inc', value, EXPECTED, true);
      return;
    }
    const cell = this.cellToUpdate('inc');
    if (cell === undefined) return;
    cell.value += value;
    cell.updateCount++;
  }

  /** Current value of the series (0 after it was evicted, until the next `inc`). */
  value(): number {
    return this.cell.detached ? 0 : this.cell.value;
  }
}
