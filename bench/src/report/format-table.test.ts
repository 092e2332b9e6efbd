import { describe, expect, test } from 'vitest';
import { costRow, OURS } from '../suites/rows.js';
import { formatRatioRange, formatTable } from './format-table.js';

describe('formatTable', () => {
  test('prints the median ratio and the measured range of per-round ratios', () => {
    const row = costRow(
      { id: 'x', title: 'StatsD per event', unit: 'ns/event', target: { kind: 'at-most', value: 0.1 } },
      [
        { library: OURS, value: 700, rounds: [650, 700, 900] },
        { library: 'hot-shots', value: 6000, rounds: [5000, 6000, 6000] },
      ],
    );
    const table = formatTable([row]);
    const line = table.split('\n').find((candidate) => candidate.startsWith('| StatsD per event'))!;
    const cells = line.split('|').map((cell) => cell.trim());
    expect(cells).toContain('0.117');
    expect(cells).toContain('0.117–0.150');
    expect(table.split('\n')[0]).toContain('rounds min–max');
  });

  test('a range needs at least one ratio', () => {
    expect(formatRatioRange([])).toBe('?');
    expect(formatRatioRange([0.5])).toBe('0.500–0.500');
  });
});
