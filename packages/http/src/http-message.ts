/**
 * HttpRequestLike is the part of a request the HTTP recorder reads. A `node:http`
 * IncomingMessage satisfies it, and so do Express's request and Koa's `ctx.req`.
 */
export interface HttpRequestLike {
  readonly method?: string | undefined;
  /** Request target, e.g. `/users/42?page=2`. */
  readonly url?: string | undefined;
  /** Express keeps the unmodified target here when a router rewrites `url`; preferred when present. */
  readonly originalUrl?: string | undefined;
  readonly headers: { readonly [name: string]: string | string[] | undefined };
}

/**
 * HttpResponseLike is the part of a response the HTTP recorder reads. A `node:http`
 * ServerResponse satisfies it, and so do Express's response and Koa's `ctx.res`.
 */
export interface HttpResponseLike {
  readonly statusCode: number;
  readonly headersSent: boolean;
  /** True once the whole response was handed to the operating system. */
  readonly writableFinished: boolean;
  getHeader(name: string): number | string | string[] | undefined;
  on(event: 'close', listener: () => void): unknown;
}
