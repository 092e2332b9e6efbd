import { createRequire } from 'node:module';
import { MetricRegistry } from '@servermetrics/core';
import { describeAdapterConformance, listenOnLoopback } from '@servermetrics/testing';
import express5 from 'express';
import express4 from 'express4';
import { expect, test } from 'vitest';
import { conformanceApp, type ExpressFactory } from './fixtures/conformance-app.js';

const majors: [name: string, factory: ExpressFactory, major: 4 | 5][] = [
  ['express 4', express4, 4],
  ['express 5', express5, 5],
];

for (const [name, factory, major] of majors) {
  describeAdapterConformance({
    name,
    newRegistry: () => new MetricRegistry(),
    unknownMethodStatus: 404,
    start: (options) => listenOnLoopback(conformanceApp(factory, major, options)),
  });
}

test('the suites run the Express majors the peer range promises', () => {
  const require = createRequire(import.meta.url);
  const peerRange = (require('../package.json') as { peerDependencies: Record<string, string> })
    .peerDependencies.express;
  expect(peerRange).toBe('^4.0.0 || ^5.0.0');
  expect((require('express4/package.json') as { version: string }).version).toMatch(/^4\./);
  expect((require('express/package.json') as { version: string }).version).toMatch(/^5\./);
});
