import { describe, expect, it } from 'vitest';
import { BUILT_ENTRY_URL, runNode } from './fixtures/run-node.js';

/** Imports of the child scripts: the built package and core, as an app would load them. */
const IMPORTS = `
import { MetricRegistry } from '@servermetrics/core';
import { RuntimeMetrics } from ${JSON.stringify(BUILT_ENTRY_URL)};
`;

describe('in a child process', () => {
  it('keeps nothing alive: a process that started runtime metrics and never stopped them exits by itself', async () => {
    const run = await runNode(`${IMPORTS}
const registry = new MetricRegistry();
new RuntimeMetrics({ registry }).start();
await registry.runCollectHooks();
console.log(registry.names().length);
`);
    expect(run).toMatchObject({ timedOut: false, exitCode: 0, stderr: '' });
    expect(Number(run.stdout.trim())).toBeGreaterThan(30);
  });

  it('stop() leaves no active handle or resource behind', async () => {
    const run = await runNode(`${IMPORTS}
await new Promise((resolve) => setTimeout(resolve, 20)); // let start-up file handles close
const before = process.getActiveResourcesInfo();
const registry = new MetricRegistry();
const runtime = new RuntimeMetrics({ registry }).start();
await new Promise((resolve) => setTimeout(resolve, 50));
await registry.runCollectHooks();
runtime.stop();
await new Promise((resolve) => setImmediate(resolve));
console.log(JSON.stringify({ before, after: process.getActiveResourcesInfo(), names: registry.names() }));
`);
    expect(run).toMatchObject({ timedOut: false, exitCode: 0, stderr: '' });
    const report = JSON.parse(run.stdout) as { before: string[]; after: string[]; names: string[] };
    expect(report.after).toEqual(report.before);
    expect(report.names).toEqual([]);
  });

  it('observes forced garbage collections in nodejs_gc_duration_seconds by kind (node --expose-gc)', async () => {
    const run = await runNode(
      `${IMPORTS}
const registry = new MetricRegistry();
const runtime = new RuntimeMetrics({ registry, groups: { process: false, eventLoop: false, heap: false, handles: false, version: false } }).start();
for (let i = 0; i < 5; i++) globalThis.gc();
let garbage = [];
for (let i = 0; i < 200000; i++) garbage.push({ i });
garbage = undefined;
globalThis.gc();
await new Promise((resolve) => setTimeout(resolve, 100)); // GC entries arrive asynchronously
await registry.runCollectHooks();
const family = registry.collect().find((candidate) => candidate.name === 'nodejs_gc_duration_seconds');
console.log(JSON.stringify(family.series.map((series) => ({ kind: series.labelValues[0], count: series.count, sum: series.sum }))));
runtime.stop();
`,
      ['--expose-gc'],
    );
    expect(run).toMatchObject({ timedOut: false, exitCode: 0, stderr: '' });
    const series = JSON.parse(run.stdout) as { kind: string; count: number; sum: number }[];
    const major = series.find((entry) => entry.kind === 'major');
    expect(major?.count).toBeGreaterThanOrEqual(6);
    expect(major?.sum).toBeGreaterThan(0);
    for (const entry of series) expect(['major', 'minor', 'incremental', 'weakcb']).toContain(entry.kind);
  });
});
