import { sink } from './isolated-pass.js';

/**
 * Consumes a rendered exposition the way an HTTP handler does: encodes it to UTF-8 bytes.
 * Every scrape contender ends with this, so a renderer that returns an unflattened rope
 * (repeated `+=`) pays for flattening inside the timed region, like one that joins an array.
 */
export function consumeExposition(text: string): void {
  sink(Buffer.from(text, 'utf8').length);
}
