import type { ExpressRequestLike, ExpressRouteLike } from '../express-types.js';
import { enterMount, type MountLevel } from './mount-level.js';

/**
 * RequestRouting is what the capture remembers of one request: the `baseUrl` and `route`
 * Express assigned (the accessors return them), the mount levels the request is in, and the
 * levels it was in when `route` was assigned.
 */
export class RequestRouting {
  baseUrl: unknown = '';
  levels: MountLevel | undefined = undefined;
  route: ExpressRouteLike | undefined = undefined;
  routeLevels: MountLevel | undefined = undefined;
}

/** The routing remembered per request, kept in a WeakMap so nothing is added to requests. */
export type RoutingCaptures = WeakMap<object, RequestRouting>;

/**
 * Key of the captures on Express's request prototype. Symbol.for: when both the ESM and the CJS
 * build of this package are loaded, they install one capture and share it. The suffix changes
 * whenever RequestRouting does.
 */
const capturesKey: unique symbol = Symbol.for('servermetrics.express.routing@2') as typeof capturesKey;

function routingOf(captures: RoutingCaptures, request: object): RequestRouting {
  let routing = captures.get(request);
  if (routing === undefined) {
    routing = new RequestRouting();
    captures.set(request, routing);
  }
  return routing;
}

/**
 * The `baseUrl` accessor. Express assigns `req.params` then `req.baseUrl` each time a request
 * enters a router mounted at a path, so the setter records one mount level with the
 * parameters of that mount; a request that never enters a mounted router stores nothing.
 * The getter returns what was assigned ('' before the first assignment).
 */
function baseUrlCapture(captures: RoutingCaptures): PropertyDescriptor {
  return {
    configurable: true,
    enumerable: true,
    get(this: ExpressRequestLike): unknown {
      const routing = captures.get(this);
      return routing === undefined ? '' : routing.baseUrl;
    },
    set(this: ExpressRequestLike, baseUrl: unknown): void {
      let routing = captures.get(this);
      if (routing === undefined) {
        if (baseUrl === '') return;
        routing = routingOf(captures, this);
      }
      routing.baseUrl = baseUrl;
      routing.levels = enterMount(routing.levels, baseUrl, this.params);
    },
  };
}

/**
 * The `route` accessor: the setter keeps the route with the mount levels current when Express
 * assigned it, so they survive Express unwinding its routers on an error (it resets
 * `req.baseUrl` before the error handler answers). The getter returns the route.
 */
function routeCapture(captures: RoutingCaptures): PropertyDescriptor {
  return {
    configurable: true,
    enumerable: true,
    get(this: ExpressRequestLike): ExpressRouteLike | undefined {
      return captures.get(this)?.route;
    },
    set(this: ExpressRequestLike, route: ExpressRouteLike | undefined): void {
      const routing = routingOf(captures, this);
      routing.route = route;
      routing.routeLevels = routing.levels;
    },
  };
}

/** What installRoutingCapture found. */
export type CaptureInstallResult =
  | { readonly installed: true }
  | { readonly installed: false; readonly reason: string };

const INSTALLED: CaptureInstallResult = { installed: true };

/**
 * Installs the routing capture (the `baseUrl` and `route` accessors) on Express's shared
 * request prototype: the first prototype of `prototype`'s chain that defines Express's request
 * methods (`get`, `header`). That object is shared by every app (and sub-app) of one Express
 * copy, so sub-apps, which swap the request's prototype while they run, are covered too.
 * Never throws: when no Express request prototype is found, when `baseUrl` or `route` is
 * already defined there by someone else, or when the prototype cannot be changed (frozen,
 * sealed, non-extensible), nothing is left half-installed and the result says why; the
 * resolver then reads what Express leaves on the request.
 */
export function installRoutingCapture(prototype: object | null): CaptureInstallResult {
  let candidate = prototype;
  while (candidate !== null && candidate !== Object.prototype) {
    if (Object.hasOwn(candidate, 'header') && Object.hasOwn(candidate, 'get')) {
      if (Object.hasOwn(candidate, capturesKey)) return INSTALLED;
      if (Object.hasOwn(candidate, 'route') || Object.hasOwn(candidate, 'baseUrl')) {
        return { installed: false, reason: "Express's request prototype already defines route or baseUrl" };
      }
      return defineCapture(candidate);
    }
    candidate = Object.getPrototypeOf(candidate) as object | null;
  }
  return { installed: false, reason: 'no Express request prototype (with get and header) was found' };
}

function defineCapture(target: object): CaptureInstallResult {
  const captures: RoutingCaptures = new WeakMap();
  try {
    Object.defineProperty(target, 'baseUrl', baseUrlCapture(captures));
    Object.defineProperty(target, 'route', routeCapture(captures));
    // Last: its presence means both accessors are there.
    Object.defineProperty(target, capturesKey, { value: captures });
    return INSTALLED;
  } catch (error) {
    try {
      if (Object.getOwnPropertyDescriptor(target, 'baseUrl')?.get !== undefined)
        delete (target as { baseUrl?: unknown }).baseUrl;
      if (Object.getOwnPropertyDescriptor(target, 'route')?.get !== undefined)
        delete (target as { route?: unknown }).route;
    } catch {
      // Left as it is: without the captures key the accessors are not used by the resolver.
    }
    return { installed: false, reason: `Express's request prototype cannot be changed (${String(error)})` };
  }
}

/** The captures `request` is seen by, or undefined when the capture is not on its prototype chain. */
export function routingCapturesOf(request: object): RoutingCaptures | undefined {
  return (request as Record<symbol, RoutingCaptures | undefined>)[capturesKey];
}

/**
 * Hands a request's own `baseUrl` over to the accessor. Express 4 assigns `req.baseUrl` before
 * its `expressInit` middleware gives the request Express's prototype, so the property is the
 * request's own and hides the accessor: it is deleted and assigned again through the accessor.
 * Costs one own-property check when the request has no own `baseUrl` (Express 5). Never throws.
 */
export function claimBaseUrl(request: ExpressRequestLike): void {
  if (!Object.hasOwn(request, 'baseUrl')) return;
  const baseUrl = request.baseUrl;
  try {
    delete request.baseUrl;
  } catch {
    // A sealed request keeps its own baseUrl; the resolver sees it and reads the request instead.
    return;
  }
  request.baseUrl = baseUrl;
}
