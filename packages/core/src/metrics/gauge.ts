import type { GaugeFamily } from '../collect/metric-family.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { describeValue } from '../labels/label-check.js';
import type { IsUnlabelled, LabelSchema, LabelValues, NoLabels } from '../labels/label-schema.js';
import { isGaugeValue, isObservation } from './amounts.js';
import { BoundSeries } from './bound-series.js';
import { ValueCell } from './cell.js';
import type { SeriesArguments } from './counter.js';
import { Metric, type MetricOptions } from './metric.js';

/** Arguments of `Gauge.set`: `(value)` without labels, `(labels, value)` with labels. */
export type GaugeSetArguments<S extends LabelSchema> =
  IsUnlabelled<S> extends true ? [value: number] : [labels: LabelValues<S>, value: number];

/** Arguments of `Gauge.inc` / `Gauge.dec`: `(amount?)` without labels, `(labels, amount?)` with labels. */
export type GaugeChangeArguments<S extends LabelSchema> =
  IsUnlabelled<S> extends true ? [amount?: number] : [labels: LabelValues<S>, amount?: number];

/** Options of a Gauge. */
export interface GaugeOptions<S extends LabelSchema> extends MetricOptions<S> {
  /** Value every new series starts at. @default 0 */
  initial?: number;
  /** Called before each collection (scrape or flush) to set the value. May be async. */
  collect?: (metric: Gauge<S>) => void | Promise<void>;
}

const EXPECTED_VALUE = 'a number (not NaN)';
const EXPECTED_CHANGE = 'a finite number';

/** `set` takes any number but NaN; `inc`/`dec` take finite amounts, so no sequence of calls can produce NaN. */
function isValidInput(amount: unknown, direction: number): amount is number {
  return direction === 0 ? isGaugeValue(amount) : isObservation(amount);
}

/**
 * Gauge is a number that goes up and down: queue length, memory in use, temperature.
 *
 * Same costs and misuse rules as Counter. `set` takes any number but NaN (infinities are valid
 * values); `inc`/`dec` take finite amounts (a negative `inc` is a decrease).
 */
export class Gauge<const S extends LabelSchema = NoLabels> extends Metric<S, ValueCell> {
  /** Value every new series starts at. */
  readonly initial: number;
  /** @internal */
  readonly collectHook: ((metric: Gauge<S>) => void | Promise<void>) | undefined;

  /** Every option is optional: `new Gauge({ initial: 5 })` is an unlabelled gauge starting at 5. */
  constructor(options: GaugeOptions<S> = {}) {
    const initial = options?.initial ?? 0;
    if (!isGaugeValue(initial)) {
      throw new InvalidOptionError(
        'initial',
        `initial must be a number (not NaN), got ${describeValue(initial)}.`,
      );
    }
    super('gauge', options, (labelValues) => new ValueCell(labelValues, initial));
    this.initial = initial;
    this.collectHook = options.collect;
  }

  /** Sets the series to `value`. */
  set(...arguments_: GaugeSetArguments<S>): void;
  set(first?: unknown, second?: unknown): void {
    this.apply('set', first, second, 0);
  }

  /** Adds `amount` (default 1). */
  inc(...arguments_: GaugeChangeArguments<S>): void;
  inc(first?: unknown, second?: unknown): void {
    this.apply('inc', first, second, 1);
  }

  /** Subtracts `amount` (default 1). */
  dec(...arguments_: GaugeChangeArguments<S>): void;
  dec(first?: unknown, second?: unknown): void {
    this.apply('dec', first, second, -1);
  }

  /** Sets the series to the current Unix time in seconds. */
  setToCurrentTime(...arguments_: SeriesArguments<S>): void;
  setToCurrentTime(labels?: unknown): void {
    if (this.store === undefined) this.apply('set', Date.now() / 1000, undefined, 0);
    else this.apply('set', labels, Date.now() / 1000, 0);
  }

  /** Bound series for `labels`; see Counter.with for the eviction contract. */
  with(...arguments_: SeriesArguments<S>): BoundGauge;
  with(labels?: unknown): BoundGauge {
    return this.handleFor(labels) as BoundGauge;
  }

  /** Current value of the series, or undefined when it does not exist; see Counter.value. */
  value(...arguments_: SeriesArguments<S>): number | undefined;
  value(labels?: unknown): number | undefined {
    return this.existingCell(labels, 'value')?.value;
  }

  /** @internal */
  protected createHandle(cell: ValueCell, invalid: boolean): BoundGauge {
    return new BoundGauge(this, cell, invalid);
  }

  /**
   * direction 0 sets, 1 adds, -1 subtracts. One shared body keeps set/inc/dec identical in
   * validation and cost.
   */
  private apply(operation: string, first: unknown, second: unknown, direction: number): void {
    const store = this.store;
    if (store === undefined) {
      const amount = first === undefined && direction !== 0 ? 1 : first;
      if (!isValidInput(amount, direction)) {
        this.rejectValue(operation, amount, direction === 0 ? EXPECTED_VALUE : EXPECTED_CHANGE);
        return;
      }
      const cell = this.scalar!;
      cell.value = direction === 0 ? amount : cell.value + direction * amount;
      cell.updateCount++;
      return;
    }
    const amount = second === undefined && direction !== 0 ? 1 : second;
    if (!isValidInput(amount, direction)) {
      this.rejectValue(operation, amount, direction === 0 ? EXPECTED_VALUE : EXPECTED_CHANGE);
      return;
    }
    const cell = this.cellFor(first, operation);
    if (cell === undefined) return;
    cell.value = direction === 0 ? amount : cell.value + direction * amount;
    cell.updateCount++;
    store.touch(cell);
  }

  /** @internal */
  collectFamily(name: string): GaugeFamily {
    return this.liveFamily<GaugeFamily>({
      name,
      type: 'gauge',
      help: this.help,
      unit: this.unit,
      labelNames: this.labelNames,
      metric: this,
    });
  }
}

/** BoundGauge is one series of a Gauge, with its labels resolved once by `with()`. */
export class BoundGauge extends BoundSeries<ValueCell> {
  /** Sets the value. */
  set(value: number): void {
    this.apply('set', value, 0);
  }

  /** Adds `amount` (default 1). */
  inc(amount?: number): void {
    this.apply('inc', amount === undefined ? 1 : amount, 1);
  }

  /** Subtracts `amount` (default 1). */
  dec(amount?: number): void {
    this.apply('dec', amount === undefined ? 1 : amount, -1);
  }

  /** Current value (the gauge's initial value after an eviction, until the next update). */
  value(): number {
    return this.cell.detached ? (this.source as Gauge<LabelSchema>).initial : this.cell.value;
  }

  /** @internal */
  private apply(operation: string, amount: number, direction: number): void {
    if (!isValidInput(amount, direction)) {
      this.source.rejectValue(operation, amount, direction === 0 ? EXPECTED_VALUE : EXPECTED_CHANGE, true);
      return;
    }
    const cell = this.cellToUpdate(operation);
    if (cell === undefined) return;
    cell.value = direction === 0 ? amount : cell.value + direction * amount;
    cell.updateCount++;
  }
}
