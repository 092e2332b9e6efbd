import { setTimeout as delay } from 'node:timers/promises';

/** The body `streamedChunks` yields, all chunks joined. */
export const STREAMED_BODY = 'chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n';

/**
 * The chunks of the conformance apps' `/stream` response: `chunk 0\n` to `chunk 4\n`, 15 ms
 * apart, so the recorded duration must cover at least 60 ms of streaming.
 */
export async function* streamedChunks(): AsyncGenerator<string> {
  for (let index = 0; index < 5; index++) {
    if (index > 0) await delay(15);
    yield `chunk ${index}\n`;
  }
}
