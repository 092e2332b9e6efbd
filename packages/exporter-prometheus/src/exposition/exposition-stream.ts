import { Readable } from 'node:stream';
import type { ExpositionWriter } from './exposition-writer.js';

/**
 * ExpositionStream is a Readable of an exposition body rendered slice by slice by an
 * ExpositionWriter. Each slice is rendered in its own `setImmediate` callback (a macrotask, so
 * I/O, timers and other requests run between two slices; a microtask would not let them), and
 * only when the consumer asks for more (`_read`), so a slow client or a full gzip stream holds
 * the rendering back (backpressure) instead of buffering the whole body. Destroying the stream
 * (the client went away: `pipeline` destroys it) cancels the pending slice and renders nothing
 * more. A slice that throws destroys the stream with that error.
 */
export class ExpositionStream extends Readable {
  readonly #writer: ExpositionWriter;
  #pending: NodeJS.Immediate | undefined;
  #first: Buffer | undefined;

  /**
   * Streams what `writer` renders from now on. `first`, when given, is a slice the caller
   * already rendered (to decide on headers) and is sent first.
   */
  constructor(writer: ExpositionWriter, first?: Buffer) {
    super();
    this.#writer = writer;
    this.#first = first;
  }

  /** Slices the writer has rendered so far (for tests and diagnostics). */
  get slicesRendered(): number {
    return this.#writer.slicesRendered;
  }

  override _read(): void {
    if (this.#pending !== undefined) return;
    const first = this.#first;
    if (first !== undefined) {
      this.#first = undefined;
      if (this.#writer.done) {
        this.push(first);
        this.push(null);
        return;
      }
      // Sending the first slice now and scheduling the next one leaves the loop free meanwhile.
      if (!this.push(first)) return;
    }
    this.#pending = setImmediate(() => this.#renderSlice());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#pending !== undefined) clearImmediate(this.#pending);
    this.#pending = undefined;
    this.#writer.close();
    callback(error);
  }

  #renderSlice(): void {
    this.#pending = undefined;
    if (this.destroyed) return;
    let slice: string | Buffer;
    try {
      slice = this.#writer.nextSlice();
    } catch (error) {
      this.destroy(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const bytes = typeof slice === 'string' ? Buffer.from(slice, 'utf8') : slice;
    const more = bytes.length === 0 || this.push(bytes);
    if (this.#writer.done) {
      this.push(null);
      return;
    }
    // Readable calls _read again once the consumer wants more; schedule at once if it already does.
    if (more) this.#pending = setImmediate(() => this.#renderSlice());
  }
}
