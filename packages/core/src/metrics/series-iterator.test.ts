import { createRecordingLogger } from '@servermetrics/testing';
import { describe, expect, test } from 'vitest';
import type { CounterFamily, ValueSeries } from '../collect/metric-family.js';
import { MetricRegistry } from '../registry/metric-registry.js';
import { Counter } from './counter.js';

const LABELS = { a: 'string', b: 'string' } as const;

function setUp(maxCells = 1000): { counter: Counter<typeof LABELS>; family: () => CounterFamily } {
  const registry = new MetricRegistry({ logger: createRecordingLogger(), defaultMaxCells: maxCells });
  const counter = registry.register('c', new Counter({ help: 'c', labels: LABELS }));
  return { counter, family: () => counter.collectFamily('c') };
}

function keys(series: Iterable<ValueSeries>): string[] {
  return [...series].map((view) => view.labelValues.join('/'));
}

describe('collect builds no array of series; seriesIterator walks them lazily', () => {
  test('the iterator yields the same views in the same order as series', () => {
    const { counter, family } = setUp();
    for (const a of ['x', 'y', 'z']) for (const b of ['1', '2']) counter.inc({ a, b });
    counter.inc({ a: 'x', b: '3' });
    const collected = family();
    const fromIterator = [...collected.seriesIterator!()];
    expect(fromIterator).toEqual([...collected.series]);
    expect(fromIterator.every((view, index) => view === collected.series[index])).toBe(true);
    expect(keys(fromIterator)).toEqual(['x/1', 'x/2', 'x/3', 'y/1', 'y/2', 'z/1', 'z/2']);
  });

  test('series is built on first read and cached in that family object', () => {
    const { counter, family } = setUp();
    counter.inc({ a: 'x', b: '1' });
    const collected = family();
    counter.inc({ a: 'y', b: '1' });
    expect(keys(collected.series)).toEqual(['x/1', 'y/1']);
    counter.inc({ a: 'z', b: '1' });
    expect(collected.series).toBe(collected.series);
    expect(keys(collected.series)).toEqual(['x/1', 'y/1']);
  });

  test('series created after the iterator opened are not yielded; removed ones not yet reached are skipped', () => {
    const { counter, family } = setUp();
    for (const a of ['x', 'y', 'z']) counter.inc({ a, b: '1' });
    const iterator = family().seriesIterator!();
    expect(keys([iterator.next().value!])).toEqual(['x/1']);
    counter.inc({ a: 'x', b: '2' }); // new, in a level already being walked
    counter.inc({ a: 'w', b: '1' }); // new, in a new first-level entry
    counter.remove({ a: 'y', b: '1' });
    expect(keys(iterator)).toEqual(['z/1']);
  });

  test('a series deleted and re-created during the walk appears at most once', () => {
    const { counter, family } = setUp();
    for (const a of ['x', 'y']) counter.inc({ a, b: '1' });
    const iterator = family().seriesIterator!();
    expect(keys([iterator.next().value!])).toEqual(['x/1']);
    counter.remove({ a: 'x', b: '1' });
    counter.inc({ a: 'x', b: '1' });
    counter.remove({ a: 'y', b: '1' });
    counter.inc({ a: 'y', b: '1' });
    expect(keys(iterator)).toEqual([]);
    // A fresh iterator sees the re-created series.
    expect(keys(family().seriesIterator!())).toEqual(['x/1', 'y/1']);
  });

  test('eviction during the walk never yields a series twice', () => {
    const { counter, family } = setUp(3);
    for (const a of ['x', 'y', 'z']) counter.inc({ a, b: '1' });
    const iterator = family().seriesIterator!();
    const seen = keys([iterator.next().value!]);
    for (const a of ['x', 'y', 'z', 'x']) counter.inc({ a, b: '2' }); // evicts and re-creates
    seen.push(...keys(iterator));
    expect(new Set(seen).size).toBe(seen.length);
  });

  test('reset() during the walk ends it; return() stops it and releases the store', () => {
    const { counter, family } = setUp();
    for (const a of ['x', 'y']) counter.inc({ a, b: '1' });
    const first = family().seriesIterator!();
    first.next();
    counter.reset();
    expect(first.next().done).toBe(true);
    counter.inc({ a: 'x', b: '1' });
    // The store's private set of open iterators (undefined when none is open).
    const openIterators = (): number =>
      (counter as unknown as { store: { iterators: Set<unknown> | undefined } }).store.iterators?.size ?? 0;
    expect(openIterators()).toBe(0);
    const second = family().seriesIterator!();
    expect(openIterators()).toBe(1);
    expect(second.return!().done).toBe(true);
    expect(openIterators()).toBe(0);
    expect(second.next().done).toBe(true);
  });

  test('an unlabelled metric has its one series as an array and no iterator', () => {
    const registry = new MetricRegistry({ logger: createRecordingLogger() });
    const counter = registry.register('u', new Counter({ help: 'u' }));
    counter.inc();
    const collected = counter.collectFamily('u');
    expect(collected.series.map((view) => view.value)).toEqual([1]);
    expect(collected.seriesIterator).toBeUndefined();
  });
});
