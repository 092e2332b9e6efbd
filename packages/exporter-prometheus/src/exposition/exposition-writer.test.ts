import { Counter, type MetricFamily, MetricRegistry } from '@servermetrics/core';
import { createRecordingLogger, parseExposition } from '@servermetrics/testing';
import { describe, expect, it } from 'vitest';
import { ExpositionWriter } from './exposition-writer.js';
import { renderMetrics } from './render-metrics.js';
import { TEXT_ENCODER } from './text-encoder.js';

function counterRegistry(
  series: number,
  maxCells = 100_000,
): { registry: MetricRegistry; counter: Counter<{ id: 'int' }> } {
  const registry = new MetricRegistry({ logger: createRecordingLogger(), defaultMaxCells: maxCells });
  const counter = registry.register(
    'requests_total',
    new Counter({ help: 'Requests.', labels: { id: 'int' } }),
  );
  for (let id = 0; id < series; id++) counter.inc({ id });
  return { registry, counter };
}

function sampleIds(body: string): number[] {
  return [...body.matchAll(/^requests_total\{id="(\d+)"\}/gm)].map((match) => Number(match[1]));
}

describe('ExpositionWriter over core families', () => {
  it('reads no series array of a labelled family: it walks seriesIterator', () => {
    const { registry } = counterRegistry(50);
    const family = registry.collect()[0]!;
    let arrayReads = 0;
    const watched = new Proxy(family, {
      get: (target, key, receiver) => {
        if (key === 'series') arrayReads++;
        return Reflect.get(target, key, receiver);
      },
    }) as MetricFamily;
    const body = new ExpositionWriter([watched], TEXT_ENCODER, Number.POSITIVE_INFINITY).nextSlice();
    expect(arrayReads).toBe(0);
    expect(body).toBe(renderMetrics(registry));
  });

  it('writes each series at most once while series are evicted, re-created and added between slices', () => {
    const { registry, counter } = counterRegistry(2000, 2000);
    const writer = new ExpositionWriter(registry.collect(), TEXT_ENCODER, 1024);
    let body = '';
    let next = 2000;
    while (!writer.done) {
      body += writer.nextSlice() as string;
      // Evicts the oldest series, then re-creates some of the evicted ones.
      for (let index = 0; index < 20; index++) counter.inc({ id: next++ });
      for (let id = 0; id < 10; id++) counter.inc({ id });
    }
    const ids = sampleIds(body);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id < 2000)).toBe(true);
    expect(() => parseExposition(body, 'text')).not.toThrow();
  });

  it('close() stops the walk and releases the iterator', () => {
    const { registry } = counterRegistry(5000);
    const family = registry.collect()[0]!;
    const iterate = family.seriesIterator!;
    // The family with a seriesIterator that counts return() calls (core's seriesIterator is a
    // non-configurable property, so a Proxy may not replace it: the family is the prototype).
    let returns = 0;
    const watched: MetricFamily = Object.create(family, {
      seriesIterator: {
        value: (): Iterator<unknown> => {
          const iterator: Iterator<unknown> = iterate();
          const release = iterator.return!.bind(iterator);
          iterator.return = (value?: unknown): IteratorResult<unknown> => {
            returns++;
            return release(value);
          };
          return iterator;
        },
      },
    });
    const writer = new ExpositionWriter([watched], TEXT_ENCODER, 1024);
    const first = writer.nextSlice() as string;
    expect(writer.done).toBe(false);
    expect(returns).toBe(0);
    writer.close();
    expect(returns).toBe(1);
    expect(writer.done).toBe(true);
    expect(writer.nextSlice()).toBe('');
    writer.close();
    expect(returns).toBe(1);
    expect(sampleIds(first).length).toBeLessThan(5000);
  });
});
