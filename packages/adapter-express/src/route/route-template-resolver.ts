import type { ExpressRequestLike, ExpressRouteLike } from '../express-types.js';
import type { MountLevel } from './mount-level.js';
import { mountTemplate, mountTextTemplate } from './mount-path-template.js';
import type { RoutingCaptures } from './request-routing.js';
import { claimBaseUrl, installRoutingCapture, routingCapturesOf } from './routing-capture.js';

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
  /** The mount path's URL text the template was made for. */
  readonly baseUrl: string;
  /** Whether it was made from captured mount levels (true) or from the URL text alone. */
  readonly captured: boolean;
  readonly template: string;
}

/**
 * RouteTemplateResolver finds the `route` label of an Express request: the template of the
 * mount paths of the routers the route sits in (see mountTemplate) joined with the route's
 * declared path, e.g. `/api/users/:userId/posts/:postId`; undefined when no route matched.
 * Results are cached per route and mount path, so a request costs two WeakMap lookups.
 */
export class RouteTemplateResolver {
  private readonly cache = new WeakMap<object, CachedTemplate>();

  /** The request prototype (the app's `app.request`) the capture was last installed for or tried on. */
  private checkedPrototype: object | null = null;
  /** The captures installed on `checkedPrototype`'s chain; undefined when they could not be installed. */
  private captures: RoutingCaptures | undefined = undefined;

  /** @param onCaptureUnavailable called with the reason when the capture cannot be installed. */
  constructor(private readonly onCaptureUnavailable: (reason: string) => void = () => {}) {}

  /**
   * Makes sure the mount levels of `request` are captured while Express routes it (see
   * installRoutingCapture). Call when the request arrives, before routing. Costs one prototype
   * comparison and one own-property check once installed. Never throws.
   */
  capture(request: ExpressRequestLike): void {
    const prototype = Object.getPrototypeOf(request) as object | null;
    if (prototype !== this.checkedPrototype) {
      this.checkedPrototype = prototype;
      const result = installRoutingCapture(prototype);
      this.captures = result.installed ? result.captures : undefined;
      if (!result.installed) this.onCaptureUnavailable(result.reason);
    }
    if (this.captures !== undefined) claimBaseUrl(request);
  }

  /** The route template of a request that ended, or undefined when no route matched. */
  resolve(request: ExpressRequestLike): string | undefined {
    const route = request.route;
    if (typeof route !== 'object' || route === null) return undefined;
    const captures = this.captures ?? routingCapturesOf(request);
    const routing = captures?.get(request);
    let captured = false;
    let levels: MountLevel | undefined;
    let baseUrl: string;
    if (captures !== undefined && !Object.hasOwn(request, 'baseUrl')) {
      // Captured (an own baseUrl would mean the accessor did not see the mounts: Express 4
      // without capture()). No routing: the request never entered a mounted router.
      captured = true;
      levels =
        routing === undefined ? undefined : route === routing.route ? routing.routeLevels : routing.levels;
      baseUrl = levels === undefined ? '' : levels.baseUrl;
    } else {
      // Not captured: what Express left on the request (the mount path is lost when an error
      // left its router).
      baseUrl = typeof request.baseUrl === 'string' ? request.baseUrl : '';
    }
    const cached = this.cache.get(route);
    if (cached !== undefined && cached.baseUrl === baseUrl && cached.captured === captured) {
      return cached.template;
    }
    const mount = captured ? mountTemplate(levels) : mountTextTemplate(baseUrl, request.params);
    const template = joinTemplate(mount, declaredPath(route.path));
    this.cache.set(route, { baseUrl, captured, template });
    return template;
  }
}
