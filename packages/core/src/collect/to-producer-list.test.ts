import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { MetricRegistry } from '../registry/metric-registry.js';
import type { MetricProducer } from './metric-producer.js';
import { isMetricProducer, toProducerList } from './to-producer-list.js';

describe('toProducerList', () => {
  it('accepts one producer or a non-empty array, without repeats, in order', () => {
    const registry = new MetricRegistry();
    const custom: MetricProducer = { collect: () => [] };
    expect(toProducerList(registry, 'registry')).toEqual([registry]);
    expect(toProducerList([custom, registry, custom], 'registries')).toEqual([custom, registry]);
    expect(isMetricProducer({ collect: () => [], refresh: async () => [] })).toBe(true);
  });

  it.each([
    [undefined, /got undefined/],
    [null, /got null/],
    [[], /got an empty array/],
    [{}, /got an object \(Object\) without a collect\(\) method/],
    [{ collect: [] }, /without a collect\(\) method/],
    [{ collect: () => [], refresh: 5 }, /whose refresh is not a function/],
    ['default', /got "default"/],
    [[{ collect: () => [] }, 3], /got an array whose item 1 is 3/],
  ])('rejects %j with InvalidOptionError naming the option', (value, message) => {
    let thrown: unknown;
    try {
      toProducerList(value, 'registries');
    } catch (error) {
      thrown = error;
    }
    expect(InvalidOptionError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidOptionError).option).toBe('registries');
    expect((thrown as Error).message).toMatch(
      /^registries must be a MetricRegistry or another MetricProducer/,
    );
    expect((thrown as Error).message).toMatch(message);
  });

  it('a Proxy whose traps throw, or a revoked one, is an InvalidOptionError too', () => {
    const trap = (): never => {
      throw new Error('trap');
    };
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    for (const value of [new Proxy({}, { get: trap }), [new Proxy({}, { get: trap })], revocable.proxy]) {
      let thrown: unknown;
      try {
        toProducerList(value, 'registries');
      } catch (error) {
        thrown = error;
      }
      expect(InvalidOptionError.isInstance(thrown), String(thrown)).toBe(true);
      expect((thrown as InvalidOptionError).option).toBe('registries');
    }
  });
});
