import { roundRatios } from '../suites/rows.js';
import type { Row, Target } from '../suites/suite.js';

/** Formats a figure for the table with a precision that suits its size. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Formats a ratio with three significant decimals. */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? ratio.toFixed(3) : String(ratio);
}

/** The lowest and highest of per-round ratios, e.g. `0.110–0.161`; `?` when there are none. */
export function formatRatioRange(ratios: readonly number[]): string {
  if (ratios.length === 0) return '?';
  return `${formatRatio(Math.min(...ratios))}–${formatRatio(Math.max(...ratios))}`;
}

/** Describes a target as printed in the table, e.g. `<= 0.5`. */
export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'at-most':
      return `<= ${target.value}`;
    case 'at-least-and-beat':
      return `>= ${target.value}, > ${target.rival}`;
    case 'report':
      return 'report';
  }
}

/** The table's columns: header and how to read each cell from a row. */
const COLUMNS: readonly { header: string; cell: (row: Row) => string; alignRight: boolean }[] = [
  { header: 'suite', cell: (row) => row.title, alignRight: false },
  { header: 'unit', cell: (row) => row.unit, alignRight: false },
  { header: 'ours', cell: (row) => formatValue(row.ours.value), alignRight: true },
  {
    header: 'baseline',
    cell: (row) => {
      const baseline = row.peers.find((peer) => peer.library === row.baseline);
      return `${row.baseline} ${baseline === undefined ? '?' : formatValue(baseline.value)}`;
    },
    alignRight: false,
  },
  { header: 'ratio', cell: (row) => formatRatio(row.ratio), alignRight: true },
  { header: 'rounds min–max', cell: (row) => formatRatioRange(roundRatios(row)), alignRight: true },
  { header: 'target', cell: (row) => describeTarget(row.target), alignRight: false },
  { header: 'result', cell: (row) => row.verdict, alignRight: false },
];

/**
 * Formats the ratio table as a Markdown table (readable in a terminal and in BENCHMARKS.md),
 * with each row's median ratio and the range of its per-round ratios, followed by one line per
 * row with every library's figure and the row's notes.
 */
export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((row) => COLUMNS.map((column) => column.cell(row)));
  const widths = COLUMNS.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => line[index]!.length)),
  );
  const render = (line: readonly string[]): string =>
    `| ${line.map((cell, index) => (COLUMNS[index]!.alignRight ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!))).join(' | ')} |`;
  const separator = `|${widths.map((width, index) => (COLUMNS[index]!.alignRight ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  const lines = [render(COLUMNS.map((column) => column.header)), separator, ...cells.map(render)];
  const details = rows
    .map((row) => {
      const others = row.peers.map((peer) => `${peer.library} ${formatValue(peer.value)}`).join(', ');
      const notes = row.notes.length > 0 ? `; ${row.notes.join('; ')}` : '';
      return `- ${row.title} (${row.unit}): ours ${formatValue(row.ours.value)}; ${others}${notes}`;
    })
    .join('\n');
  return (
    `${lines.join('\n')}\n\n` +
    '`ratio` is the median over the alternating rounds; `rounds min–max` is the lowest and highest ' +
    'ratio of a single round (ours / baseline in the same round), the spread this run measured.\n\n' +
    `All figures (median over alternating rounds):\n${details}\n`
  );
}
