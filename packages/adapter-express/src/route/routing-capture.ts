import type { ExpressRequestLike } from '../express-types.js';
import { baseUrlAccessor } from './base-url-accessor.js';
import type { RoutingCaptures } from './request-routing.js';

/**
 * Key of the captures on Express's request prototype. Symbol.for: when both the ESM and the CJS
 * build of this package are loaded, they install one capture and share it. The suffix changes
 * whenever RequestRouting or the accessor do.
 */
const capturesKey: unique symbol = Symbol.for('servermetrics.express.routing@3') as typeof capturesKey;

/** What installRoutingCapture found. */
export type CaptureInstallResult =
  | { readonly installed: true; readonly captures: RoutingCaptures }
  | { readonly installed: false; readonly reason: string };

/**
 * Installs the routing capture (the `baseUrl` accessor, see baseUrlAccessor) on Express's shared
 * request prototype: the first prototype of `prototype`'s chain that defines Express's request
 * methods (`get`, `header`). That object is shared by every app (and sub-app) of one Express
 * copy, so sub-apps, which swap the request's prototype while they run, are covered too.
 * Never throws: when no Express request prototype is found, when `baseUrl` is already defined
 * there by someone else, or when the prototype cannot be changed (frozen, sealed,
 * non-extensible), nothing is left half-installed and the result says why; the resolver then
 * reads what Express leaves on the request.
 */
export function installRoutingCapture(prototype: object | null): CaptureInstallResult {
  let candidate = prototype;
  while (candidate !== null && candidate !== Object.prototype) {
    if (Object.hasOwn(candidate, 'header') && Object.hasOwn(candidate, 'get')) {
      if (Object.hasOwn(candidate, capturesKey)) {
        return { installed: true, captures: (candidate as Record<symbol, RoutingCaptures>)[capturesKey]! };
      }
      if (Object.hasOwn(candidate, 'baseUrl')) {
        return { installed: false, reason: "Express's request prototype already defines baseUrl" };
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
    Object.defineProperty(target, 'baseUrl', baseUrlAccessor(captures));
    // Last: its presence means the accessor is there.
    Object.defineProperty(target, capturesKey, { value: captures });
    return { installed: true, captures };
  } catch (error) {
    try {
      // `baseUrl` was not there before: if it is now, it is ours, half installed.
      if (Object.hasOwn(target, 'baseUrl')) delete (target as { baseUrl?: unknown }).baseUrl;
    } catch {
      // Left as it is: without the captures key the resolver does not rely on it.
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
