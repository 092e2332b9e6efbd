import type { ServerResponse } from 'node:http';
import { pipeline, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGzip, gzip as gzipCallback } from 'node:zlib';
import type { MetricFamily } from '@servermetrics/core';
import type { ExpositionEncoder } from '../exposition/exposition-encoder.js';
import { ExpositionStream } from '../exposition/exposition-stream.js';
import { DEFAULT_SLICE_BYTES, ExpositionWriter } from '../exposition/exposition-writer.js';

const gzip = promisify(gzipCallback);

/**
 * The gzip level of scrape responses. Chosen by measurement (bench/BENCHMARKS.md, "gzip level"):
 * on 10 000 and 100 000 series bodies level 1 compresses about three times faster than the
 * default level 6 for bodies 10 to 25 % larger, and a scrape is sent over a LAN once and thrown
 * away, so the CPU is worth more than the bytes.
 */
export const SCRAPE_GZIP_LEVEL = 1;

/**
 * MetricsStreamResponse is an answer to a scrape whose body may still be being rendered: a
 * Buffer when the whole body fitted in the first slice (or for an error), else a Readable that
 * renders the rest slice by slice (gzip-compressed as a stream when `content-encoding` says so).
 * Write it with `writeMetricsStream`, or hand the Readable to a framework that pipes streams
 * (Koa's `ctx.body`). Destroying the Readable stops the rendering.
 */
export interface MetricsStreamResponse {
  /** As MetricsResponse.status. */
  status: number;
  /** Response headers with lower-case names; `content-length` only when the body is a Buffer. */
  headers: Record<string, string>;
  /** The body, complete or streamed. */
  body: Buffer | Readable;
}

/** What exposeFamilies needs besides the families. */
export interface ExposeOptions {
  /** The wire format's encoder. */
  readonly encoder: ExpositionEncoder;
  /** Compress with gzip (as a stream when the body is streamed). */
  readonly gzip: boolean;
  /** HEAD: no body is sent, so a body longer than one slice is not rendered at all. */
  readonly omitBody: boolean;
  /**
   * Called with an error that cut a streamed body short (a producer getter threw). Absent when
   * the caller reads the body to its end itself: the error then reaches it as the body's error.
   */
  readonly onStreamError?: (error: Error) => void;
  /** Soft bound of a slice in bytes. @default DEFAULT_SLICE_BYTES (64 KiB) */
  readonly sliceBytes?: number;
}

/**
 * Renders the first slice of `families` at once (so a rendering error still becomes a 500
 * before any header is sent) and returns the body: complete, with `content-length`, when it
 * fitted in that slice; else a stream of the rest. Adds `content-encoding: gzip` when
 * compressing. Throws what the first slice throws.
 */
export async function exposeFamilies(
  families: readonly MetricFamily[],
  headers: Record<string, string>,
  options: ExposeOptions,
): Promise<Pick<MetricsStreamResponse, 'headers' | 'body'>> {
  const writer = new ExpositionWriter(families, options.encoder, options.sliceBytes ?? DEFAULT_SLICE_BYTES);
  const slice = writer.nextSlice();
  const first = typeof slice === 'string' ? Buffer.from(slice, 'utf8') : slice;
  if (options.gzip) headers['content-encoding'] = 'gzip';
  if (writer.done) {
    const body = options.gzip ? await gzip(first, { level: SCRAPE_GZIP_LEVEL }) : first;
    headers['content-length'] = String(body.length);
    return { headers, body };
  }
  if (options.omitBody) {
    writer.close();
    return { headers, body: Readable.from([]) };
  }
  const source = new ExpositionStream(writer, first);
  const report = (error: Error | null | undefined): void => {
    if (error instanceof Error && !isPrematureClose(error)) options.onStreamError?.(error);
  };
  if (!options.gzip) {
    if (options.onStreamError !== undefined) source.once('error', report);
    return { headers, body: source };
  }
  const compressed = createGzip({ level: SCRAPE_GZIP_LEVEL });
  pipeline(source, compressed, report);
  return { headers, body: compressed };
}

/** True for the error streams get when the other end went away (a client that left). */
function isPrematureClose(error: Error): boolean {
  return (error as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/**
 * Writes a MetricsStreamResponse to a Node response and resolves when the response is finished
 * or the connection is gone; never rejects. A streamed body is piped with backpressure and is
 * destroyed (its rendering stopped) when the client goes away. Does nothing when the response
 * was already sent or the client left.
 */
export function writeMetricsStream(
  response: ServerResponse,
  result: MetricsStreamResponse,
  method: string | undefined,
): Promise<void> {
  const body = result.body;
  if (response.headersSent || response.destroyed) {
    if (!Buffer.isBuffer(body)) body.destroy();
    return Promise.resolve();
  }
  response.statusCode = result.status;
  for (const name in result.headers) response.setHeader(name, result.headers[name]!);
  if (Buffer.isBuffer(body) || method?.toUpperCase() === 'HEAD') {
    if (!Buffer.isBuffer(body)) body.destroy();
    return new Promise<void>((resolve) => {
      response.once('close', resolve);
      response.end(Buffer.isBuffer(body) && method?.toUpperCase() !== 'HEAD' ? body : undefined);
    });
  }
  return new Promise<void>((resolve) => {
    // Errors are reported where the body is made (onStreamError); a client leaving is no error.
    pipeline(body, response, () => resolve());
  });
}

/** Reads a streamed body to its end: the complete response, with `content-length`. */
export async function bufferMetricsStream(result: MetricsStreamResponse): Promise<{
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}> {
  if (Buffer.isBuffer(result.body))
    return { status: result.status, headers: result.headers, body: result.body };
  const chunks: Buffer[] = [];
  for await (const chunk of result.body) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return {
    status: result.status,
    headers: { ...result.headers, 'content-length': String(body.length) },
    body,
  };
}
