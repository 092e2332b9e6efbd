import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Result of `promtool check metrics`. */
export interface PromtoolResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Finds promtool on PATH or in /usr/bin; throws (failing the test) with how to install it. */
function requirePromtool(): string {
  for (const directory of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin']) {
    if (directory === '') continue;
    const candidate = join(directory, 'promtool');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  throw new Error(
    'promtool is not installed (needed by this test); install with: apt-get install -y prometheus',
  );
}

/** Runs `promtool check metrics` (which lints too) with `body` on stdin. */
export function promtoolCheckMetrics(body: string): Promise<PromtoolResult> {
  const promtool = requirePromtool();
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
    child.stdin.on('error', () => {
      // promtool may exit before reading everything; its exit code tells the story.
    });
    child.stdin.end(body, 'utf8');
  });
}
