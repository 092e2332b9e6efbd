import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The examples/ directory: each example lives in a folder of it. */
export const EXAMPLES_DIRECTORY: string = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** Options of startExampleProcess. */
export interface ExampleProcessOptions {
  /** Folder of the example under examples/, e.g. `'koa'`. */
  example: string;
  /** Arguments after the entry file, e.g. `['--no-traffic']`. @default [] */
  arguments?: readonly string[];
  /** Environment variables set on top of this process's, e.g. `{ PORT: '0' }`. @default {} */
  environment?: Readonly<Record<string, string>>;
  /** The entry point, relative to the example's folder. @default 'src/main.ts' */
  entry?: string;
  /**
   * Run this command line instead (`[file, ...arguments]`, e.g. `['npm', 'run', 'demo']`) in
   * `cwd`, as a person types it in a terminal: in a process group of its own, which `interrupt`
   * signals as a whole, like Ctrl+C. @default node --import tsx <entry> in the example's folder
   */
  command?: { readonly argv: readonly [string, ...string[]]; readonly cwd: string };
}

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** An example running as its own process, as `pnpm --filter @example/<name> start` runs it. */
export interface ExampleProcess {
  readonly child: ChildProcess;
  /** Everything it printed on stdout so far. */
  stdout(): string;
  /** Everything it printed on stderr so far. */
  stderr(): string;
  /**
   * Waits until stdout matches `pattern` and returns the first capture group (or the whole
   * match). Rejects, with what the process printed, when it exits first or after `timeoutMs`.
   */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /**
   * Resolves once the process has exited. Rejects after `timeoutMs`, having killed it (SIGKILL)
   * so nothing outlives the test.
   */
  exited(timeoutMs?: number): Promise<ProcessExit>;
  /** Sends SIGINT, as Ctrl+C does, and waits for the exit like `exited`. */
  interrupt(timeoutMs?: number): Promise<ProcessExit>;
  /** Kills the process (SIGKILL) unless it has exited; resolves once it is gone. */
  kill(): Promise<void>;
}

function describeOutput(stdout: string, stderr: string): string {
  return `\n--- stdout ---\n${stdout.slice(-4000)}\n--- stderr ---\n${stderr.slice(-4000)}`;
}

/**
 * Starts `node --import tsx <entry>` in the example's folder, which is what its `start` script
 * runs once the packages are built. Output is kept for waitForOutput and for failure messages.
 */
export function startExampleProcess(options: ExampleProcessOptions): ExampleProcess {
  const [file, ...fileArguments] = options.command?.argv ?? [
    process.execPath,
    '--import',
    'tsx',
    options.entry ?? 'src/main.ts',
    ...(options.arguments ?? []),
  ];
  const child = spawn(file, fileArguments, {
    cwd: options.command?.cwd ?? `${EXAMPLES_DIRECTORY}${options.example}`,
    env: { ...process.env, ...options.environment },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.command !== undefined,
  });
  const signal = (name: NodeJS.Signals): void => {
    if (options.command !== undefined && child.pid !== undefined) process.kill(-child.pid, name);
    else child.kill(name);
  };
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<ProcessExit>((resolve) => {
    // 'close' comes after 'exit' once stdout and stderr are drained, so no output is missed.
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      stderr += String(error);
      resolve({ code: null, signal: null });
    });
  });
  let hasExited = false;
  void exit.then(() => {
    hasExited = true;
  });

  const exited = async (timeoutMs = 10_000): Promise<ProcessExit> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    if (result !== 'timeout') return result;
    signal('SIGKILL');
    await exit;
    throw new Error(
      `${options.example} did not exit within ${timeoutMs} ms; killed it.${describeOutput(stdout, stderr)}`,
    );
  };

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
      return new Promise<string>((resolve, reject) => {
        const check = (): boolean => {
          const match = pattern.exec(stdout);
          if (match === null) return false;
          finish();
          resolve(match[1] ?? match[0]);
          return true;
        };
        const fail = (reason: string): void => {
          finish();
          reject(
            new Error(
              `${options.example}: ${reason} before printing ${pattern}.${describeOutput(stdout, stderr)}`,
            ),
          );
        };
        const onExit = (): void => {
          if (!check()) fail('the process exited');
        };
        const timer = setTimeout(() => fail(`${timeoutMs} ms passed`), timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('close', onExit);
        };
        if (check()) return;
        if (hasExited) {
          fail('the process exited');
          return;
        }
        child.stdout?.on('data', check);
        child.once('close', onExit);
      });
    },
    exited,
    interrupt(timeoutMs?: number): Promise<ProcessExit> {
      if (!hasExited) signal('SIGINT');
      return exited(timeoutMs);
    },
    async kill(): Promise<void> {
      if (!hasExited) signal('SIGKILL');
      await exit;
    },
  };
}
