import { describe, expect, test } from 'vitest';
import { SUITES, selectSuites } from './run-benchmarks.js';

describe('selectSuites', () => {
  test('every suite by default, the named ones in table order otherwise', () => {
    expect(selectSuites(undefined)).toEqual(SUITES);
    expect(selectSuites(['statsd-flush', 'counter-inc']).map((suite) => suite.id)).toEqual(
      SUITES.filter((suite) => suite.id === 'counter-inc' || suite.id === 'statsd-flush').map(
        (suite) => suite.id,
      ),
    );
  });

  test('an unknown suite throws, naming it and listing the valid ids', () => {
    expect(() => selectSuites(['counter-inc', 'statsd-flsh'])).toThrow(
      `Unknown suite "statsd-flsh" in --only. Valid suite ids: ${SUITES.map((suite) => suite.id).join(', ')}.`,
    );
    expect(() => selectSuites([''])).toThrow(/Unknown suite ""/);
  });
});
