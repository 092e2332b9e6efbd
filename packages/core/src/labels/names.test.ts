import { describe, expect, test } from 'vitest';
import { InvalidNameError } from '../errors/invalid-name-error.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { Counter } from '../metrics/counter.js';

describe('label schema validation at construction', () => {
  test.each(['2x', 'a-b', 'a:b', '__reserved', '', 'é', 'x'.repeat(201)])('rejects label name %j', (name) => {
    expect(() => new Counter({ help: 'c', labels: { [name]: 'string' } })).toThrow(InvalidNameError);
  });

  test.each(['_x', 'a_b', 'A1', 'le', 'x'.repeat(200)])('accepts label name %j on a counter', (name) => {
    expect(new Counter({ help: 'c', labels: { [name]: 'string' } }).labelNames).toEqual([name]);
  });

  test.each([
    ['an unknown type', { code: 'integer' }, /use 'string', 'int', 'number', 'boolean'/],
    ['an empty enum', { method: [] }, /non-empty list of strings/],
    ['an enum with numbers', { method: ['GET', 1] }, /non-empty list of strings/],
    ['an array schema', ['code'], /labels must be an object/],
  ])('rejects %s with InvalidOptionError', (_name, labels, message) => {
    expect(() => new Counter({ help: 'c', labels: labels as never })).toThrow(InvalidOptionError);
    expect(() => new Counter({ help: 'c', labels: labels as never })).toThrow(message);
  });

  test('help is optional but must be a string; options must be an object; maxCells a positive integer', () => {
    expect(new Counter().help).toBeUndefined();
    expect(new Counter({}).help).toBeUndefined();
    expect(new Counter(undefined).help).toBeUndefined();
    expect(() => new Counter({ help: 5 } as never)).toThrow(/takes a help string/);
    expect(() => new Counter(5 as never)).toThrow(InvalidOptionError);
    expect(() => new Counter(null as never)).toThrow(InvalidOptionError);
    expect(() => new Counter({ help: 'c', maxCells: 0 })).toThrow(/maxCells must be a positive integer/);
    expect(() => new Counter({ help: 'c', maxCells: 1.5 })).toThrow(InvalidOptionError);
    expect(() => new Counter({ help: 'c', unit: 'per second' })).toThrow(/unit must be/);
  });

  test('number labels take finite numbers only', () => {
    const counter = new Counter({ help: 'c', labels: { ratio: 'number' }, strict: true });
    counter.inc({ ratio: 0.5 });
    expect(() => counter.inc({ ratio: Number.NaN })).toThrow(
      /label "ratio" expects a finite number but got NaN/,
    );
    expect(() => counter.inc({ ratio: Number.POSITIVE_INFINITY })).toThrow(/finite number/);
  });

  test('enum labels take only their members', () => {
    const counter = new Counter({ help: 'c', labels: { method: ['GET', 'POST'] }, strict: true });
    counter.inc({ method: 'GET' });
    expect(() => (counter.inc as (labels: unknown) => void)({ method: 'PUT' })).toThrow(
      /label "method" expects one of "GET", "POST" but got "PUT"/,
    );
  });
});
