import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('dual ESM/CJS build', () => {
  test('defaultRegistry, metrics and error brands are shared when both builds load in one process', () => {
    expect(existsSync(`${packageRoot}/dist/index.cjs`), 'run `pnpm build` before the tests').toBe(true);
    const script = `
      import { createRequire } from 'node:module';
      const esm = await import('@servermetrics/core');
      const cjs = createRequire(import.meta.url)('@servermetrics/core');
      if (esm.Counter === cjs.Counter) throw new Error('expected two distinct builds');
      const counter = new cjs.Counter({ help: 'from cjs' });
      esm.publishMetricsFrom({ shared_total: counter });
      counter.inc(2);
      let error;
      try { cjs.defaultRegistry.register('shared_total', new esm.Counter({ help: 'x' })); } catch (caught) { error = caught; }
      console.log(JSON.stringify({
        sameRegistry: esm.defaultRegistry === cjs.defaultRegistry,
        value: cjs.defaultRegistry.collect()[0].series[0].value,
        duplicateSeenByEsm: esm.DuplicateMetricError.isInstance(error),
        registryBrand: esm.MetricRegistry.isInstance(cjs.defaultRegistry),
      }));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '--eval', script], {
      cwd: packageRoot,
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({
      sameRegistry: true,
      value: 2,
      duplicateSeenByEsm: true,
      registryBrand: true,
    });
  });
});
