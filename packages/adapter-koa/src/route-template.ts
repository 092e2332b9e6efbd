import type { KoaContextLike } from './koa-types.js';

/**
 * Endings of the paths @koa/router gives to `router.use()` middleware layers: `{/*rest}` and
 * `(?:\/|$)` (v15, with and without a prefix), `(.*)` (older routers).
 */
const MIDDLEWARE_PATH_ENDINGS = ['{/*rest}', '(?:\\/|$)', '(.*)'];

function isMiddlewarePath(path: string): boolean {
  for (const ending of MIDDLEWARE_PATH_ENDINGS) if (path.endsWith(ending)) return true;
  return false;
}

/**
 * The `route` label of a Koa request that ended: `ctx._matchedRoute`, which @koa/router sets to
 * the full template of the matched route (router prefixes and nested routers included, e.g.
 * `/api/users/:userId`). @koa/router overwrites it with each layer it runs, so when a
 * `router.use()` middleware ran last (an auth check that threw, a route that called `next()`),
 * the route is taken from `ctx.matched` instead: the last matched layer that handles the
 * request's method. Undefined (recorded as `unmatched`) when no route matched.
 * `ctx.routerPath` is deliberately not used: applications may set it to a raw path to re-route.
 */
export function routeTemplate(context: KoaContextLike): string | undefined {
  const matched = context._matchedRoute;
  if (matched === undefined || matched === null) return undefined;
  const template = typeof matched === 'string' ? matched : String(matched);
  if (!isMiddlewarePath(template)) return template;
  const layers = context.matched ?? [];
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index]!;
    if (layer.methods.length > 0 && layer.methods.includes(context.method)) return String(layer.path);
  }
  return undefined;
}
