import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchReport } from '../runner/run-benchmarks.js';
import { formatTable } from './format-table.js';

/** Reads a report written by writeJsonReport. Throws when the file is missing or is not JSON. */
export function readJsonReport(path: string): BenchReport {
  if (!existsSync(path)) throw new Error(`${path} is missing: run the full bench (pnpm bench) first.`);
  return JSON.parse(readFileSync(path, 'utf8')) as BenchReport;
}

/** Writes the raw figures of a run as JSON (creating the directory if needed). */
export function writeJsonReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

const START_MARKER = '<!-- generated:start (pnpm bench rewrites this block) -->';
const END_MARKER = '<!-- generated:end -->';

/** The generated block of BENCHMARKS.md: machine, Node version, run time and the table. */
export function generatedBlock(report: BenchReport): string {
  const machine = report.machine;
  return [
    START_MARKER,
    `Measured ${report.startedAt.slice(0, 10)} on ${machine.cpuModel}, ${machine.cores} cores, ` +
      `${machine.memoryGigabytes} GiB, ${machine.platform}, Node ${machine.nodeVersion} (V8 ${machine.v8Version}); ` +
      `the whole run took ${report.durationSeconds} s. Raw figures: \`results/latest.json\`.`,
    '',
    formatTable(report.rows).trimEnd(),
    END_MARKER,
  ].join('\n');
}

/**
 * Rewrites the generated block of `path` (BENCHMARKS.md) and keeps everything else, so the
 * hand-written method and findings sections survive re-runs. Throws when the file has no block.
 */
export function updateBenchmarksMarkdown(path: string, report: BenchReport): void {
  if (!existsSync(path))
    throw new Error(`${path} is missing; restore it from git before running the full bench.`);
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start)
    throw new Error(`${path} has no generated block (${START_MARKER} ... ${END_MARKER}).`);
  writeFileSync(path, text.slice(0, start) + generatedBlock(report) + text.slice(end + END_MARKER.length));
}
