import { describe, expect, test } from 'vitest';
import { costRow, millisecondFigures, OURS, roundRatios, throughputRow, verdictOf } from './rows.js';

const figure = (library: string, value: number) => ({ library, value, rounds: [value] });

describe('costRow', () => {
  test('divides by the cheapest peer and judges the target', () => {
    const row = costRow({ id: 'x', title: 'x', unit: 'ns/op', target: { kind: 'at-most', value: 0.5 } }, [
      figure(OURS, 30),
      figure('a', 100),
      figure('b', 50),
    ]);
    expect(row.baseline).toBe('b');
    expect(row.ratio).toBeCloseTo(0.6);
    expect(row.verdict).toBe('miss');
  });

  test('divides by the named baseline when given', () => {
    const row = costRow(
      { id: 'x', title: 'x', unit: 'bytes', target: { kind: 'at-most', value: 0.5 }, baseline: 'a' },
      [figure(OURS, 30), figure('a', 100), figure('b', 50)],
    );
    expect(row.baseline).toBe('a');
    expect(row.verdict).toBe('pass');
  });
});

describe('throughputRow', () => {
  test('passes only at or above the threshold and above the rival', () => {
    const target = { kind: 'at-least-and-beat', value: 0.95, rival: 'rival' } as const;
    const pass = throughputRow({ id: 'x', title: 'x', unit: 'req/s', target, baseline: 'none' }, [
      figure(OURS, 96),
      figure('none', 100),
      figure('rival', 90),
    ]);
    expect(pass.ratio).toBeCloseTo(0.96);
    expect(pass.verdict).toBe('pass');
    expect(pass.notes[0]).toContain('0.900');
    const beaten = throughputRow({ id: 'x', title: 'x', unit: 'req/s', target, baseline: 'none' }, [
      figure(OURS, 96),
      figure('none', 100),
      figure('rival', 97),
    ]);
    expect(beaten.verdict).toBe('miss');
  });
});

describe('verdictOf', () => {
  test('a non-finite ratio never passes', () => {
    expect(verdictOf({ kind: 'at-most', value: 1 }, Number.NaN, undefined)).toBe('miss');
    expect(verdictOf({ kind: 'report' }, Number.NaN, undefined)).toBe('report');
  });
});

describe('roundRatios', () => {
  test('pairs each round of ours with the same round of the baseline', () => {
    const row = costRow({ id: 'x', title: 'x', unit: 'ns/op', target: { kind: 'at-most', value: 1 } }, [
      { library: OURS, value: 20, rounds: [10, 20, 40] },
      { library: 'peer', value: 100, rounds: [100, 50, 100] },
    ]);
    expect(roundRatios(row)).toEqual([0.1, 0.4, 0.4]);
    expect(roundRatios({ ...row, peers: [{ library: 'peer', value: 100, rounds: [100] }] })).toEqual([]);
  });
});

describe('millisecondFigures', () => {
  test('converts the value and every round', () => {
    expect(millisecondFigures([{ library: 'a', value: 2e6, rounds: [1e6, 3e6] }])).toEqual([
      { library: 'a', value: 2, rounds: [1, 3] },
    ]);
  });
});
