import type { ExpressRequestLike, ExpressRouteLike } from '../express-types.js';
import { mountPathTemplate } from './mount-path-template.js';

/** What the router had set when it assigned `req.route`. */
interface CapturedRoute {
  readonly route: ExpressRouteLike | undefined;
  readonly baseUrl: string | undefined;
  readonly params: Readonly<Record<string, unknown>> | undefined;
}

type Captures = WeakMap<object, CapturedRoute>;

/**
 * Key of the captures on Express's request prototype. Symbol.for: when both the ESM and the CJS
 * build of this package are loaded, they install one capture and share it.
 */
const capturesKey: unique symbol = Symbol.for('servermetrics.express.routeCaptures') as typeof capturesKey;

/**
 * Express resets `req.baseUrl` (and `req.params`) when a request leaves a router through
 * `next(error)`, so by the time an error handler has answered, `req.baseUrl + req.route.path`
 * misses the router's mount path. This accessor remembers both at the moment the router assigns
 * `req.route`; reading `req.route` is unchanged. It is defined once on Express's shared request
 * prototype (see installRouteCapture) and keeps what it remembers in a WeakMap: defining or adding
 * properties on each request object measurably slows down everything Express does with it after.
 */
function routeCapture(captures: Captures): PropertyDescriptor {
  return {
    configurable: true,
    enumerable: true,
    get(this: ExpressRequestLike): ExpressRouteLike | undefined {
      return captures.get(this)?.route;
    },
    set(this: ExpressRequestLike, route: ExpressRouteLike | undefined): void {
      // The router assigns the route when it matches, then Route#dispatch assigns it again after
      // replacing `params` with the route's own: keep what was current at the first assignment.
      if (captures.get(this)?.route === route) return;
      captures.set(this, { route, baseUrl: this.baseUrl, params: this.params });
    },
  };
}

/**
 * Installs the route capture on Express's shared request prototype: the first prototype of
 * `prototype`'s chain that defines Express's request methods (`get`, `header`). That object is
 * shared by every app (and sub-app) of one Express copy, so sub-apps, which swap the request's
 * prototype while they run, are covered too. Returns false when no Express request prototype is
 * found or `route` is already defined there by someone else; the resolver then falls back to the
 * values Express leaves on the request.
 */
function installRouteCapture(prototype: object | null): boolean {
  let candidate = prototype;
  while (candidate !== null && candidate !== Object.prototype) {
    if (Object.hasOwn(candidate, 'header') && Object.hasOwn(candidate, 'get')) {
      if (Object.hasOwn(candidate, capturesKey)) return true;
      if (Object.hasOwn(candidate, 'route')) return false;
      const captures: Captures = new WeakMap();
      Object.defineProperty(candidate, 'route', routeCapture(captures));
      Object.defineProperty(candidate, capturesKey, { value: captures });
      return true;
    }
    candidate = Object.getPrototypeOf(candidate) as object | null;
  }
  return false;
}

/** The template of a route's declared path: RegExps as their source text, arrays joined with `,`. */
function declaredPath(path: ExpressRouteLike['path']): string {
  if (typeof path === 'string') return path;
  if (Array.isArray(path)) return path.map(String).join(',');
  return String(path);
}

function joinTemplate(mount: string, path: string): string {
  if (mount === '') return path === '' ? '/' : path;
  if (path === '/' || path === '') return mount;
  return path.startsWith('/') ? mount + path : `${mount}/${path}`;
}

interface CachedTemplate {
  readonly baseUrl: string;
  readonly template: string;
}

/**
 * RouteTemplateResolver finds the `route` label of an Express request: the mount template of
 * the router that matched (see mountPathTemplate) joined with the route's declared path, e.g.
 * `/api/users/:userId/posts/:postId`; undefined when no route matched.
 * Results are cached per route and mount path, so a request costs one WeakMap lookup.
 */
export class RouteTemplateResolver {
  private readonly cache = new WeakMap<object, CachedTemplate>();

  /** The request prototype (the app's `app.request`) last seen with the capture installed. */
  private preparedPrototype: object | null = null;

  /**
   * Makes sure the route's mount path is captured for requests like `request` even after Express
   * unwinds its routers on an error. Call when the request arrives, before routing. Costs one
   * prototype comparison once installed.
   */
  capture(request: ExpressRequestLike): void {
    const prototype = Object.getPrototypeOf(request) as object | null;
    if (prototype === this.preparedPrototype) return;
    if (installRouteCapture(prototype)) this.preparedPrototype = prototype;
  }

  /** The route template of a request that ended, or undefined when no route matched. */
  resolve(request: ExpressRequestLike): string | undefined {
    const captures = (request as unknown as Record<symbol, Captures | undefined>)[capturesKey];
    const captured = captures?.get(request);
    const route = captured === undefined ? request.route : captured.route;
    if (typeof route !== 'object' || route === null) return undefined;
    const baseUrl = (captured === undefined ? request.baseUrl : captured.baseUrl) ?? '';
    const cached = this.cache.get(route);
    if (cached !== undefined && cached.baseUrl === baseUrl) return cached.template;
    const params = captured === undefined ? request.params : captured.params;
    const template = joinTemplate(mountPathTemplate(baseUrl, params), declaredPath(route.path));
    this.cache.set(route, { baseUrl, template });
    return template;
  }
}
