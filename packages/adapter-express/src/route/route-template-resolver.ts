import type { ExpressRequestLike } from '../express-types.js';
import {
  type AppLike,
  appStack,
  isMountedApp,
  type LayerLike,
  type LayerMatch,
  matchLayer,
  mountedPath,
  pathnameOf,
  type RouteLike,
  stackOf,
} from './express-layers.js';
import { mountTemplate, UNKNOWN_SEGMENT } from './mount-template.js';

/** The template of a route's declared path: RegExps as their source text, arrays joined with `,`. */
function declaredPath(path: unknown): string {
  if (typeof path === 'string') return path;
  if (Array.isArray(path)) return path.map(String).join(',');
  return String(path);
}

function joinTemplate(mount: string, path: string): string {
  if (mount === '') return path === '' ? '/' : path;
  if (path === '/' || path === '') return mount;
  return path.startsWith('/') ? mount + path : `${mount}/${path}`;
}

/** One mount a request went through on its way to its route. */
interface MountStep {
  readonly layer: LayerLike;
  readonly match: LayerMatch;
  /** The path as the router holding `layer` saw it. */
  readonly path: string;
}

/** Nesting deeper than this is not followed (a router mounted inside itself would loop). */
const MAXIMUM_DEPTH = 64;

/**
 * Walks the routers as Express routes `path`: in each stack, the first layers matching the
 * path, descending into mounted routers (and into the next sub-app of `apps` at a `mounted_app`
 * layer), until the layer of `target`. Fills `steps` with the mounts on the way. Pure: only
 * reads layers and runs their matchers.
 */
function locate(
  stack: readonly LayerLike[],
  path: string,
  target: RouteLike,
  apps: readonly AppLike[],
  appIndex: number,
  steps: MountStep[],
): boolean {
  if (steps.length >= MAXIMUM_DEPTH) return false;
  for (const layer of stack) {
    if (typeof layer !== 'object' || layer === null) continue;
    const route = layer.route;
    if (route !== undefined && route !== null) {
      if (route === target && matchLayer(layer, path) !== undefined) return true;
      continue;
    }
    let child = stackOf(layer.handle);
    let childAppIndex = appIndex;
    if (child === undefined) {
      if (appIndex + 1 >= apps.length || !isMountedApp(layer)) continue;
      childAppIndex = appIndex + 1;
      child = appStack(apps[childAppIndex]!);
      if (child === undefined) continue;
    }
    const match = matchLayer(layer, path);
    if (match === undefined) continue;
    const rest = mountedPath(path, match.text);
    if (rest === undefined) continue;
    steps.push({ layer, match, path });
    if (locate(child, rest, target, apps, childAppIndex, steps)) return true;
    steps.pop();
  }
  return false;
}

/**
 * The sub-app mounts (`mounted_app` layers) that `path` reaches in the router tree of `stack`,
 * each with the mounts on the way (its own last). At most two are collected: one is enough to
 * know, two mean the request's sub-app is not known.
 */
function matchingSubApps(
  stack: readonly LayerLike[],
  path: string,
  steps: MountStep[],
  found: { readonly steps: MountStep[]; readonly rest: string }[],
): void {
  if (steps.length >= MAXIMUM_DEPTH) return;
  for (const layer of stack) {
    if (found.length > 1) return;
    if (typeof layer !== 'object' || layer === null || (layer.route !== undefined && layer.route !== null))
      continue;
    const child = stackOf(layer.handle);
    const subApp = child === undefined && isMountedApp(layer);
    if (child === undefined && !subApp) continue;
    const match = matchLayer(layer, path);
    if (match === undefined) continue;
    const rest = mountedPath(path, match.text);
    if (rest === undefined) continue;
    steps.push({ layer, match, path });
    if (subApp) found.push({ steps: [...steps], rest });
    else matchingSubApps(child!, rest, steps, found);
    steps.pop();
  }
}

/** Route paths made of plain segments and `:name` parameters: one URL segment each. */
const PLAIN_ROUTE_PATH = /^(?:\/(?::?[\w\-.~]+)?)*$/;

function segmentCount(path: string): number {
  let count = 0;
  for (const segment of path.split('/')) if (segment !== '') count++;
  return count;
}

/**
 * The template of a route matched inside a sub-app that the request left before it ended
 * (the sub-app's route threw and the parent's error handler answered: `req.app` is the parent
 * again, and Express keeps no link from the parent to its sub-apps). When exactly one sub-app
 * mount matches the URL and the route's path is plain, the template is the exact mount
 * template up to that sub-app, a `:param` for each segment its own routers consumed, and the
 * route's path: `/v1/things/:thingId`. Undefined otherwise.
 */
