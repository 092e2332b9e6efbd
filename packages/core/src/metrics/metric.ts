import type { MetricFamily, MetricType } from '../collect/metric-family.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { formatUsageMessage, MetricUsageError } from '../errors/metric-usage-error.js';
import { describeThrown, describeValue, findLabelValueProblem } from '../labels/label-check.js';
import type { LabelSchema, LabelType, LabelValue } from '../labels/label-schema.js';
import { assertLabelName } from '../labels/names.js';
import { consoleLogger, type Logger } from '../logging/logger.js';
import { RateLimitedLogger } from '../logging/rate-limited-logger.js';
import type { AnyMetric } from './any-metric.js';
import type { BoundSeries } from './bound-series.js';
import type { Cell } from './cell.js';
import { SeriesStore } from './series-store.js';

const metricBrand: unique symbol = Symbol.for('servermetrics.metric');

/** Default cardinality limit of a labelled metric. */
export const DEFAULT_MAX_CELLS = 200;

/** Options common to every metric. Every option is optional: `new Counter()` works. */
export interface MetricOptions<S extends LabelSchema> {
  /**
   * What the metric measures, shown as `# HELP`. Recommended: Prometheus tooling and dashboards
   * show it. Without it no `# HELP` line is written.
   */
  help?: string;
  /**
   * Label schema: label name to type (`'string'`, `'int'`, `'number'`, `'boolean'` or a tuple of
   * allowed strings). Omit for an unlabelled metric.
   * @default {}
   */
  labels?: S;
  /**
   * Most series this metric keeps; one more evicts the least recently updated.
   * @default the `defaultMaxCells` (200) of the registry the metric is first registered in
   */
  maxCells?: number;
  /** Unit for OpenMetrics `# UNIT`, e.g. `seconds`; the registered name must then end in `_seconds` (or `_seconds_total`). */
  unit?: string;
  /** Logger for this metric's diagnostics. @default the logger of the registry the metric is first registered in, else console */
  logger?: Logger;
  /** Throw MetricUsageError on hot-path misuse instead of logging. @default the setting of the registry the metric is first registered in, else `SERVERMETRICS_STRICT=1` */
  strict?: boolean;
}

/**
 * MetricOwner is the registry side a metric reports to: where its logger, strictness, default
 * `maxCells` and eviction counter come from.
 * @internal
 */
export interface MetricOwner {
  readonly logger: Logger;
  readonly strict: boolean | undefined;
  readonly defaultMaxCells: number;
  recordEviction(metricName: string): void;
}

/** What went wrong in `readLabels` (kept in a field so the hot path returns one type). */
const NOT_AN_OBJECT = 1;
const UNKNOWN_LABEL = 2;
const READ_THREW = 3;

/** Problem reported when the shared no-op handle of `with()` on invalid labels is used. */
const INVALID_HANDLE_PROBLEM = 'bound series was created from invalid labels (see the with() report)';

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
 *
 * **Label objects** (DESIGN rule 11). Every call that takes labels reads each DECLARED label
 * name exactly once (`labels[name]`: an own or inherited property, enumerable or not, a getter,
 * a Proxy `get` trap) and uses what it read for lookup, validation and the new series alike, so
 * what is validated is what is stored. Any object works: a plain record, a class instance with
 * getters, a frozen or null-prototype object, a Proxy. An own enumerable string key that is not
 * a declared label is an unknown label (misuse); inherited enumerable keys (a polluted
 * `Object.prototype`) and non-enumerable keys that are not declared are ignored. An exception
 * thrown while reading (a getter, a Proxy trap) is misuse like any other: logged (rate-limited)
 * and the call dropped, or, in strict mode, a MetricUsageError whose `cause` is the exception.
 * The label object is never kept.
 */
