import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 digest of a UTF-8 string; equal-length input for timingSafeEqual whatever the string lengths. */
export function secretDigest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Compares `candidate` with a secret known by its digest in time independent of where they
 * differ and of their lengths (both sides are hashed to 32 bytes, then compared with
 * crypto.timingSafeEqual).
 */
export function matchesSecret(candidate: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(secretDigest(candidate), expectedDigest);
}
