import { InvalidOptionError } from '@servermetrics/core';
import { describe, expect, it } from 'vitest';
import { basicAuthAuthorizer } from './basic-auth-authorizer.js';
import { bearerTokenAuthorizer } from './bearer-token-authorizer.js';

function withAuthorization(value?: string | string[]): {
  headers: Record<string, string | string[] | undefined>;
} {
  return { headers: { authorization: value } };
}

function basic(credentials: string): string {
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

describe('bearerTokenAuthorizer', () => {
  const authorize = bearerTokenAuthorizer('s3cr3t-token');

  it.each([
    ['Bearer s3cr3t-token', true],
    ['bearer s3cr3t-token', true],
    ['BEARER   s3cr3t-token ', true],
    [undefined, false],
    ['', false],
    ['Bearer', false],
    ['Bearer s3cr3t-toke', false],
    ['Bearer s3cr3t-token2', false],
    ['Bearer S3CR3T-TOKEN', false],
    ['Basic s3cr3t-token', false],
    ['s3cr3t-token', false],
  ])('Authorization %j -> %s', (header, expected) => {
    expect(authorize(withAuthorization(header))).toBe(expected);
  });

  it('carries a Bearer challenge for the 401 answer', () => {
    expect(authorize.challenge).toBe('Bearer realm="metrics"');
  });

  it.each([[''], ['has space'], [undefined], [42]])('throws InvalidOptionError for token %j', (token) => {
    let error: unknown;
    try {
      bearerTokenAuthorizer(token as never);
    } catch (caught) {
      error = caught;
    }
    expect(InvalidOptionError.isInstance(error)).toBe(true);
    expect((error as InvalidOptionError).option).toBe('token');
  });
});

describe('basicAuthAuthorizer', () => {
  const authorize = basicAuthAuthorizer({ username: 'prometheus', password: 'pa:ss wörd' });

  it.each([
    [basic('prometheus:pa:ss wörd'), true],
    [`basic ${Buffer.from('prometheus:pa:ss wörd').toString('base64')}`, true],
    [undefined, false],
    ['Basic', false],
    ['Basic !!!', false],
    [basic('prometheus'), false],
    [basic('prometheus:'), false],
    [basic('prometheus:pa:ss word'), false],
    [basic('Prometheus:pa:ss wörd'), false],
    [basic(':pa:ss wörd'), false],
    [`Bearer ${Buffer.from('prometheus:pa:ss wörd').toString('base64')}`, false],
  ])('Authorization %j -> %s', (header, expected) => {
    expect(authorize(withAuthorization(header))).toBe(expected);
  });

  it('carries a Basic challenge for the 401 answer', () => {
    expect(authorize.challenge).toBe('Basic realm="metrics", charset="UTF-8"');
  });

  it.each([
    [{ username: '', password: 'x' }, 'username'],
    [{ username: 'a:b', password: 'x' }, 'username'],
    [{ username: 'a', password: '' }, 'password'],
    [undefined, 'username'],
  ])('throws InvalidOptionError for %j', (credentials, option) => {
    let error: unknown;
    try {
      basicAuthAuthorizer(credentials as never);
    } catch (caught) {
      error = caught;
    }
    expect(InvalidOptionError.isInstance(error)).toBe(true);
    expect((error as InvalidOptionError).option).toBe(option);
  });
});