export abstract class Metric<S extends LabelSchema, C extends Cell> {
  /** The metric type, as exporters name it. */
  readonly type: MetricType;
  /** Help text, or undefined when none was given (then no `# HELP` line is written). */
  readonly help: string | undefined;
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
  /** Creates a cell at the metric's initial state. @internal */
  protected readonly newCell: (labelValues: readonly LabelValue[]) => C;
  /** @internal */
  private registeredName: string | undefined;
  /** Registries holding the metric, in registration order; the first one supplies the settings. @internal */
  private readonly owners: MetricOwner[] = [];
  /** @internal */
  private readonly explicitMaxCells: number | undefined;
  /** @internal */
  private readonly explicitLogger: Logger | undefined;
  /** @internal */
  private readonly explicitStrict: boolean | undefined;
  /** @internal */
  private readonly environmentStrict: boolean = readStrictEnvironment();
  /** Resolved when the metric is created and when it is registered or unregistered. @internal */
  private logger: Logger;
  /** Resolved like `logger`. @internal */
  private strict: boolean;
  /** @internal */
  private readonly reporter: RateLimitedLogger;
  /** Label values of the current call, read once from the label object (reused: no allocation). @internal */
  private readonly labelScratch: unknown[];
  /** True while a label object is being read (a getter may call this metric again). @internal */
  private labelsBeingRead = false;
  /** Why the last `readLabels` returned undefined: NOT_AN_OBJECT, UNKNOWN_LABEL or READ_THREW. @internal */
  private labelFailure = 0;
  /** The unknown key found by the last `readLabels` that returned UNKNOWN_LABEL. @internal */
  private unknownLabel = '';
  /** The existing series of the labels the last successful `readLabels` read, or undefined. @internal */
  private foundCell: C | undefined = undefined;

  /** The one handle `with()` returns for invalid labels, created on first need. @internal */
  private noOpHandle: BoundSeries<C> | undefined;
  /** Rate-limit key and message per operation used on the no-op handle. @internal */
  private noOpMessages: Map<string, { kind: string; message: () => string }> | undefined;

