import type { MetricFamily, MetricType } from '../collect/metric-family.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { formatUsageMessage, MetricUsageError } from '../errors/metric-usage-error.js';
import { describeValue, findLabelProblem } from '../labels/label-check.js';
import type { LabelSchema, LabelType, LabelValue } from '../labels/label-schema.js';
import { assertLabelName } from '../labels/names.js';
import { consoleLogger, type Logger } from '../logging/logger.js';
import { RateLimitedLogger } from '../logging/rate-limited-logger.js';
import type { AnyMetric } from './any-metric.js';
import type { Cell } from './cell.js';
import { SeriesStore } from './series-store.js';

const metricBrand: unique symbol = Symbol.for('servermetrics.metric');

/** Default cardinality limit of a labelled metric. */
export const DEFAULT_MAX_CELLS = 200;

/** Options common to every metric. */
export interface MetricOptions<S extends LabelSchema> {
  /** What the metric measures, shown as `# HELP`. Required: Prometheus tooling expects it. */
  help: string;
  /**
   * Label schema: label name to type (`'string'`, `'int'`, `'number'`, `'boolean'` or a tuple of
   * allowed strings). Omit for an unlabelled metric.
   * @default {}
   */
  labels?: S;
  /**
   * Most series this metric keeps; one more evicts the least recently updated.
   * @default the registry's `defaultMaxCells` (200)
   */
  maxCells?: number;
  /** Unit for OpenMetrics `# UNIT`, e.g. `seconds`; the registered name must then end in `_seconds` (or `_seconds_total`). */
  unit?: string;
  /** Logger for this metric's diagnostics. @default the registry's logger, else console */
  logger?: Logger;
  /** Throw MetricUsageError on hot-path misuse instead of logging. @default the registry's setting, else `SERVERMETRICS_STRICT=1` */
  strict?: boolean;
}

/**
 * MetricOwner is the registry side a metric reports to: where its logger, strictness and
 * eviction counter come from.
 * @internal
 */
export interface MetricOwner {
  readonly logger: Logger;
  readonly strict: boolean | undefined;
  readonly defaultMaxCells: number;
  recordEviction(metricName: string): void;
}

/** BoundHandle is the part of a bound series handle the metric manages. @internal */
export interface BoundHandle<C extends Cell> {
  cell: C;
  readonly invalidProblem: string | undefined;
}

/** Reads SERVERMETRICS_STRICT; called once per metric, when it is created. */
function readStrictEnvironment(): boolean {
  return typeof process !== 'undefined' && process.env?.SERVERMETRICS_STRICT === '1';
}

/** Returns true when `value` is a servermetrics metric, from any copy of the package. */
export function isMetric(value: unknown): value is AnyMetric {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[metricBrand] === true
  );
}

/**
 * Metric is the base of Counter, Gauge and Histogram: label schema, series storage with its
 * cardinality limit, naming, and misuse reporting. Not meant to be subclassed by users.
 */
export abstract class Metric<S extends LabelSchema, C extends Cell> {
  /** The metric type, as exporters name it. */
  readonly type: MetricType;
  /** Help text. */
  readonly help: string;
  /** Unit, if declared. */
  readonly unit: string | undefined;
  /** Label names in declaration order. */
  readonly labelNames: readonly string[];
  /** @internal */
  protected readonly labelTypes: readonly LabelType[];
  /** Series of a labelled metric; undefined for an unlabelled metric. @internal */
  protected readonly store: SeriesStore<C> | undefined;
  /** The single series of an unlabelled metric; undefined for a labelled metric. @internal */
  protected scalar: C | undefined;
  private registeredName: string | undefined;
  private readonly owners: MetricOwner[] = [];
  private readonly explicitMaxCells: number | undefined;
  private readonly explicitLogger: Logger | undefined;
  private readonly explicitStrict: boolean | undefined;
  private readonly environmentStrict: boolean = readStrictEnvironment();
  private readonly reporter: RateLimitedLogger;
  /** Creates a cell at the metric's initial state. @internal */
  protected readonly newCell: (labelValues: readonly LabelValue[]) => C;

