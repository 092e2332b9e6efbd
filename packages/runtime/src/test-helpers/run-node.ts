import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** file: URL of the built ESM entry of this package (tests run after `build`). */
export const BUILT_ENTRY_URL: string = pathToFileURL(
  fileURLToPath(new URL('../../dist/index.js', import.meta.url)),
).href;

/** Outcome of a child Node.js process. */
export interface NodeRun {
  /** Exit code; null when it was killed. */
  exitCode: number | null;
  /** True when it did not exit by itself within the time limit and was killed. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs `source` as an ES module in a new `node` process (from this package's directory, so
 * `@servermetrics/core` resolves) with `nodeArguments` before it. Kills it after `timeoutMs`
 * when it has not exited by itself.
 */
export function runNode(
  source: string,
  nodeArguments: readonly string[] = [],
  timeoutMs = 15_000,
): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArguments, '--input-type=module', '-e', source], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, timedOut, stdout, stderr });
    });
  });
}
