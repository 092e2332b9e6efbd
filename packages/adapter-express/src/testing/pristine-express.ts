import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type express from 'express';
import type { RunningApp } from '../../../core/src/http/testing/running-apps.js';
import type { ExpressMiddleware } from '../express-types.js';
import type { ExpressFactory } from './conformance-app.js';

/**
 * Builds a test app from the `express` export and a first middleware. It must be
 * self-contained (no imports, no outside variables): its source text also runs in a child
 * process.
 */
export type ExpressAppBuilder = (factory: ExpressFactory, first: ExpressMiddleware) => express.Express;

const packageDirectory = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs the app `build` makes, with a pass-through first middleware, in a child process that
 * loads nothing but `specifier` (`express` or `express4`): a pristine Express whose request
 * prototype no metrics middleware has touched, to compare the app's behaviour with. `close`
 * stops the child (killed after 10 s).
 */
export async function startPristineExpress(
  specifier: 'express' | 'express4',
  build: ExpressAppBuilder,
): Promise<RunningApp> {
  const script = [
    `import express from '${specifier}';`,
    `const build = ${build.toString()};`,
    'const app = build(express, (request, response, next) => next());',
    "const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify(server.address())));",
    "process.stdin.on('end', () => { server.closeAllConnections(); server.close(); });",
    'process.stdin.resume();',
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageDirectory,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const lines = createInterface({ input: child.stdout });
  try {
    const [line] = (await Promise.race([
      once(lines, 'line'),
      exited.then(([code]) => {
        throw new Error(`the pristine Express child exited with ${String(code)} before listening`);
      }),
    ])) as [string];
    const { port } = JSON.parse(line) as { port: number };
    return { url: `http://127.0.0.1:${port}`, close };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
