import type { KoaContextLike } from './koa-types.js';

/**
 * Endings of the paths @koa/router gives to `router.use()` middleware layers: `{/*rest}` and
 * `(?:\/|$)` (v15, with and without a prefix), `([^/]*)` (v13 and v14), `(.*)` (older
 * routers). Only consulted when `ctx.matched` is missing.
 */
const MIDDLEWARE_PATH_ENDINGS = ['{/*rest}', '(?:\\/|$)', '([^/]*)', '(.*)'];

function isMiddlewarePath(path: string): boolean {
  for (const ending of MIDDLEWARE_PATH_ENDINGS) if (path.endsWith(ending)) return true;
  return false;
}

/**
 * The `route` label of a Koa request that ended: `ctx._matchedRoute`, which @koa/router sets to
 * the full template of the matched route (router prefixes and nested routers included, e.g.
 * `/api/users/:userId`). @koa/router overwrites it with each layer it runs, so when a
 * `router.use()` middleware ran last (an auth check that threw, a route that called `next()`),
 * `_matchedRoute` is that middleware's path: the route is then the last layer of `ctx.matched`
 * that handles the request's method. `_matchedRoute` counts as a route only when a matched
 * layer with that path handles the method, so middleware paths are recognised in every router
 * version. Undefined (recorded as `unmatched`) when no route matched. `ctx.routerPath` is
 * deliberately not used: applications may set it to a raw path to re-route.
 * Cost: one pass over `ctx.matched` (the layers whose path matched, usually a handful).
 */
export function routeTemplate(context: KoaContextLike): string | undefined {
  const matched = context._matchedRoute;
  if (matched === undefined || matched === null) return undefined;
  const template = typeof matched === 'string' ? matched : String(matched);
  const layers = context.matched;
  if (layers === undefined || layers.length === 0) return isMiddlewarePath(template) ? undefined : template;
  let lastRoute: string | undefined;
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index]!;
    if (layer.methods.length === 0 || !layer.methods.includes(context.method)) continue;
    const path = typeof layer.path === 'string' ? layer.path : String(layer.path);
    if (path === template) return template;
    lastRoute ??= path;
  }
  return lastRoute;
}
