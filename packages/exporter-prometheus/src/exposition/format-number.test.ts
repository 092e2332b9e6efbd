import { describe, expect, it } from 'vitest';
import { formatCanonicalFloat, formatSampleValue } from './format-number.js';

describe('number formatting', () => {
  it.each([
    [3, '3', '3.0'],
    [0, '0', '0.0'],
    [-0, '0', '0.0'],
    [-1, '-1', '-1.0'],
    [0.1, '0.1', '0.1'],
    [0.005, '0.005', '0.005'],
    [1e-7, '1e-7', '1e-7'],
    [1e21, '1e+21', '1e+21'],
    [123456789.125, '123456789.125', '123456789.125'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991', '9007199254740991.0'],
    [Number.POSITIVE_INFINITY, '+Inf', '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf', '-Inf'],
    [Number.NaN, 'NaN', 'NaN'],
  ])('%s -> sample %s, canonical %s', (value, sample, canonical) => {
    expect(formatSampleValue(value)).toBe(sample);
    expect(formatCanonicalFloat(value)).toBe(canonical);
  });

  it('round-trips every finite value it prints', () => {
    for (const value of [0.1 + 0.2, 1 / 3, 2 ** -1074, Number.MAX_VALUE, -123.456e-30]) {
      expect(Number(formatSampleValue(value))).toBe(value);
      expect(Number(formatCanonicalFloat(value))).toBe(value);
    }
  });
});
