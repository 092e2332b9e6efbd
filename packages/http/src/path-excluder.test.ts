import { InvalidOptionError } from '@servermetrics/core';
import { describe, expect, test } from 'vitest';
import { createPathExcluder } from './path-excluder.js';

describe('createPathExcluder', () => {
  test('a string matches the path, with or without a query string', () => {
    const excluded = createPathExcluder(['/metrics', '/health']);
    expect(excluded('/metrics')).toBe(true);
    expect(excluded('/metrics?name[]=up')).toBe(true);
    expect(excluded('/health')).toBe(true);
    expect(excluded('/metricsx')).toBe(false);
    expect(excluded('/metrics/x')).toBe(false);
    expect(excluded('/metrics//')).toBe(false);
    expect(excluded('/api/metrics')).toBe(false);
    expect(excluded('/')).toBe(false);
    expect(excluded('')).toBe(false);
  });

  test("strings match like Express's and @koa/router's default routing: any case, one optional trailing slash", () => {
    const excluded = createPathExcluder(['/metrics', '/Health/', '/']);
    expect(excluded('/metrics/')).toBe(true);
    expect(excluded('/metrics/?debug=1')).toBe(true);
    expect(excluded('/METRICS')).toBe(true);
    expect(excluded('/Metrics/?x')).toBe(true);
    expect(excluded('/health')).toBe(true);
    expect(excluded('/HEALTH/')).toBe(true);
    expect(excluded('/healthz')).toBe(false);
    expect(excluded('/')).toBe(true);
    expect(excluded('/?q=1')).toBe(true);
    expect(excluded('//')).toBe(false);
  });

  test('a RegExp is tested against the path only, also when it is global', () => {
    const excluded = createPathExcluder([/^\/internal\//g, /\.png$/]);
    expect(excluded('/internal/a')).toBe(true);
    expect(excluded('/internal/a')).toBe(true);
    expect(excluded('/logo.png?v=2')).toBe(true);
    expect(excluded('/logo?file=a.png')).toBe(false);
    expect(excluded('/public/internal/a')).toBe(false);
  });

  test('an empty list excludes nothing', () => {
    expect(createPathExcluder([])('/metrics')).toBe(false);
  });

  test('invalid entries throw InvalidOptionError naming the option', () => {
    expect(() => createPathExcluder(['/ok', 42 as unknown as string])).toThrow(InvalidOptionError);
    expect(() => createPathExcluder('/metrics' as unknown as string[])).toThrow(/exclude must be an array/);
  });
});
