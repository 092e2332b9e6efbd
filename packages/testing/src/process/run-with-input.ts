import { spawn } from 'node:child_process';

/** How a command run by `runWithInput` ended, and what it printed. */
export interface CommandResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` with `input` on its standard input and resolves with its exit code and output
 * once it exits. Rejects only when it cannot be started. A command that exits before reading all
 * its input is not an error: its exit code tells the story.
 */
export function runWithInput(
  command: string,
  commandArguments: readonly string[],
  input: string | Uint8Array,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArguments, { stdio: ['pipe', 'pipe', 'pipe'] });
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
      // The command may exit before reading everything; its exit code tells the story.
    });
    child.stdin.end(input);
  });
}
