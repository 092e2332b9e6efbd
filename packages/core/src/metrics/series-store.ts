import type { LabelValue } from '../labels/label-schema.js';
import type { Cell } from './cell.js';

type Level = Map<LabelValue, unknown>;

/**
 * SeriesStore holds the cells of a labelled metric.
 *
 * Identity: nested Maps keyed by each label value in label order, so a lookup builds no key
 * string and two different label sets can never collide, whatever characters they contain.
 * Values of one label all have the declared type, so `200` and `"200"` never meet in one Map.
 *
 * Cardinality: cells form a doubly linked list in least-recently-updated order. Inserting past
 * `maxCells` evicts the oldest cell in O(1); the new cell is never the victim.
 * @internal
 */
export class SeriesStore<C extends Cell> {
  private root: Level = new Map();
  private oldest: C | null = null;
  private newest: C | null = null;
  /** Open iterators (see `iterate`); a cell inserted meanwhile is added to each one's skip set. */
  private iterators: Set<WeakRef<SeriesIterator<C>>> | undefined;
  /** Number of live cells. */
  size = 0;

  constructor(
    private readonly labelNames: readonly string[],
    public maxCells: number,
    private readonly onEvict: (cell: C) => void,
  ) {}

  /**
   * Finds the cell for label values given in label order, or undefined. The values need no
   * validation: a hit proves each matched a validated key (`Map` compares with SameValueZero, so
   * `200` never matches `"200"`). Costs one Map lookup per label; allocates nothing.
   */
  findByValues(values: readonly unknown[]): C | undefined {
    let level: Level | undefined = this.root;
    const last = values.length - 1;
    for (let index = 0; index < last; index++) {
      level = level.get(values[index] as LabelValue) as Level | undefined;
      if (level === undefined) return undefined;
    }
    return level.get(values[last] as LabelValue) as C | undefined;
  }

  /**
   * The first level of the label Maps, for a caller that reads label values and walks at once
   * (see `Metric.readLabels`): each level maps a label value to the next level, and the last
   * level maps the last label's value to the cell. Read-only for callers.
   */
  get firstLevel(): ReadonlyMap<LabelValue, unknown> {
    return this.root;
  }