  /** @internal Called by the Counter, Gauge and Histogram constructors. */
  constructor(
    type: MetricType,
    options: MetricOptions<S>,
    newCell: (labelValues: readonly LabelValue[]) => C,
  ) {
    (this as unknown as Record<symbol, boolean>)[metricBrand] = true;
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError(
        'options',
        `new ${capitalise(type)}(options) takes an options object (or nothing), got ${describeValue(options)}.`,
      );
    }
    if (options.help !== undefined && typeof options.help !== 'string') {
      throw new InvalidOptionError(
        'help',
        `new ${capitalise(type)}({ help }) takes a help string describing what it measures, got ${describeValue(options.help)}.`,
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
    this.labelScratch = new Array<unknown>(names.length).fill(undefined);
    if (options.maxCells !== undefined && !(Number.isInteger(options.maxCells) && options.maxCells >= 1)) {
      throw new InvalidOptionError(
        'maxCells',
        `maxCells must be a positive integer, got ${describeValue(options.maxCells)}.`,
      );
    }
    this.explicitMaxCells = options.maxCells;
    this.explicitLogger = options.logger;
    this.explicitStrict = options.strict;
    this.logger = options.logger ?? consoleLogger;
    this.strict = options.strict ?? this.environmentStrict;
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
   * it on its next update. Invalid labels (or a label object that throws when read) are reported
   * like any misuse and return false. Cost: like an update of an existing series.
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
    const values = this.readLabels(labels, 'remove');
    if (values === undefined) {
      this.reportUnreadableLabels('remove', labels);
      return false;
    }
    const cell = this.foundCell;
    if (cell === undefined) {
      const problem = findLabelValueProblem(this.labelNames, this.labelTypes, values);
      if (problem !== undefined) this.reportMisuse('remove', 'labels', problem);
      return false;
    }
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
    const handle = previous.handle as BoundSeries<C> | undefined;
    if (handle !== undefined) {
      handle.cell = fresh;
      fresh.handle = handle;
    }
    this.scalar = fresh;
  }

  /** @internal Builds the exporter view of this metric under `name`. */
  abstract collectFamily(name: string): MetricFamily;

  /** @internal Creates the bound handle of a series (or, `invalid`, the shared no-op handle). */
  protected abstract createHandle(cell: C, invalid: boolean): BoundSeries<C>;

  /**
   * @internal The existing cell for `labels` (none for an unlabelled metric), or undefined.
   * Never creates one and reports nothing but an exception thrown while reading the labels.
   */
  protected existingCell(labels: unknown, operation: string): C | undefined {
    if (this.store === undefined) return labels === undefined ? this.scalar : undefined;
    const values = this.readLabels(labels, operation);
    return values === undefined ? undefined : this.foundCell;
  }

  /** @internal The exported view of the unlabelled series: the cell itself unless a metric says otherwise. */
  protected scalarView(cell: C): object {
    return cell;
  }

  /**
   * @internal The family of this metric from its fields without the series: an unlabelled
   * metric gets `series: [scalar cell]`; a labelled one gets a `series` getter that walks the
   * store on first read (cached in this family object) and a `seriesIterator()` that walks it
   * lazily (SeriesStore.iterate). So `collect()` costs O(families), not O(series): an exporter
   * that renders in slices never builds an array of every series in one event-loop turn.
   */
  protected liveFamily<F extends MetricFamily>(fields: Omit<F, 'series' | 'seriesIterator'>): F {
    const store = this.store;
    if (store === undefined) return { ...fields, series: [this.scalarView(this.scalar!)] } as unknown as F;
    let series: C[] | undefined;
    return Object.defineProperties(fields, {
      series: { get: (): C[] => (series ??= store.cells()), enumerable: true },
      seriesIterator: { value: (): IterableIterator<C> => store.iterate(), enumerable: false },
    }) as unknown as F;
  }

  /**
   * @internal Called by a registry: takes the name. On the metric's first registration (and
   * again whenever it had left every registry) its `maxCells` comes from that registry unless
   * set on the metric; its logger, strictness and eviction counter come from the first registry
   * it is in, resolved here into plain fields (the hot path reads no registry).
   */
  attach(owner: MetricOwner, name: string): void {
    this.registeredName = name;
    if (this.owners.includes(owner)) return;
    this.owners.push(owner);
    if (this.owners.length === 1) {
      if (this.explicitMaxCells === undefined && this.store !== undefined) {
        this.store.setMaxCells(owner.defaultMaxCells);
      }
      this.resolveSettings();
    }
  }

  /** @internal Called by a registry when the metric leaves it. The name stays. */
  detach(owner: MetricOwner): void {
    const index = this.owners.indexOf(owner);
    if (index < 0) return;
    this.owners.splice(index, 1);
    if (index === 0) this.resolveSettings();
  }

  /** @internal The name used in messages. */
  protected get displayName(): string {
    return this.registeredName ?? `<unregistered ${this.type}>`;
  }

  /** Settings from the metric's own options, else the first registry it is in, else defaults. @internal */
  private resolveSettings(): void {
    const first = this.owners[0];
    this.logger = this.explicitLogger ?? first?.logger ?? consoleLogger;
    this.strict = this.explicitStrict ?? first?.strict ?? this.environmentStrict;
  }

  /**
   * Reports misuse of this metric, or of code that records into it (an HTTP recorder's user
   * callback, say), the way the metric's own hot path does: in strict mode throws
   * MetricUsageError (with `cause` when given); otherwise logs an error through the metric's
   * logger, at most once a minute per `operation` and `kind` of problem, and returns. Pass the
   * problem as a function to describe it only when it is logged or thrown: a suppressed report
   * then costs a map lookup, so a bad call in a hot loop stays cheap.
   */
  reportMisuse(
    operation: string,
    kind: string,
    problem: string | (() => string),
    options?: { cause: unknown },
  ): void {
    if (this.strict) {
      throw new MetricUsageError(
        this.displayName,
        operation,
        typeof problem === 'function' ? problem() : problem,
        options,
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
   * @internal Reads each declared label of `labels` exactly once, in declaration order, and
   * checks that the object has no own enumerable key that is not declared. Returns the values
   * read (in the metric's reusable scratch array: use them before the next call, copy to keep)
   * or undefined, with the reason in `labelFailure`. An exception thrown while reading is
   * reported here (and rethrown as MetricUsageError in strict mode); the other failures are the
   * caller's to report (see reportUnreadableLabels). Values are not validated. No allocation for
   * an object whose keys are the declared labels.
   */
  protected readLabels(labels: unknown, operation: string): unknown[] | undefined {
    if (typeof labels !== 'object' || labels === null) {
      this.labelFailure = NOT_AN_OBJECT;
      return undefined;
    }
    const names = this.labelNames;
    const count = names.length;
    const nested = this.labelsBeingRead;
    // A getter that calls this metric again must not overwrite what the outer call read.
    const values = nested ? new Array<unknown>(count) : this.labelScratch;
    this.labelsBeingRead = true;
    let failure = 0;
    let index = 0;
    let found: C | undefined;
    try {
      if (Array.isArray(labels)) {
        failure = NOT_AN_OBJECT;
      } else {
        const record = labels as Record<string, unknown>;
        // Read each label once and walk the series' Maps with the same value (no second pass).
        let level: ReadonlyMap<LabelValue, unknown> | undefined = this.store!.firstLevel;
        const last = count - 1;
        for (; index < last; index++) {
          const value = record[names[index]!];
          values[index] = value;
          if (level !== undefined) level = level.get(value as LabelValue) as typeof level;
        }
        const value = record[names[last]!];
        values[last] = value;
        index = count;
        if (level !== undefined) found = level.get(value as LabelValue) as C | undefined;
        // Fast path, exact for a plain object: its declared labels are own enumerable keys, so
        // as many enumerable keys as declared labels means none is unknown (a missing one reads
        // undefined and fails validation). Counting keys is far cheaper than comparing them.
        let keyCount = 0;
        for (const _key in record) keyCount++;
        if (keyCount !== count || Object.getPrototypeOf(record) !== Object.prototype) {
          const unknown = findUnknownLabel(record, names);
          if (unknown !== undefined) {
            this.unknownLabel = unknown;
            failure = UNKNOWN_LABEL;
          }
        }
      }
    } catch (error) {
      if (!nested) this.labelsBeingRead = false;
      this.labelFailure = READ_THREW;
      const reading = index < count ? `reading label "${names[index]}"` : 'listing the label keys';
      this.reportMisuse(operation, 'labels', () => `${reading} threw ${describeThrown(error)}`, {
        cause: error,
      });
      return undefined;
    }
    if (!nested) this.labelsBeingRead = false;
    if (failure !== 0) {
      this.labelFailure = failure;
      return undefined;
    }
    this.foundCell = found;
    return values;
  }

  /** @internal Reports why `readLabels(labels)` returned undefined, unless it reported already. */
  protected reportUnreadableLabels(operation: string, labels: unknown): void {
    if (this.labelFailure === READ_THREW) return;
    const failure = this.labelFailure;
    const unknownLabel = this.unknownLabel;
    const shown = failure === NOT_AN_OBJECT ? labels : undefined;
    this.reportMisuse(operation, 'labels', () => this.describeFailure(failure, shown, unknownLabel));
  }

  /**
   * @internal Describes why the last `readLabels(labels)` returned undefined; undefined when it
   * was an exception (reported by readLabels itself).
   */
  protected describeLabelFailure(labels: unknown): string | undefined {
    if (this.labelFailure === READ_THREW) return undefined;
    return this.describeFailure(this.labelFailure, labels, this.unknownLabel);
  }

  /** @internal */
  private describeFailure(failure: number, labels: unknown, unknownLabel: string): string {
    const names = this.labelNames;
    if (failure === UNKNOWN_LABEL) {
      return `unknown label "${unknownLabel}" (declared labels: ${names.join(', ')})`;
    }
    return `expected a label object with ${names.map((name) => `"${name}"`).join(', ')} but got ${describeValue(labels)}`;
  }

  /**
   * @internal Finds or creates the series for a label object. Returns undefined (after reporting)
   * when the labels are invalid. An existing series costs one read per label, one Map lookup per
   * label and no allocation.
   */
  protected cellFor(labels: unknown, operation: string): C | undefined {
    const values = this.readLabels(labels, operation);
    if (values === undefined) {
      this.reportUnreadableLabels(operation, labels);
      return undefined;
    }
    const cell = this.foundCell;
    return cell !== undefined ? cell : this.createSeries(values, operation);
  }

  /**
   * @internal Finds or creates the series for label values already read (in label order).
   * Validates them only when the series is new; copies them into the new series.
   */
  protected cellForValues(values: readonly unknown[], operation: string): C | undefined {
    const cell = this.store!.findByValues(values);
    return cell !== undefined ? cell : this.createSeries(values, operation);
  }

  /** @internal Validates `values` and inserts a new series for them, or reports and returns undefined. */
  private createSeries(values: readonly unknown[], operation: string): C | undefined {
    const problem = findLabelValueProblem(this.labelNames, this.labelTypes, values);
    if (problem !== undefined) {
      this.reportMisuse(operation, 'labels', problem);
      return undefined;
    }
    return this.store!.insert(this.newCell(values.slice() as LabelValue[]));
  }

  /**
   * @internal Looks up the series for `with(labels)` and returns its handle, creating both when
   * needed. Invalid labels are reported and give the metric's shared no-op handle.
   */
  protected handleFor(labels: unknown): BoundSeries<C> {
    if (this.store === undefined) {
      if (labels === undefined) return this.cachedHandle(this.scalar!);
      this.reportMisuse(
        'with',
        'labels',
        () => `this metric has no labels, but got ${describeValue(labels)}`,
      );
      return this.invalidHandle();
    }
    const cell = this.cellFor(labels, 'with');
    return cell === undefined ? this.invalidHandle() : this.cachedHandle(cell);
  }

  /** @internal */
  private cachedHandle(cell: C): BoundSeries<C> {
    if (cell.handle === undefined) cell.handle = this.createHandle(cell, false);
    return cell.handle as BoundSeries<C>;
  }

  /**
   * @internal The shared no-op handle: its cell is in no store and marked detached, so every
   * update through it goes to refreshHandle, which reports it and drops it.
   */
  private invalidHandle(): BoundSeries<C> {
    if (this.noOpHandle === undefined) {
      const cell = this.newCell([]);
      cell.detached = true;
      this.noOpHandle = this.createHandle(cell, true);
    }
    return this.noOpHandle;
  }

  /**
   * @internal Called by a bound handle whose cell is not the most recently updated or was
   * evicted: touches it, or re-creates the series (a new cell, which may evict another). For the
   * no-op handle, reports the update and returns undefined (the update is dropped).
   */
  refreshHandle(handle: BoundSeries<C>, operation: string): C | undefined {
    if (handle.invalid) {
      this.reportNoOpUpdate(operation);
      return undefined;
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
      cell = store.insert(this.newCell(cell.labelValues));
    }
    cell.handle ??= handle;
    handle.cell = cell;
    return cell;
  }

  /**
   * @internal Reports an update through the no-op handle like any misuse, without allocating
   * once the operation's rate-limit key and message function exist (one each per operation).
   */
  private reportNoOpUpdate(operation: string): void {
    if (this.strict) {
      throw new MetricUsageError(this.displayName, operation, INVALID_HANDLE_PROBLEM);
    }
    this.noOpMessages ??= new Map();
    const messages = this.noOpMessages;
    let entry = messages.get(operation);
    if (entry === undefined) {
      entry = {
        kind: `${operation}:labels`,
        message: () => formatUsageMessage(this.displayName, operation, INVALID_HANDLE_PROBLEM),
      };
      messages.set(operation, entry);
    }
    this.reporter.log('error', entry.kind, entry.message);
  }

  /** @internal */
  private onEvict(cell: C): void {
    const name = this.displayName;
    // Counted once, by the registry the metric is first registered in (its settings' source too).
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

/**
 * The first own enumerable key of `record` that is not a declared label, or undefined. Inherited
 * keys (a polluted `Object.prototype`, a class's getters) and non-enumerable ones are not labels.
 */
function findUnknownLabel(record: Record<string, unknown>, names: readonly string[]): string | undefined {
  let position = 0;
  for (const key in record) {
    // Keys usually come in declaration order: one comparison each.
    if (names[position] !== key && !names.includes(key) && Object.hasOwn(record, key)) return key;
    position++;
  }
  return undefined;
}
