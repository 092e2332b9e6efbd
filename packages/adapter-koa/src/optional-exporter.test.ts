import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);
const distDirectory = fileURLToPath(new URL('../dist/', import.meta.url));

/**
 * An ESM resolve hook that answers as if @servermetrics/exporter-prometheus were not installed,
 * registered before the entry point is imported (node:module register, Node >= 20.6).
 */
const hideExporter = `data:text/javascript,${encodeURIComponent(`
  import { register } from 'node:module';
  register('data:text/javascript,' + encodeURIComponent(\`
    export async function resolve(specifier, context, next) {
      if (specifier.startsWith('@servermetrics/exporter-prometheus')) {
        const error = new Error("Cannot find package '" + specifier + "'");
        error.code = 'ERR_MODULE_NOT_FOUND';
        throw error;
      }
      return next(specifier, context);
    }
  \`));
`)}`;

async function importWithoutExporter(
  entry: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const script = `import(${JSON.stringify(`${distDirectory}${entry}`)}).then((module) => console.log(Object.keys(module).sort().join(',')))`;
  try {
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      hideExporter,
      '--input-type=module',
      '-e',
      script,
    ]);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { stdout: string; stderr: string; code: number };
    return { stdout: failure.stdout, stderr: failure.stderr, code: failure.code };
  }
}

test('the package root loads and records without @servermetrics/exporter-prometheus (a StatsD-only app)', async () => {
  const result = await importWithoutExporter('index.js');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout.trim().split(',')).toContain('metricsMiddleware');
  for (const file of ['index.js', 'index.cjs']) {
    expect(readFileSync(`${distDirectory}${file}`, 'utf8')).not.toContain('exporter-prometheus');
  }
});

test('the /prometheus subpath names the missing package when the exporter is not installed', async () => {
  const result = await importWithoutExporter('prometheus.js');
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain("Cannot find package '@servermetrics/exporter-prometheus'");
});

test('with the exporter installed, the /prometheus subpath serves metricsHandler and the authorizers', async () => {
  // Through the package's own exports map, as an app imports it (a string, so typecheck does not need the build).
  const subpath: string = '@servermetrics/adapter-koa/prometheus';
  const module = (await import(subpath)) as Record<string, unknown>;
  expect(Object.keys(module).sort()).toEqual([
    'basicAuthAuthorizer',
    'bearerTokenAuthorizer',
    'metricsHandler',
  ]);
});
