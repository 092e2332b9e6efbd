import { fileURLToPath } from 'node:url';
import { FULL_MODE, QUICK_MODE } from './harness/run-mode.js';
import { formatTable } from './report/format-table.js';
import { updateBenchmarksMarkdown, writeJsonReport } from './report/write-report.js';
import { runBenchmarks } from './runner/run-benchmarks.js';

/**
 * `pnpm bench [--quick] [--only=suite,suite] [--output=path]`
 *
 * Runs every suite in this process, prints the ratio table to stdout and writes the raw
 * figures as JSON: `results/latest.json` (full run of every suite, which also refreshes
 * BENCHMARKS.md) or `results/partial.tmp.json` (`--quick` or `--only`, git-ignored), so a
 * partial run never overwrites the committed figures. Exits 1 when a suite failed.
 */
const arguments_ = process.argv.slice(2);
const quick = arguments_.includes('--quick');
const only = arguments_
  .find((argument) => argument.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const outputArgument = arguments_
  .find((argument) => argument.startsWith('--output='))
  ?.slice('--output='.length);
const benchDirectory = fileURLToPath(new URL('..', import.meta.url));
const fullRun = !quick && only === undefined;
const output = outputArgument ?? `${benchDirectory}results/${fullRun ? 'latest.json' : 'partial.tmp.json'}`;

const report = await runBenchmarks({
  mode: quick ? QUICK_MODE : FULL_MODE,
  ...(only === undefined ? {} : { only }),
});
process.stdout.write(
  `\nservermetrics / best peer, same process run (${report.mode}, ${report.durationSeconds} s)\n\n`,
);
process.stdout.write(formatTable(report.rows));
writeJsonReport(output, report);
process.stdout.write(`\nRaw figures: ${output}\n`);
if (fullRun && outputArgument === undefined) {
  updateBenchmarksMarkdown(`${benchDirectory}BENCHMARKS.md`, report);
  process.stdout.write(`Table written to ${benchDirectory}BENCHMARKS.md\n`);
}
if (report.failures.length > 0) {
  process.stderr.write(
    `\n${report.failures.length} suite(s) failed: ${report.failures.map((failure) => failure.suite).join(', ')}\n`,
  );
  process.exitCode = 1;
}
