import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';

/**
 * The request type the middleware's callbacks (`labels`, `skip`, `getRoute`) receive when no
 * type argument is given: Express's `Request` from `@types/express` (an optional peer
 * dependency: install `@types/express` 4 or 5 to type Express code, as usual), so
 * `request.get('x-tenant')` and `request.originalUrl` type-check under `strict`.
 */
export type DefaultExpressRequest = ExpressRequest;

/** The response type the middleware's callbacks receive by default: Express's `Response`. */
export type DefaultExpressResponse = ExpressResponse;

/** The part of an Express route (`req.route`) the middleware reads: its path as declared. */
export interface ExpressRouteLike {
  readonly path: string | RegExp | readonly (string | RegExp)[];
}

/**
 * The part of an Express request the middleware reads; the bound of the `Request` type argument.
 * It is structural: Express 4 and 5 requests (`@types/express` 4 or 5, as in
 * `DefaultExpressRequest`) satisfy it, and so does any request type that has these fields.
 */
export interface ExpressRequestLike extends IncomingMessage {
  /** The application handling the request, set by Express; its routers locate the matched route. */
  app?: unknown;
  /** The request target before any router rewrote `url`. */
  originalUrl?: string | undefined;
  /** The matched route, set by Express while routing. */
  route?: ExpressRouteLike | undefined;
}

/** An Express middleware: `(request, response, next) => void`, usable with `app.use` in Express 4 and 5. */
export type ExpressMiddleware<Request extends ExpressRequestLike = DefaultExpressRequest> = (
  request: Request,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** An Express request handler for `app.get(path, handler)`. */
export type ExpressRequestHandler = (request: IncomingMessage, response: ServerResponse) => void;
