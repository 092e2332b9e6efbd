import { describe, expect, test } from 'vitest';
import { KNOWN_HTTP_METHODS, normaliseHttpMethod, OTHER_HTTP_METHOD } from './http-methods.js';

describe('normaliseHttpMethod', () => {
  test('keeps the known methods', () => {
    for (const method of KNOWN_HTTP_METHODS) expect(normaliseHttpMethod(method)).toBe(method);
    expect(KNOWN_HTTP_METHODS).toEqual([
      'GET',
      'HEAD',
      'POST',
      'PUT',
      'DELETE',
      'CONNECT',
      'OPTIONS',
      'TRACE',
      'PATCH',
    ]);
  });

  test('upper-cases known methods written in another case', () => {
    expect(normaliseHttpMethod('get')).toBe('GET');
    expect(normaliseHttpMethod('Patch')).toBe('PATCH');
  });

  test('collapses every other method, and a missing one, to _OTHER', () => {
    for (const method of ['PURGE', 'PROPFIND', 'QUERY', 'BREW', '', 'G E T', 'x'.repeat(1000)]) {
      expect(normaliseHttpMethod(method)).toBe(OTHER_HTTP_METHOD);
    }
    expect(normaliseHttpMethod(undefined)).toBe('_OTHER');
  });
});
