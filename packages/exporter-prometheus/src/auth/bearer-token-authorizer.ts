import { InvalidOptionError } from '@servermetrics/core';
import { headerValue } from '../http/header-list.js';
import type { Authorizer } from './authorizer.js';
import { matchesSecret, secretDigest } from './constant-time-equal.js';

const BEARER = /^bearer +(\S+) *$/i;

/**
 * Returns an Authorizer that lets a scrape through when it sends `Authorization: Bearer <token>`
 * (Prometheus: `authorization: { credentials: <token> }` in the scrape config). A missing or
 * wrong token answers 401 with `WWW-Authenticate: Bearer realm="metrics"`. The token is compared
 * in constant time. Throws InvalidOptionError when `token` is not a non-empty string without
 * whitespace.
 */
export function bearerTokenAuthorizer(token: string): Authorizer {
  if (typeof token !== 'string' || token === '' || /\s/.test(token)) {
    throw new InvalidOptionError(
      'token',
      'bearerTokenAuthorizer(token) needs a non-empty token without whitespace, for example a random string from `openssl rand -hex 32`.',
    );
  }
  const expected = secretDigest(token);
  const authorize = (request: Parameters<Authorizer>[0]): boolean => {
    const match = BEARER.exec(headerValue(request.headers, 'authorization') ?? '');
    return match !== null && matchesSecret(match[1]!, expected);
  };
  return Object.assign(authorize, { challenge: 'Bearer realm="metrics"' });
}