  /**
   * Adds `cell` as the most recently updated series and returns it; evicts the oldest past
   * `maxCells` (never the new cell). Never replaces a live series: when the series is already
   * present, returns the live cell and changes nothing (`cell` is then not stored).
   */
  insert(cell: C): C {
    const values = cell.labelValues;
    const last = values.length - 1;
    let level = this.root;
    for (let index = 0; index < last; index++) {
      let next = level.get(values[index]!) as Level | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(values[index]!, next);
      }
      level = next;
    }
    const existing = level.get(values[last]!) as C | undefined;
    if (existing !== undefined) return existing;
    level.set(values[last]!, cell);
    cell.detached = false;
    if (this.iterators !== undefined) this.skipInOpenIterators(cell);
    this.link(cell);
    this.size++;
    if (this.size > this.maxCells) this.evictOldest();
    return cell;
  }

  /** Marks `cell` as the most recently updated. O(1). */
  touch(cell: C): void {
    if (this.newest === cell) return;
    this.unlink(cell);
    this.link(cell);
  }

  /** Removes a cell's series. Its bound handle, if any, will re-create the series on its next update. */
  delete(cell: C): void {
    if (cell.detached) return;
    this.unlinkFromMaps(cell.labelValues, 0, this.root);
    this.unlink(cell);
    cell.detached = true;
    this.size--;
  }

  /** Removes every series. */
  clear(): void {
    for (let cell = this.oldest; cell !== null; cell = cell.newer as C | null) cell.detached = true;
    this.root = new Map();
    this.oldest = null;
    this.newest = null;
    this.size = 0;
  }

  /**
   * Returns the live cells, depth-first through the label Maps: series are grouped by their first
   * label value, in the order each value was first seen, then by the second, and so on. The order
   * is a function of the sequence of operations, so the same history always gives the same order.
   */
  cells(): C[] {
    const result: C[] = [];
    const depth = this.labelNames.length;
    const walk = (level: Level, remaining: number): void => {
      if (remaining === 1) {
        for (const cell of level.values()) result.push(cell as C);
        return;
      }
      for (const next of level.values()) walk(next as Level, remaining - 1);
    };
    if (depth > 0) walk(this.root, depth);
    return result;
  }

  /**
   * Walks the live cells lazily, in the order of `cells()`, one Map-iterator step per `next()`,
   * without building an array. Cells removed before the walk reaches them are skipped (`clear()`
   * included); cells inserted after this call are never yielded (each insert while iterators are
   * open adds the new cell to their skip sets: one Set add per open iterator), so every series
   * appears at most once even when it is deleted and re-created during the walk. The iterator
   * unregisters itself when exhausted or on `return()`; an abandoned one is held only weakly.
   */
  iterate(): IterableIterator<C> {
    const iterator = new SeriesIterator<C>(this.root, this.labelNames.length, this);
    this.iterators ??= new Set();
    this.iterators.add(iterator.reference);
    return iterator;
  }

  /** @internal Called by an iterator that is done. */
  release(reference: WeakRef<SeriesIterator<C>>): void {
    const iterators = this.iterators;
    if (iterators === undefined) return;
    iterators.delete(reference);
    if (iterators.size === 0) this.iterators = undefined;
  }

  private skipInOpenIterators(cell: C): void {
    for (const reference of this.iterators!) {
      const iterator = reference.deref();
      if (iterator === undefined) this.release(reference);
      else iterator.skip(cell);
    }
  }

  /** Resizes the limit; evicts oldest cells if the store is now over it. */
  setMaxCells(maxCells: number): void {
    this.maxCells = maxCells;
    while (this.size > this.maxCells) this.evictOldest();
  }

  private evictOldest(): void {
    const victim = this.oldest;
    if (victim === null || victim === this.newest) return;
    this.delete(victim);
    this.onEvict(victim);
  }

  private link(cell: C): void {
    cell.older = this.newest;
    cell.newer = null;
    if (this.newest === null) this.oldest = cell;
    else this.newest.newer = cell;
    this.newest = cell;
  }

  private unlink(cell: C): void {
    const older = cell.older as C | null;
    const newer = cell.newer as C | null;
    if (older === null) this.oldest = newer;
    else older.newer = newer;
    if (newer === null) this.newest = older;
    else newer.older = older;
    cell.older = null;
    cell.newer = null;
  }

  private unlinkFromMaps(values: readonly LabelValue[], index: number, level: Level): void {
    const key = values[index]!;
    if (index === values.length - 1) {
      level.delete(key);
      return;
    }
    const next = level.get(key) as Level | undefined;
    if (next === undefined) return;
    this.unlinkFromMaps(values, index + 1, next);
    if (next.size === 0) level.delete(key);
  }
}

/**
 * SeriesIterator walks a SeriesStore's label Maps depth-first with one Map iterator per level
 * (Map iterators are live: entries deleted before they are reached are not visited).
 * @internal
 */
class SeriesIterator<C extends Cell> implements IterableIterator<C> {
  readonly reference: WeakRef<SeriesIterator<C>> = new WeakRef(this);
  private readonly stack: Iterator<unknown>[];
  private skipped: Set<C> | undefined;
  private store: SeriesStore<C> | undefined;

  constructor(
    root: Level,
    private readonly depth: number,
    store: SeriesStore<C>,
  ) {
    this.stack = depth > 0 ? [root.values()] : [];
    this.store = store;
  }

  /** Marks a cell inserted after this iterator was opened: it is never yielded. */
  skip(cell: C): void {
    this.skipped ??= new Set();
    this.skipped.add(cell);
  }

  next(): IteratorResult<C, undefined> {
    const stack = this.stack;
    const depth = this.depth;
    while (stack.length > 0) {
      const step = stack[stack.length - 1]!.next();
      if (step.done === true) {
        stack.pop();
        continue;
      }
      if (stack.length < depth) {
        stack.push((step.value as Level).values());
        continue;
      }
      const cell = step.value as C;
      if (cell.detached || this.skipped?.has(cell) === true) continue;
      return { done: false, value: cell };
    }
    return this.return();
  }

  return(): IteratorResult<C, undefined> {
    this.stack.length = 0;
    this.skipped = undefined;
    this.store?.release(this.reference);
    this.store = undefined;
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): IterableIterator<C> {
    return this;
  }
}
