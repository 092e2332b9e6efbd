import { spawn } from 'node:child_process';
import { requireBinary } from '../system-binary.js';

export interface PromtoolResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `promtool check metrics` (which lints too) with `body` on stdin. */
export function promtoolCheckMetrics(body: string): Promise<PromtoolResult> {
  const promtool = requireBinary('promtool');
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
