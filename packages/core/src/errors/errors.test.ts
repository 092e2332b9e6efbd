import { describe, expect, test } from 'vitest';
import { DuplicateMetricError } from './duplicate-metric-error.js';
import { InvalidNameError } from './invalid-name-error.js';
import { InvalidOptionError } from './invalid-option-error.js';
import { MetricNameMismatchError } from './metric-name-mismatch-error.js';
import { MetricNotFoundError } from './metric-not-found-error.js';
import { MetricUsageError } from './metric-usage-error.js';
import { ServerMetricsError } from './servermetrics-error.js';

describe('typed errors', () => {
  const errors = [
    new DuplicateMetricError('x', null),
    new InvalidNameError('bad', 'x'),
    new InvalidOptionError('buckets', 'bad'),
    new MetricNameMismatchError('a', 'b'),
    new MetricNotFoundError('x'),
    new MetricUsageError('x', 'inc', 'bad'),
  ];

  test('each has a stable name and is recognised by its own isInstance only', () => {
    const classes = [
      DuplicateMetricError,
      InvalidNameError,
      InvalidOptionError,
      MetricNameMismatchError,
      MetricNotFoundError,
      MetricUsageError,
    ];
    expect(errors.map((error) => error.name)).toEqual(classes.map((errorClass) => errorClass.name));
    for (const [index, errorClass] of classes.entries()) {
      for (const [other, error] of errors.entries())
        expect(errorClass.isInstance(error)).toBe(index === other);
    }
    for (const error of errors) expect(ServerMetricsError.isInstance(error)).toBe(true);
  });

  test('the brand survives a copy of the class (as with the dual ESM/CJS build)', () => {
    const foreign = Object.assign(new Error('x'), { name: 'MetricUsageError' });
    (foreign as unknown as Record<symbol, boolean>)[Symbol.for('servermetrics.error')] = true;
    expect(MetricUsageError.isInstance(foreign)).toBe(true);
    expect(MetricUsageError.isInstance(new Error('x'))).toBe(false);
    expect(ServerMetricsError.isInstance(null)).toBe(false);
  });
});
