/**
 * The request methods recorded under their own name (RFC 9110 plus PATCH). Any other method is
 * recorded as `_OTHER`, so a client inventing verbs cannot create series.
 */
export const KNOWN_HTTP_METHODS: readonly string[] = Object.freeze([
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

/** The `method` label value of every method outside KNOWN_HTTP_METHODS. */
export const OTHER_HTTP_METHOD = '_OTHER';

const known = new Set(KNOWN_HTTP_METHODS);

/**
 * Returns the `method` label value for a request method: the upper-cased method when it is in
 * KNOWN_HTTP_METHODS, otherwise `_OTHER` (also for a missing method). Never throws.
 */
export function normaliseHttpMethod(method: string | undefined): string {
  if (typeof method !== 'string') return OTHER_HTTP_METHOD;
  if (known.has(method)) return method;
  const upper = method.toUpperCase();
  return known.has(upper) ? upper : OTHER_HTTP_METHOD;
}
