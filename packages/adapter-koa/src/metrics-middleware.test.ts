import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MetricRegistry } from '@servermetrics/core';
import { describeAdapterConformance, listenOnLoopback } from '@servermetrics/testing';
import { expect, test } from 'vitest';
import { conformanceApp } from './fixtures/conformance-app.js';
import { KOA_STACKS, ROUTER_PACKAGES } from './fixtures/koa-stacks.js';

for (const stack of KOA_STACKS) {
  describeAdapterConformance({
    name: stack.name,
    newRegistry: () => new MetricRegistry(),
    unknownMethodStatus: 501,
    start: (options) => listenOnLoopback(conformanceApp(stack, options)),
  });
}

test('the suites run the Koa and @koa/router majors the peer ranges promise', () => {
  const require = createRequire(import.meta.url);
  const peers = (require('../package.json') as { peerDependencies: Record<string, string> }).peerDependencies;
  expect(peers.koa).toBe('^2.0.0 || ^3.0.0');
  expect(peers['@koa/router']).toBe('^13.0.0 || ^14.0.0 || ^15.0.0');
  expect((require('koa2/package.json') as { version: string }).version).toMatch(/^2\./);
  expect((require('koa/package.json') as { version: string }).version).toMatch(/^3\./);
  for (const [major, specifier] of ROUTER_PACKAGES) {
    // @koa/router's exports map hides its package.json: read it next to the resolved entry point.
    const routerPackage = join(dirname(require.resolve(specifier)), '..', 'package.json');
    const { name, version } = JSON.parse(readFileSync(routerPackage, 'utf8')) as {
      name: string;
      version: string;
    };
    expect(name).toBe('@koa/router');
    expect(version.split('.')[0], specifier).toBe(String(major));
  }
  expect(new Set(KOA_STACKS.map((stack) => stack.name))).toEqual(
    new Set(
      ['koa 2', 'koa 3'].flatMap((koa) => ROUTER_PACKAGES.map(([major]) => `${koa} + @koa/router ${major}`)),
    ),
  );
});
