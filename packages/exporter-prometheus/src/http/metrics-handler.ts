import type { IncomingMessage, ServerResponse } from 'node:http';
import { createMetricsStreamResponder, type MetricsHandlerOptions } from './metrics-responder.js';
import { writeMetricsStream } from './stream-response.js';

/** A `node:http` request handler that resolves once the response is written and never rejects. */
export type MetricsRequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * Returns a `node:http` handler serving the metrics of `options.registry` on whatever path it is
 * mounted (see createMetricsResponder for what it answers). A large exposition is streamed (see
 * createMetricsStreamResponder): rendered in slices between which the event loop serves other
 * requests, written with backpressure, gzip-compressed as a stream, and no longer rendered once
 * the client has gone away. The promise resolves when the response is finished or the client
 * has left. Works as
 * `http.createServer(metricsHandler())`, inside your own request listener, or as an Express
 * route handler. Throws InvalidOptionError at once on invalid options; the handler itself never
 * rejects and never throws.
 */
export function metricsHandler(options: MetricsHandlerOptions = {}): MetricsRequestHandler {
  const respond = createMetricsStreamResponder(options);
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const result = await respond(request);
    try {
      await writeMetricsStream(response, result, request.method);
    } catch {
      // The socket went away while writing: nothing left to answer.
    }
  };
}
