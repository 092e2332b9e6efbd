import type { RequestHeaders } from './header-list.js';

/**
 * MetricsRequest is the part of a request the metrics responder reads: a `node:http`
 * IncomingMessage satisfies it, and so do Express's `req` and Koa's `ctx.req` / `ctx.request`.
 */
export interface MetricsRequest {
  /** HTTP method; GET and HEAD are served, others get 405. @default 'GET' when absent */
  readonly method?: string | undefined;
  /** Request headers with lower-case names (Accept, Accept-Encoding, Authorization). */
  readonly headers: RequestHeaders;
}
