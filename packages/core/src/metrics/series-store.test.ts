import { createRecordingLogger } from '@servermetrics/testing';
import { describe, expect, test } from 'vitest';
import { MetricRegistry } from '../registry/metric-registry.js';
import { Counter } from './counter.js';

function registryWithLogger(): MetricRegistry {
  return new MetricRegistry({ logger: createRecordingLogger() });
}

describe('series identity', () => {
  test('values with separators and quotes never merge two series', () => {
    const registry = registryWithLogger();
    const counter = registry.register('c', new Counter({ help: 'c', labels: { a: 'string', b: 'string' } }));
    const tricky: [string, string][] = [
      ['x,b=y', ''],
      ['x', 'b=y'],
      ['x:', 'y'],
      ['x', ':y'],
      ['x|y', ''],
      ['x', '|y'],
      ['"x"', 'y'],
      ['x"', '"y'],
      ['', ''],
      ['a\u0000b', ''],
      ['a', '\u0000b'],
    ];
    for (const [a, b] of tricky) counter.inc({ a, b });
    expect(counter.seriesCount).toBe(tricky.length);
    for (const [a, b] of tricky) expect(counter.value({ a, b })).toBe(1);
  });

  test('an int label and a string label with the same text are different series', () => {
    const counter = new Counter({ help: 'c', labels: { code: 'int', text: 'string' } });
    counter.inc({ code: 200, text: '200' });
    counter.inc({ code: 2, text: '00' });
    expect(counter.seriesCount).toBe(2);
  });

  test('booleans and enums are valid keys', () => {
    const counter = new Counter({ help: 'c', labels: { ok: 'boolean', method: ['GET', 'POST'] } });
    counter.inc({ ok: true, method: 'GET' });
    counter.inc({ ok: false, method: 'GET' });
    counter.inc({ ok: true, method: 'GET' });
    expect(counter.value({ ok: true, method: 'GET' })).toBe(2);
    expect(counter.seriesCount).toBe(2);
  });
});

describe('least-recently-updated eviction', () => {
  test('the victim is the least recently updated series; reads do not refresh it; the new series survives', () => {
    const counter = registryWithLogger().register(
      'c',
      new Counter({ help: 'c', labels: { n: 'int' }, maxCells: 3 }),
    );
    counter.inc({ n: 1 });
    counter.inc({ n: 2 });
    counter.inc({ n: 3 });
    counter.inc({ n: 1 }); // 1 is now the most recent; 2 is the oldest
    counter.value({ n: 2 }); // reads do not count
    counter.inc({ n: 4 });
    expect(counter.value({ n: 2 })).toBeUndefined();
    expect(counter.value({ n: 1 })).toBe(2);
    expect(counter.value({ n: 4 })).toBe(1);
    counter.inc({ n: 5 });
    expect(counter.value({ n: 3 })).toBeUndefined();
  });

  test('with maxCells 1 the new series always wins', () => {
    const counter = registryWithLogger().register(
      'c',
      new Counter({ help: 'c', labels: { n: 'int' }, maxCells: 1 }),
    );
    for (let n = 0; n < 50; n++) {
      counter.inc({ n });
      expect(counter.value({ n })).toBe(1);
      expect(counter.seriesCount).toBe(1);
    }
  });

  test('collect order is grouped by label value in first-seen order and survives eviction of others', () => {
    const registry = registryWithLogger();
    const counter = registry.register('c', new Counter({ help: 'c', labels: { a: 'string', b: 'int' } }));
    counter.inc({ a: 'y', b: 2 });
    counter.inc({ a: 'x', b: 1 });
    counter.inc({ a: 'y', b: 1 });
    const order = (): unknown[] => registry.collect()[0]!.series.map((series) => series.labelValues);
    expect(order()).toEqual([
      ['y', 2],
      ['y', 1],
      ['x', 1],
    ]);
    counter.inc({ a: 'x', b: 1 });
    expect(order()).toEqual([
      ['y', 2],
      ['y', 1],
      ['x', 1],
    ]);
    counter.remove({ a: 'y', b: 2 });
    counter.remove({ a: 'y', b: 1 });
    expect(order()).toEqual([['x', 1]]);
  });
});
