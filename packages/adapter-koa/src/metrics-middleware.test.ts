import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MetricRegistry } from '@servermetrics/core';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { expect, test } from 'vitest';
import { describeAdapterConformance } from '../../core/src/http/testing/adapter-conformance.js';
import { parseExposition } from '../../exporter-prometheus/src/test-helpers/exposition-parser.js';
import { conformanceApp, type KoaClass, listen } from './testing/conformance-app.js';

const majors: [name: string, KoaClass: KoaClass][] = [
  ['koa 2', Koa2],
  ['koa 3', Koa3],
];

for (const [name, KoaClass] of majors) {
  describeAdapterConformance({
    name,
    newRegistry: () => new MetricRegistry(),
    unknownMethodStatus: 501,
    start: (options) => listen(conformanceApp(KoaClass, options)),
    parseExposition: (body) => parseExposition(body, 'text'),
  });
}

test('the suites run the Koa and @koa/router majors the peer ranges promise', () => {
  const require = createRequire(import.meta.url);
  const peers = (require('../package.json') as { peerDependencies: Record<string, string> }).peerDependencies;
  expect(peers.koa).toBe('^2.0.0 || ^3.0.0');
  expect(peers['@koa/router']).toBe('^15.0.0');
  expect((require('koa2/package.json') as { version: string }).version).toMatch(/^2\./);
  expect((require('koa/package.json') as { version: string }).version).toMatch(/^3\./);
  // @koa/router's exports map hides its package.json: read it next to the resolved entry point.
  const routerPackage = join(dirname(require.resolve('@koa/router')), '..', 'package.json');
  expect((JSON.parse(readFileSync(routerPackage, 'utf8')) as { version: string }).version).toMatch(/^15\./);
});