function subAppTemplate(root: readonly LayerLike[], path: string, route: RouteLike): string | undefined {
  if (typeof route.path !== 'string' || !PLAIN_ROUTE_PATH.test(route.path)) return undefined;
  const found: { readonly steps: MountStep[]; readonly rest: string }[] = [];
  matchingSubApps(root, path, [], found);
  if (found.length !== 1) return undefined;
  const { steps, rest } = found[0]!;
  const unknownSegments = segmentCount(rest) - segmentCount(route.path);
  if (unknownSegments < 0) return undefined;
  let mounts = '';
  for (const step of steps) mounts += mountTemplate(step.layer, step.match, step.path).template;
  for (let index = 0; index < unknownSegments; index++) mounts += `/${UNKNOWN_SEGMENT}`;
  return joinTemplate(mounts, route.path);
}

/** How many layers hold `target` in the router tree of `stack` (sub-apps are not entered). */
function countRoute(stack: readonly LayerLike[], target: RouteLike, depth: number): number {
  if (depth >= MAXIMUM_DEPTH) return Number.POSITIVE_INFINITY;
  let count = 0;
  for (const layer of stack) {
    if (typeof layer !== 'object' || layer === null) continue;
    if (layer.route === target) count++;
    else if (layer.route === undefined || layer.route === null) {
      const child = stackOf(layer.handle);
      if (child !== undefined) count += countRoute(child, target, depth + 1);
    }
    if (count > 1) return count;
  }
  return count;
}

/** The app that handled a request and, for a sub-app, its parents: outermost first. */
function appsOf(app: AppLike): AppLike[] {
  const apps = [app];
  let current: unknown = app.parent;
  while (typeof current === 'function' || (typeof current === 'object' && current !== null)) {
    if (apps.length >= MAXIMUM_DEPTH || apps.includes(current as AppLike)) break;
    apps.unshift(current as AppLike);
    current = (current as AppLike).parent;
  }
  return apps;
}

interface CachedTemplate {
  /** The app (`req.app`) the template was found for. */
  readonly app: unknown;
  /** The template; undefined when it depends on the URL (found again for each request). */
  readonly template: string | undefined;
}

/**
 * RouteTemplateResolver finds the `route` label of an Express request from the paths the app
 * declared: the mount paths of the routers (and sub-apps) the request went through, joined
 * with the matched route's declared path (`/api/users/:userId`). The routers are found from
 * `req.app` and `req.originalUrl` when the request ends, by matching the URL against the app's
 * layer stacks the way Express routed it, so the result does not depend on the state Express
 * left on the request (an error resets `req.baseUrl`), on other middleware, or on parameter
 * values. Nothing is patched, defined or stored on Express's objects or on requests.
 *
 * Cost: a route reachable through one chain of mounts with fixed paths (the usual app) costs one
 * WeakMap lookup per request once it was seen; other routes cost one walk of the matching
 * layers per request (one RegExp or matcher call per layer, as Express's own routing).
 */
export class RouteTemplateResolver {
  private readonly cache = new WeakMap<object, CachedTemplate>();

  /**
   * @param onUnlocated called when a request matched a route that cannot be found from
   *   `req.app` (it is then labelled as unmatched).
   */
  constructor(private readonly onUnlocated: () => void = () => {}) {}

  /**
   * The route template of a request that ended; undefined when no route matched or when the
   * route cannot be found (see onUnlocated). Never throws; allocates nothing on a cache hit.
   */
  resolve(request: ExpressRequestLike): string | undefined {
    const route = request.route;
    if (typeof route !== 'object' || route === null) return undefined;
    const app = request.app;
    const cached = this.cache.get(route);
    if (cached !== undefined && cached.app === app && cached.template !== undefined) return cached.template;
    let template: string | undefined;
    try {
      template = this.locate(request, route, app, cached);
    } catch {
      template = undefined;
    }
    if (template === undefined) this.onUnlocated();
    return template;
  }

  private locate(
    request: ExpressRequestLike,
    route: RouteLike,
    app: unknown,
    cached: CachedTemplate | undefined,
  ): string | undefined {
    if (typeof app !== 'function' && (typeof app !== 'object' || app === null)) return undefined;
    const url = request.originalUrl ?? request.url;
    const path = typeof url === 'string' ? pathnameOf(url) : undefined;
    if (path === undefined) return undefined;
    const apps = appsOf(app as AppLike);
    const root = appStack(apps[0]!);
    const steps: MountStep[] = [];
    if (root === undefined) return undefined;
    if (!locate(root, path, route, apps, 0, steps)) {
      return apps.length === 1 ? subAppTemplate(root, path, route) : undefined;
    }
    let mounts = '';
    let constant = apps.length === 1;
    for (const step of steps) {
      const mount = mountTemplate(step.layer, step.match, step.path);
      mounts += mount.template;
      constant &&= mount.constant;
    }
    const template = joinTemplate(mounts, declaredPath(route.path));
    if (cached === undefined || cached.app !== app) {
      const cacheable = constant && countRoute(root, route, 0) === 1;
      this.cache.set(route, { app, template: cacheable ? template : undefined });
    }
    return template;
  }
}
