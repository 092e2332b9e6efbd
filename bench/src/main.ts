import { fileURLToPath } from 'node:url';
import { FULL_MODE, QUICK_MODE } from './harness/run-mode.js';
import { formatTable } from './report/format-table.js';
import { readJsonReport, updateBenchmarksMarkdown, writeJsonReport } from './report/write-report.js';
import { type BenchReport, runBenchmarks, selectSuites } from './runner/run-benchmarks.js';

/**
 * `pnpm bench [--quick] [--only=suite,suite] [--output=path]`
 *
 * Runs every suite in this process, prints the ratio table to stdout and writes the raw
 * figures as JSON: `results/latest.json` (full run of every suite, which also refreshes
 * BENCHMARKS.md) or `results/partial.tmp.json` (`--quick` or `--only`, git-ignored), so a
 * partial run never overwrites the committed figures.
 *
 * `pnpm bench --render` measures nothing: it prints the table of `results/latest.json` and
 * rewrites BENCHMARKS.md's generated block from it (after a change to the table's layout).
 *
 * Exits 1 when a suite failed, and before measuring anything when an argument is wrong (an
 * unknown option, or an unknown suite in `--only`: the message lists the valid suite ids).
 */
async function main(arguments_: readonly string[]): Promise<number> {
  const unknown = arguments_.filter(
    (argument) =>
      argument !== '--quick' &&
      argument !== '--render' &&
      !argument.startsWith('--only=') &&
      !argument.startsWith('--output='),
  );
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown argument ${unknown.join(' ')}. Usage: pnpm bench [--quick] [--only=suite,suite] [--output=path] | --render\n`,
    );
    return 1;
  }
  const benchDirectory = fileURLToPath(new URL('..', import.meta.url));
  const latest = `${benchDirectory}results/latest.json`;
  const markdown = `${benchDirectory}BENCHMARKS.md`;
  if (arguments_.includes('--render')) {
    const report = readJsonReport(latest);
    printTable(report);
    updateBenchmarksMarkdown(markdown, report);
    process.stdout.write(`\nTable of ${latest} written to ${markdown}\n`);
    return 0;
  }
  const quick = arguments_.includes('--quick');
  const only = arguments_
    .find((argument) => argument.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  try {
    selectSuites(only);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const outputArgument = arguments_
    .find((argument) => argument.startsWith('--output='))
    ?.slice('--output='.length);
  const fullRun = !quick && only === undefined;
  const output = outputArgument ?? (fullRun ? latest : `${benchDirectory}results/partial.tmp.json`);

  const report = await runBenchmarks({
    mode: quick ? QUICK_MODE : FULL_MODE,
    ...(only === undefined ? {} : { only }),
  });
  printTable(report);
  writeJsonReport(output, report);
  process.stdout.write(`\nRaw figures: ${output}\n`);
  if (fullRun && outputArgument === undefined) {
    updateBenchmarksMarkdown(markdown, report);
    process.stdout.write(`Table written to ${markdown}\n`);
  }
  if (report.failures.length > 0) {
    process.stderr.write(
      `\n${report.failures.length} suite(s) failed: ${report.failures.map((failure) => failure.suite).join(', ')}\n`,
    );
    return 1;
  }
  return 0;
}

function printTable(report: BenchReport): void {
  process.stdout.write(
    `\nservermetrics / best peer, same process run (${report.mode}, ${report.durationSeconds} s)\n\n`,
  );
  process.stdout.write(formatTable(report.rows));
}

process.exitCode = await main(process.argv.slice(2));
