import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context as KoaContext } from 'koa';

/**
 * The context type the middleware's callbacks (`labels`, `skip`, `getRoute`) receive when no
 * type argument is given: Koa's `Context` from `@types/koa` (an optional peer dependency:
 * install `@types/koa` 2 or 3 to type Koa code, as usual), so `ctx.path` and `ctx.get(...)`
 * type-check under `strict`.
 */
export type DefaultKoaContext = KoaContext;

/** The part of an @koa/router layer the middleware reads. */
export interface KoaRouterLayerLike {
  readonly path: string | RegExp;
  /** Methods of a route (HEAD included for GET); empty for `router.use()` middleware. */
  readonly methods: readonly string[];
}

/**
 * The part of a Koa context the middleware and the metrics route use. Koa 2 and 3 contexts
 * satisfy it (it is structural, so the package does not depend on `@types/koa`).
 */
export interface KoaContextLike {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** Set by @koa/router (and koa-router): the path template of the matched route, with router prefixes. */
  _matchedRoute?: string | RegExp | undefined;
  /** Set by @koa/router: every router layer whose path matched, in order. */
  matched?: readonly KoaRouterLayerLike[] | undefined;
  status: number;
  body: unknown;
  set(headers: { [name: string]: string }): void;
}

/** A Koa middleware: `(ctx, next) => Promise`, usable with `app.use` and `router.get` in Koa 2 and 3. */
export type KoaMiddleware<Context extends KoaContextLike = KoaContextLike> = (
  context: Context,
  next: () => Promise<unknown>,
) => Promise<unknown>;
