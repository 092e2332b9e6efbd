import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const CALLS = 1_000_000;
const MEASUREMENTS = 3;

/**
 * Runs `body` CALLS times in a fresh Node (after a warm-up) with a young generation big enough
 * that no scavenge runs during a measurement, and returns the heap growth in bytes. Allocating
 * even 8 bytes a call would show as 8 MB.
 *
 * The measurement is taken MEASUREMENTS times and the smallest growth is returned: V8 compiles
 * optimized code on a background thread, and on a loaded machine (CI runs every package's tests
 * at once) the code can still be unoptimized, boxing the caller's doubles, for part of a run.
 * Allocation by the library itself happens on every run, so the minimum still shows it.
 */
function heapGrowth(setup: string, body: string): number {
  const script = `
    const core = await import('@servermetrics/core');
    ${setup}
    const run = (calls) => { for (let call = 0; call < calls; call++) { ${body} } };
    run(${CALLS}); run(${CALLS});
    let smallest = Infinity;
    for (let measurement = 0; measurement < ${MEASUREMENTS}; measurement++) {
      globalThis.gc();
      const before = process.memoryUsage().heapUsed;
      run(${CALLS});
      smallest = Math.min(smallest, process.memoryUsage().heapUsed - before);
    }
    console.log(smallest);
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
  // cycle through a few buckets of both signs and the zero bucket; native only and both, with
  // and without labels, bound). The values are HeapNumbers already on the heap (an array that
  // also held an object keeps tagged elements): read from a double array, V8 boxes each non-Smi
  // double (16 bytes) at the call site when it does not inline `observe` into the loop, which is
  // the caller's allocation, the same for classic observe (it measured 11.4 bytes a call, 5 of
  // the 7 values being non-Smi), not the library's.
  const native = `${setup}
    const nativeOnly = new core.Histogram({ help: 'n', native: true, labels: { route: 'string' } });
    const nativeBound = nativeOnly.with({ route: '/' });
    const nativeUnlabelled = new core.Histogram({ help: 'u', native: true });
    const route = { route: '/' };
    const both = new core.Histogram({ help: 'b', native: { bucketFactor: 1.01 }, buckets: [0.01, 0.1, 1, 10] });
    const bothLabelled = new core.Histogram({ help: 'l', native: true, buckets: [0.01, 1], labels: { route: 'string' } });
    const bothBound = bothLabelled.with({ route: '/' });
    const values = [0.003, 0.012, 0.25, 1.7, 0, -2.5, 42, {}];
    values.pop();
    for (const value of values) {
      nativeBound.observe(value); nativeOnly.observe(route, value); nativeUnlabelled.observe(value);
      both.observe(value); bothLabelled.observe(route, value); bothBound.observe(value);
      histogram.observe(value);
    }
  `;
  for (const body of [
    'histogram.observe(values[call % 7]);',
    'nativeBound.observe(values[call % 7]);',
    'nativeOnly.observe(route, values[call % 7]);',
    'nativeUnlabelled.observe(values[call % 7]);',
    'both.observe(values[call % 7]);',
    'bothLabelled.observe(route, values[call % 7]);',
    'bothBound.observe(values[call % 7]);',
    // A value computed by the caller (an unboxed double) stays unboxed when V8 inlines the
    // bound observe, as it does for classic; it boxed 16 bytes a call while the native record
    // had two call sites of the bucket index function.
    'histogram.observe((call % 7) * 0.25 - 0.8);',
    'nativeBound.observe((call % 7) * 0.25 - 0.8);',
    'bothBound.observe((call % 7) * 0.25 - 0.8);',
  ]) {
    expect(heapGrowth(native, body), body).toBeLessThan(1_000_000);
  }
  // The measurement can see allocation: one escaping two-element array per call is far above
  // the bound, and so is one boxed double a call (a double stored into a field that holds a
  // string is tagged, so each store allocates a HeapNumber).
  expect(heapGrowth(setup, 'globalThis.sink = [call, call];')).toBeGreaterThan(8_000_000);
  expect(
    heapGrowth(
      `${setup} const holder = { field: 'tagged' };`,
      'holder.field = call + 0.5; globalThis.sink = holder;',
    ),
  ).toBeGreaterThan(8_000_000);
}, 120_000);
