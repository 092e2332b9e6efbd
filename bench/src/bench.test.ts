import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import type { BenchReport } from './runner/run-benchmarks.js';
import { SUITES } from './runner/run-benchmarks.js';

const benchDirectory = fileURLToPath(new URL('..', import.meta.url));
const outputDirectory = mkdtempSync(join(tmpdir(), 'servermetrics-bench-'));

afterAll(() => {
  rmSync(outputDirectory, { recursive: true, force: true });
});

/** Runs `pnpm bench <arguments>`; resolves with its exit code and output. */
function runBench(
  arguments_: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['bench', ...arguments_], { cwd: benchDirectory });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pnpm bench --quick', () => {
  test('runs every suite, prints one table of finite ratios and writes the JSON report', async () => {
    const latest = join(benchDirectory, 'results', 'latest.json');
    const latestBefore = existsSync(latest) ? statSync(latest).mtimeMs : undefined;
    const output = join(outputDirectory, 'quick.json');

    const { code, stdout, stderr } = await runBench(['--quick', `--output=${output}`]);

    expect(code, `bench exited with ${code}\n${stderr}`).toBe(0);
    const report = JSON.parse(readFileSync(output, 'utf8')) as BenchReport;
    expect(report.mode).toBe('quick');
    expect(report.failures).toEqual([]);
    expect(report.machine.cores).toBeGreaterThan(0);
    const expectedRows = SUITES.flatMap((suite) => suite.rowIds);
    expect(report.rows.map((row) => row.id)).toEqual(expectedRows);
    for (const row of report.rows) {
      expect(Number.isFinite(row.ratio), `${row.id} ratio ${row.ratio}`).toBe(true);
      expect(row.ratio, row.id).toBeGreaterThan(0);
      expect(Number.isFinite(row.ours.value), `${row.id} ours`).toBe(true);
      expect(row.peers.length, `${row.id} peers`).toBeGreaterThan(0);
      for (const peer of row.peers)
        expect(Number.isFinite(peer.value) && peer.value > 0, `${row.id} ${peer.library}`).toBe(true);
      expect(['pass', 'miss', 'report']).toContain(row.verdict);
      expect(stdout).toContain(row.title);
    }
    expect(stdout.match(/^\| suite /gm)).toHaveLength(1);
    // Quick runs never touch the committed full-run figures.
    expect(existsSync(latest) ? statSync(latest).mtimeMs : undefined).toBe(latestBefore);
  }, 120_000);
});

describe('pnpm bench with a wrong argument', () => {
  test('an unknown suite in --only exits 1 listing the valid ids, and measures nothing', async () => {
    const output = join(outputDirectory, 'typo.json');
    const { code, stdout, stderr } = await runBench([
      '--quick',
      '--only=counter-inc,statsd-flsh',
      `--output=${output}`,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `Unknown suite "statsd-flsh" in --only. Valid suite ids: ${SUITES.map((suite) => suite.id).join(', ')}.`,
    );
    expect(stdout).not.toContain('| suite ');
    expect(existsSync(output)).toBe(false);
  }, 60_000);

  test('an unknown option exits 1 with the usage, instead of running the full bench', async () => {
    const { code, stderr } = await runBench(['--onyl=counter-inc']);
    expect(code).toBe(1);
    expect(stderr).toContain('Unknown argument --onyl=counter-inc. Usage: pnpm bench');
  }, 60_000);
});
