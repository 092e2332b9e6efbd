/**
 * Read-only views of what Express keeps on its routers, for both majors, and the pure matching
 * the route locator needs. Nothing here assigns to, wraps or defines anything on Express's
 * objects or on requests: layers are read, and matched with Express's own pure matchers
 * (Express 5: `layer.matchers`) or with a copy of the layer's RegExp (Express 4), never with
 * `layer.match`, which in Express 4 stores the match on the shared layer.
 */

/** A route (`router.route(path)`, `app.get(path, ...)`): the path exactly as declared. */
export interface RouteLike {
  readonly path?: unknown;
}

/** An Express 5 (`router` package) matcher: a pure function of the path. */
type Express5Matcher = (path: string) => { readonly path: string } | false;

/**
 * A router Layer of either major. Express 4: `regexp` (with `fast_slash` / `fast_star`) and
 * `keys`. Express 5: `matchers`, `slash` and (router 2.3 and later) `rawPath`, the path as
 * declared (an array is flattened, one matcher per entry).
 */
export interface LayerLike {
  readonly handle?: unknown;
  readonly name?: unknown;
  readonly route?: RouteLike | undefined;
  readonly regexp?: RegExp & { fast_slash?: boolean; fast_star?: boolean };
  readonly keys?: readonly { readonly name: string | number; readonly optional?: boolean }[];
  readonly matchers?: readonly Express5Matcher[];
  readonly slash?: boolean;
  readonly rawPath?: unknown;
}

/** What a layer matched: the URL text it consumed and, for Express 5, which of its paths matched. */
export interface LayerMatch {
  readonly text: string;
  readonly patternIndex: number;
}

/** An Express app as reachable from `req.app`: its router and, for a sub-app, its parent. */
export interface AppLike {
  readonly parent?: unknown;
  readonly _router?: unknown;
  readonly router?: unknown;
}

/** The layer stack of a router (`router.stack`), or undefined when `value` is not a router. */
export function stackOf(value: unknown): readonly LayerLike[] | undefined {
  if (typeof value !== 'function' && (typeof value !== 'object' || value === null)) return undefined;
  const stack = (value as { stack?: unknown }).stack;
  return Array.isArray(stack) ? (stack as LayerLike[]) : undefined;
}

/**
 * The root router of an app: Express 4 keeps it on `app._router` (its `app.router` getter
 * throws), Express 5 on `app.router`. Undefined when there is none. Never throws.
 */
export function appStack(app: AppLike): readonly LayerLike[] | undefined {
  try {
    if (Object.hasOwn(app, '_router')) return stackOf(app._router);
    return stackOf(app.router);
  } catch {
    return undefined;
  }
}

/** True for the layer Express makes for `app.use(path, subApp)` (a closure named `mounted_app`). */
export function isMountedApp(layer: LayerLike): boolean {
  return typeof layer.handle === 'function' && (layer.handle as { name?: unknown }).name === 'mounted_app';
}

/**
 * Matches `layer` against `path` (the path as the router holding the layer sees it) the way
 * Express does, without changing the layer. Undefined when it does not match.
 * Cost: one RegExp execution (Express 4) or one matcher call per declared path (Express 5).
 */
export function matchLayer(layer: LayerLike, path: string): LayerMatch | undefined {
  const matchers = layer.matchers;
  if (Array.isArray(matchers)) {
    if (layer.slash === true) return { text: '', patternIndex: 0 };
    for (let index = 0; index < matchers.length; index++) {
      const match = (matchers[index] as Express5Matcher)(path);
      if (match !== false && match !== null && typeof match === 'object') {
        return { text: typeof match.path === 'string' ? match.path : '', patternIndex: index };
      }
    }
    return undefined;
  }
  const regexp = layer.regexp;
  if (!(regexp instanceof RegExp)) return undefined;
  if (regexp.fast_slash === true) return { text: '', patternIndex: 0 };
  if (regexp.fast_star === true) return { text: path, patternIndex: 0 };
  const match = regexp.exec(path);
  return match === null ? undefined : { text: match[0], patternIndex: 0 };
}

/**
 * The path a router mounted by `layer` sees once Express trimmed the matched `text`, or
 * undefined when Express would not enter it (Express 4 and 5 enter only when the match ends at
 * a `/` or `.` or at the end of the path).
 */
export function mountedPath(path: string, text: string): string | undefined {
  if (text.length === 0) return path;
  const next = path.charCodeAt(text.length);
  if (path.length > text.length && next !== 47 /* / */ && next !== 46 /* . */) return undefined;
  const rest = path.slice(text.length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** The pathname of a request target (`/a/b?x=1` gives `/a/b`; absolute-form targets give their path). */
export function pathnameOf(url: string): string | undefined {
  if (url.startsWith('/')) {
    const query = url.indexOf('?');
    return query === -1 ? url : url.slice(0, query);
  }
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
