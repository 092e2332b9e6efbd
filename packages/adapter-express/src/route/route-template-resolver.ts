import type { ExpressRequestLike, ExpressRouteLike } from '../express-types.js';
import { mountPathTemplate } from './mount-path-template.js';

const capturedRoute: unique symbol = Symbol('servermetrics.express.route');
const capturedBaseUrl: unique symbol = Symbol('servermetrics.express.baseUrl');
const capturedParams: unique symbol = Symbol('servermetrics.express.params');

interface CapturingRequest extends ExpressRequestLike {
  [capturedRoute]?: ExpressRouteLike | undefined;
  [capturedBaseUrl]?: string | undefined;
  [capturedParams]?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Express resets `req.baseUrl` (and `req.params`) when a request leaves a router through
 * `next(error)`, so by the time an error handler has answered, `req.baseUrl + req.route.path`
 * misses the router's mount path. This accessor, installed on the request, remembers both at the
 * moment the router assigns `req.route`; reading `req.route` is unchanged. Shared by every request
 * (no closure per request).
 */
const routeCapture: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: CapturingRequest): ExpressRouteLike | undefined {
    return this[capturedRoute];
  },
  set(this: CapturingRequest, route: ExpressRouteLike | undefined): void {
    // The router assigns the route when it matches, then Route#dispatch assigns it again after
    // replacing `params` with the route's own: keep what was current at the first assignment.
    if (this[capturedRoute] === route) return;
    this[capturedRoute] = route;
    this[capturedBaseUrl] = this.baseUrl;
    this[capturedParams] = this.params;
  },
};

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

  /**
   * Prepares `request` so that the route's mount path is known even after Express unwinds its
   * routers on an error. Call when the request arrives, before routing.
   */
  capture(request: ExpressRequestLike): void {
    if (request.route !== undefined) return;
    try {
      Object.defineProperty(request, 'route', routeCapture);
    } catch {
      // A non-configurable `route` property: resolve falls back to the values left at the end.
    }
  }

  /** The route template of a request that ended, or undefined when no route matched. */
  resolve(request: ExpressRequestLike): string | undefined {
    const capturing = request as CapturingRequest;
    const captured = capturing[capturedRoute];
    const route = captured ?? request.route;
    if (typeof route !== 'object' || route === null) return undefined;
    const baseUrl = (captured === undefined ? request.baseUrl : capturing[capturedBaseUrl]) ?? '';
    const cached = this.cache.get(route);
    if (cached !== undefined && cached.baseUrl === baseUrl) return cached.template;
    const params = captured === undefined ? request.params : capturing[capturedParams];
    const template = joinTemplate(mountPathTemplate(baseUrl, params), declaredPath(route.path));
    this.cache.set(route, { baseUrl, template });
    return template;
  }
}
