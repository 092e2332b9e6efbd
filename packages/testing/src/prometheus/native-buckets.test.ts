import { describe, expect, it } from 'vitest';
import { nativeBucketIndex } from './native-buckets.js';

describe("nativeBucketIndex (the test kit's reference), schema 3", () => {
  it.each([
    [1, 0],
    [2, 8],
    [4, 16],
    [0.5, -8],
    [1.0001, 1],
    [2 ** 0.125 * 1.000001, 2],
    [1024, 80],
    [-2, 8],
  ])('index of %d is %d', (value, index) => {
    expect(nativeBucketIndex(value, 3)).toBe(index);
  });
});