  constructor(
    type: MetricType,
    options: MetricOptions<S>,
    newCell: (labelValues: readonly LabelValue[]) => C,
  ) {
    (this as unknown as Record<symbol, boolean>)[metricBrand] = true;
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError(
        'options',
        `new ${capitalise(type)}() needs an options object with at least { help }.`,
      );
    }
    if (typeof options.help !== 'string') {
      throw new InvalidOptionError(
        'help',
        `new ${capitalise(type)}({ help }) needs a help string describing what it measures, got ${describeValue(options.help)}.`,
      );
    }
    this.type = type;
    this.help = options.help;
    if (
      options.unit !== undefined &&
      (typeof options.unit !== 'string' || !/^[a-zA-Z0-9_]+$/.test(options.unit))
    ) {
      throw new InvalidOptionError(
        'unit',
        `unit must be letters, digits and "_" (like "seconds"), got ${describeValue(options.unit)}.`,
      );
    }
    this.unit = options.unit;
    const schema = options.labels ?? ({} as S);
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new InvalidOptionError(
        'labels',
        `labels must be an object mapping label names to types, got ${describeValue(schema)}.`,
      );
    }
    const names = Object.keys(schema);
    const types: LabelType[] = [];
    for (const name of names) {
      assertLabelName(name, type);
      const labelType = schema[name] as unknown;
      if (Array.isArray(labelType)) {
        if (labelType.length === 0 || !labelType.every((member) => typeof member === 'string')) {
          throw new InvalidOptionError(
            'labels',
            `label "${name}": an enum label needs a non-empty list of strings.`,
          );
        }
      } else if (
        labelType !== 'string' &&
        labelType !== 'int' &&
        labelType !== 'number' &&
        labelType !== 'boolean'
      ) {
        throw new InvalidOptionError(
          'labels',
          `label "${name}" has type ${describeValue(labelType)}; use 'string', 'int', 'number', 'boolean' or a list of allowed strings.`,
        );
      }
      types.push(Array.isArray(labelType) ? Object.freeze([...labelType]) : (labelType as LabelType));
    }
    this.labelNames = Object.freeze(names);
    this.labelTypes = Object.freeze(types);
    if (options.maxCells !== undefined && !(Number.isInteger(options.maxCells) && options.maxCells >= 1)) {
      throw new InvalidOptionError(
        'maxCells',
        `maxCells must be a positive integer, got ${describeValue(options.maxCells)}.`,
      );
    }
    this.explicitMaxCells = options.maxCells;
    this.explicitLogger = options.logger;
    this.explicitStrict = options.strict;
    this.reporter = new RateLimitedLogger(() => this.logger);
    this.newCell = newCell;
    if (names.length === 0) {
      this.store = undefined;
      this.scalar = this.newCell([]);
    } else {
      this.store = new SeriesStore<C>(names, options.maxCells ?? DEFAULT_MAX_CELLS, (cell) =>
        this.onEvict(cell),
      );
      this.scalar = undefined;
    }
  }

  /** The registered name, or undefined before the first registration. Fixed once set. */
  get name(): string | undefined {
    return this.registeredName;
  }

  /** The cardinality limit in force (1 for an unlabelled metric). */
  get maxCells(): number {
    return this.store?.maxCells ?? 1;
  }

  /** Number of live series (1 for an unlabelled metric). */
  get seriesCount(): number {
    return this.store?.size ?? 1;
  }

  /**
   * Removes one series. Returns true when it existed. A bound handle on that series re-creates
   * it on its next update. Invalid labels are reported like any misuse and return false.
   */
  remove(labels: unknown): boolean {
    const store = this.store;
    if (store === undefined) {
      this.reportMisuse(
        'remove',
        'labels',
        'this metric has no labels, so it has no series to remove; use reset()',
      );
      return false;
    }
    const problem = findLabelProblem(this.labelNames, this.labelTypes, labels);
    if (problem !== undefined) {
      this.reportMisuse('remove', 'labels', problem);
      return false;
    }
    const cell = store.find(labels as Record<string, unknown>);
    if (cell === undefined) return false;
    store.delete(cell);
    return true;
  }

  /**
   * Drops every series of a labelled metric; starts an unlabelled metric's series afresh at its
   * initial state. Either way the series that follow are new series (new views in `collect()`),
   * so exporters see a reset rather than a value that went down or, worse, up again. Bound
   * handles keep working: they re-create (labelled) or follow (unlabelled) their series.
   */
  reset(): void {
    if (this.store !== undefined) {
      this.store.clear();
      return;
    }
    const previous = this.scalar!;
    const fresh = this.newCell([]);
    const handle = previous.handle as BoundHandle<C> | undefined;
    if (handle !== undefined) {
      handle.cell = fresh;
      fresh.handle = handle;
    }
    this.scalar = fresh;
  }

  /** @internal Builds the exporter view of this metric under `name`. */
  abstract collectFamily(name: string): MetricFamily;

  /** @internal The existing cell for `labels` (none for an unlabelled metric), or undefined. Never creates one. */
  protected existingCell(labels: unknown): C | undefined {
    if (this.store === undefined) return labels === undefined ? this.scalar : undefined;
    if (typeof labels !== 'object' || labels === null) return undefined;
    return this.store.find(labels as Record<string, unknown>);
  }

  /** @internal Live cells: the scalar cell, or every labelled series in store order. */
  protected liveCells(): C[] {
    return this.store === undefined ? [this.scalar!] : this.store.cells();
  }

  /** @internal Called by a registry: takes the name and inherits the registry's settings on first registration. */
  attach(owner: MetricOwner, name: string): void {
    this.registeredName = name;
    if (this.owners.includes(owner)) return;
    this.owners.push(owner);
    if (this.owners.length === 1 && this.explicitMaxCells === undefined && this.store !== undefined) {
      this.store.setMaxCells(owner.defaultMaxCells);
    }
  }

  /** @internal Called by a registry when the metric leaves it. The name stays. */
  detach(owner: MetricOwner): void {
    const index = this.owners.indexOf(owner);
    if (index >= 0) this.owners.splice(index, 1);
  }

  /** @internal The name used in messages. */
  protected get displayName(): string {
    return this.registeredName ?? `<unregistered ${this.type}>`;
  }

  private get logger(): Logger {
    return this.explicitLogger ?? this.owners[0]?.logger ?? consoleLogger;
  }

  private get strict(): boolean {
    return this.explicitStrict ?? this.owners[0]?.strict ?? this.environmentStrict;
  }

  /**
   * @internal Reports hot-path misuse: throws MetricUsageError in strict mode, otherwise logs an
   * error, at most once a minute per operation and kind of problem. Pass the problem as a
   * function to describe it only when it is logged or thrown: a suppressed report then costs a
   * map lookup, so a bad call in a hot loop stays cheap.
   */
  reportMisuse(operation: string, kind: string, problem: string | (() => string)): void {
    if (this.strict) {
      throw new MetricUsageError(
        this.displayName,
        operation,
        typeof problem === 'function' ? problem() : problem,
      );
    }
    this.reporter.log('error', `${operation}:${kind}`, () =>
      formatUsageMessage(this.displayName, operation, typeof problem === 'function' ? problem() : problem),
    );
  }

  /** @internal Reports an invalid amount or value passed to `operation`. */
  rejectValue(operation: string, value: unknown, expected: string, bound = false): void {
    if (!bound && this.store === undefined && typeof value === 'object' && value !== null) {
      this.reportMisuse(
        operation,
        'labels',
        () => `this metric has no labels, but got ${describeValue(value)}`,
      );
      return;
    }
    this.reportMisuse(operation, 'value', () => `expected ${expected}, got ${describeValue(value)}`);
  }

  /**
   * @internal Finds or creates the series for a label object. Returns undefined (after reporting)
   * when the labels are invalid. Existing series cost one Map lookup per label and no allocation.
   */
  protected cellFor(labels: unknown, operation: string): C | undefined {
    const store = this.store!;
    if (typeof labels === 'object' && labels !== null) {
      const cell = store.find(labels as Record<string, unknown>);
      if (cell !== undefined) return cell;
    }
    const problem = findLabelProblem(this.labelNames, this.labelTypes, labels);
    if (problem !== undefined) {
      this.reportMisuse(operation, 'labels', problem);
      return undefined;
    }
    const record = labels as Record<string, LabelValue>;
    const values = this.labelNames.map((name) => record[name]!);
    const cell = this.newCell(values);
    store.insert(cell);
    return cell;
  }

  /**
   * @internal Looks up the series for `with(labels)` and returns its handle, creating both when
   * needed. Invalid labels give a handle that drops every update and reports it.
   */
  protected handleFor<H extends BoundHandle<C>>(
    labels: unknown,
    create: (cell: C, invalidProblem: string | undefined) => H,
  ): H {
    if (this.store === undefined) {
      if (labels === undefined) return this.cachedHandle(this.scalar!, create);
      const problem = `this metric has no labels, but got ${describeValue(labels)}`;
      this.reportMisuse('with', 'labels', problem);
      return create(this.scratchCell(), problem);
    }
    const cell = this.cellFor(labels, 'with');
    if (cell === undefined) {
      return create(this.scratchCell(), findLabelProblem(this.labelNames, this.labelTypes, labels));
    }
    return this.cachedHandle(cell, create);
  }

  private cachedHandle<H extends BoundHandle<C>>(
    cell: C,
    create: (cell: C, invalidProblem: undefined) => H,
  ): H {
    if (cell.handle === undefined) cell.handle = create(cell, undefined);
    return cell.handle as H;
  }

  /** A cell that is in no store and marked detached, so every write through its handle goes to refreshHandle. */
  private scratchCell(): C {
    const cell = this.newCell([]);
    cell.detached = true;
    return cell;
  }

  /**
   * @internal Called by a bound handle whose cell is not the most recently updated or was
   * evicted: touches it, or re-creates the series (a new cell, which may evict another).
   */
  refreshHandle(handle: BoundHandle<C>, operation: string): C {
    if (handle.invalidProblem !== undefined) {
      this.reportMisuse(
        operation,
        'labels',
        `bound series was created from invalid labels: ${handle.invalidProblem}`,
      );
      return handle.cell;
    }
    const store = this.store;
    let cell = handle.cell;
    if (store === undefined) return cell;
    if (!cell.detached) {
      store.touch(cell);
      return cell;
    }
    const existing = store.findByValues(cell.labelValues);
    if (existing !== undefined) {
      store.touch(existing);
      cell = existing;
    } else {
      cell = this.newCell(cell.labelValues);
      store.insert(cell);
    }
    cell.handle ??= handle;
    handle.cell = cell;
    return cell;
  }

  private onEvict(cell: C): void {
    const name = this.displayName;
    // Counted once, by the registry the metric was first registered in (its settings' source too).
    this.owners[0]?.recordEviction(name);
    this.reporter.log(
      'warn',
      'evict',
      `${name}: more than ${this.maxCells} series (maxCells); evicted the least recently updated one ` +
        `{${this.labelNames.map((label, index) => `${label}=${JSON.stringify(cell.labelValues[index])}`).join(',')}}. ` +
        'Use bounded label values, or raise maxCells.',
    );
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
