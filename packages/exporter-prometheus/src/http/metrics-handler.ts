import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createMetricsResponder,
  type MetricsHandlerOptions,
  type MetricsResponse,
} from './metrics-responder.js';

/** A `node:http` request handler that resolves once the response is written and never rejects. */
export type MetricsRequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * Writes a MetricsResponse to a Node response, unless the response was already sent or the client
 * left. Headers go through setHeader, so `response.getHeader()` sees them in 'finish' listeners.
 */
export function writeMetricsResponse(
  response: ServerResponse,
  result: MetricsResponse,
  method: string | undefined,
): void {
  if (response.headersSent || response.destroyed) return;
  response.statusCode = result.status;
  for (const name in result.headers) response.setHeader(name, result.headers[name]!);
  response.end(method?.toUpperCase() === 'HEAD' ? undefined : result.body);
}

/**
 * Returns a `node:http` handler serving the metrics of `options.registry` on whatever path it is
 * mounted (see createMetricsResponder for what it answers). Works as
 * `http.createServer(metricsHandler())`, inside your own request listener, or as an Express
 * route handler. Throws InvalidOptionError at once on invalid options; the handler itself never
 * rejects and never throws.
 */
export function metricsHandler(options: MetricsHandlerOptions = {}): MetricsRequestHandler {
  const respond = createMetricsResponder(options);
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const result = await respond(request);
    try {
      writeMetricsResponse(response, result, request.method);
    } catch {
      // The socket went away while writing: nothing left to answer.
    }
  };
}
