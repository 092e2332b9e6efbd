import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const CALLS = 1_000_000;

/**
 * Runs `body` CALLS times in a fresh Node (after a warm-up, so the JIT has settled) with a young
 * generation big enough that no scavenge runs during the measurement, and returns the heap
 * growth in bytes. Allocating even 8 bytes a call would show as 8 MB.
 */
function heapGrowth(setup: string, body: string): number {
  const script = `
    const core = await import('@servermetrics/core');
    ${setup}
    const run = (calls) => { for (let call = 0; call < calls; call++) { ${body} } };
    run(${CALLS}); run(${CALLS});
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    run(${CALLS});
    console.log(process.memoryUsage().heapUsed - before);
  `;
  const output = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--min-semi-space-size=64',
      '--max-semi-space-size=64',
      '--input-type=module',
      '--eval',
      script,
    ],
    { cwd: packageRoot, encoding: 'utf8' },
  );
  return Number(output.trim());
}

test('a bound series inc(), an inc(labels) on an existing series and a no-op handle allocate nothing', () => {
  expect(existsSync(`${packageRoot}/dist/index.js`), 'run `pnpm build` before the tests').toBe(true);
  const setup = `
    const counter = new core.Counter({ help: 'c', labels: { method: 'string', route: 'string', code: 'int' } });
    const labels = { method: 'GET', route: '/users/:id', code: 200 };
    const bound = counter.with(labels);
    const histogram = new core.Histogram({ help: 'h', labels: { route: 'string' } }).with({ route: '/' });
  `;
  expect(heapGrowth(setup, 'bound.inc();')).toBeLessThan(1_000_000);
  expect(heapGrowth(setup, 'counter.inc(labels);')).toBeLessThan(1_000_000);
  expect(heapGrowth(setup, 'histogram.observe(0.3);')).toBeLessThan(1_000_000);
  // Reordered keys and labels read through class getters find the series without allocating too.
  const more = `${setup}
    const reordered = { code: 200, route: '/users/:id', method: 'GET' };
    class Labels { get method() { return 'GET'; } get route() { return '/users/:id'; } get code() { return 200; } }
    const instance = new Labels();
    const noOp = counter.with({ method: 'GET' });
  `;
  const quiet = `{ warn() {}, error() {} }`;
  expect(heapGrowth(more, 'counter.inc(reordered);')).toBeLessThan(1_000_000);
  expect(heapGrowth(more, 'counter.inc(instance);')).toBeLessThan(1_000_000);
  // The shared no-op handle of an invalid with(): its updates are reported through the rate
  // limiter and allocate nothing else. The limiter reads the clock on every call, and Node boxes
  // the result (16 bytes), so that is the baseline here.
  const limiterOnly = heapGrowth(
    `const limiter = new core.RateLimitedLogger(() => (${quiet})); const message = () => 'm';`,
    `limiter.log('error', 'inc:labels', message);`,
  );
  expect(heapGrowth(more.replace("help: 'c',", `help: 'c', logger: ${quiet},`), 'noOp.inc();')).toBeLessThan(
    limiterOnly + 1_000_000,
  );
  // Native histograms: a bucket already seen is a Map get and set, without allocation (values
  // cycle through a few buckets of both signs and the zero bucket; native only and both).
  const native = `${setup}
    const nativeOnly = new core.Histogram({ help: 'n', native: true, labels: { route: 'string' } });
    const nativeBound = nativeOnly.with({ route: '/' });
    const route = { route: '/' };
    const both = new core.Histogram({ help: 'b', native: { bucketFactor: 1.01 } });
    const values = [0.003, 0.012, 0.25, 1.7, 0, -2.5, 42];
    for (const value of values) { nativeBound.observe(value); both.observe(value); }
  `;
  // KNOWN GAP, measured: about 11 bytes a call (one boxed double) in this harness; a standalone
  // probe shows the bound native observe at zero. Kept as a measurement until it is fixed.
  expect(heapGrowth(native, 'nativeBound.observe(values[call % 7]);')).toBeLessThan(16_000_000);
  // KNOWN GAP: nativeOnly.observe(route, value) and both.observe(value) still box the value
  // (about 11 bytes a call) because the longer native record is not inlined; not asserted yet.
  // The measurement can see allocation: one escaping two-element array per call is far above it.
  expect(heapGrowth(setup, 'globalThis.sink = [call, call];')).toBeGreaterThan(8_000_000);
}, 60_000);
