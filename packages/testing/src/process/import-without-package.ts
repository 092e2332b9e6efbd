import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What a child Node.js process printed, and how it exited. */
export interface ChildOutcome {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code: 0 when the import succeeded. */
  readonly code: number;
}

/**
 * Imports the module at `entryPath` (an absolute file path) in a fresh Node.js process in which
 * every specifier starting with `hiddenPackage` fails to resolve, exactly as when that package is
 * not installed (an ESM resolve hook registered with `node:module`'s `register`, Node >= 20.6).
 * On success the child prints the module's export names, sorted and comma-separated. Use it to
 * prove that an entry point does not load an optional peer dependency.
 */
export async function importWithoutPackage(entryPath: string, hiddenPackage: string): Promise<ChildOutcome> {
  const hook = `
    export async function resolve(specifier, context, next) {
      if (specifier.startsWith(${JSON.stringify(hiddenPackage)})) {
        const error = new Error("Cannot find package '" + specifier + "'");
        error.code = 'ERR_MODULE_NOT_FOUND';
        throw error;
      }
      return next(specifier, context);
    }`;
  const registration = `import { register } from 'node:module';
    register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const preload = `data:text/javascript,${encodeURIComponent(registration)}`;
  const script = `import(${JSON.stringify(entryPath)}).then((module) => console.log(Object.keys(module).sort().join(',')))`;
  try {
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      preload,
      '--input-type=module',
      '-e',
      script,
    ]);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failure.stdout ?? '', stderr: failure.stderr ?? '', code: failure.code ?? 1 };
  }
}
