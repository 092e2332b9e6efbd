import { InvalidOptionError } from '@servermetrics/core';
import { headerValue } from '../http/header-list.js';
import type { Authorizer } from './authorizer.js';
import { matchesSecret, secretDigest } from './constant-time-equal.js';

/** Credentials accepted by basicAuthAuthorizer. */
export interface BasicAuthCredentials {
  /** User name; must not contain `:`. */
  username: string;
  /** Password; must not be empty. */
  password: string;
}

const BASIC = /^basic +([A-Za-z0-9+/=]+) *$/i;

/**
 * Returns an Authorizer that lets a scrape through when it sends HTTP basic credentials equal to
 * `credentials` (Prometheus: `basic_auth: { username, password }` in the scrape config). Missing
 * or wrong credentials answer 401 with `WWW-Authenticate: Basic realm="metrics", charset="UTF-8"`.
 * User name and password are both compared, each in constant time. Throws InvalidOptionError when
 * the user name is empty or holds `:`, or the password is empty.
 */
export function basicAuthAuthorizer(credentials: BasicAuthCredentials): Authorizer {
  const { username, password } = credentials ?? ({} as Partial<BasicAuthCredentials>);
  if (typeof username !== 'string' || username === '' || username.includes(':')) {
    throw new InvalidOptionError(
      'username',
      'basicAuthAuthorizer needs a non-empty username without ":" (RFC 7617).',
    );
  }
  if (typeof password !== 'string' || password === '') {
    throw new InvalidOptionError('password', 'basicAuthAuthorizer needs a non-empty password.');
  }
  const expectedUsername = secretDigest(username);
  const expectedPassword = secretDigest(password);
  const authorize = (request: Parameters<Authorizer>[0]): boolean => {
    const match = BASIC.exec(headerValue(request.headers, 'authorization') ?? '');
    if (match === null) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const usernameMatches = matchesSecret(decoded.slice(0, colon), expectedUsername);
    const passwordMatches = matchesSecret(decoded.slice(colon + 1), expectedPassword);
    return usernameMatches && passwordMatches;
  };
  return Object.assign(authorize, { challenge: 'Basic realm="metrics", charset="UTF-8"' });
}
