import { describe, expect, test } from 'vitest';
import { formatRange, median, percentile, rotate } from './statistics.js';

describe('median', () => {
  test('odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('percentile', () => {
  test('the sorted element at floor(length x fraction), the last one for 1', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 0.5)).toBe(6);
    expect(percentile(values, 0.99)).toBe(10);
    expect(percentile(values, 1)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
  });
});

describe('formatRange', () => {
  test('minimum and maximum with the given decimals', () => {
    expect(formatRange([3, 1.5, 2], 2)).toBe('1.50-3.00');
    expect(formatRange([0.25], 1)).toBe('0.3-0.3');
  });
});

describe('rotate', () => {
  test('every item leads once per cycle', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 5)).toEqual(['c', 'a', 'b']);
  });
});
