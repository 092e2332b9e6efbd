/** Parameters Express matched, as on `req.params`. */
export type RouteParams = Readonly<Record<string, unknown>>;

const SLASH = 47;

/**
 * MountLevel is one router or sub-app mount a request went through, as Express reported it
 * while routing: `baseUrl` is the URL text of all mount paths so far (`/orgs/acme/teams/blue`)
 * and `params` the parameters of this mount's own path, read when Express entered the mount
 * (it assigns `req.params` just before `req.baseUrl`). Levels are immutable and point outwards
 * (`parent`), so keeping the levels a route was matched under is keeping one reference.
 */
export interface MountLevel {
  readonly baseUrl: string;
  readonly params: RouteParams | undefined;
  readonly parent: MountLevel | undefined;
}

/** True when `baseUrl` is `level`'s mount path or lies below it (`/a` holds `/a/b`, not `/ab`). */
function holds(level: MountLevel, baseUrl: string): boolean {
  const outer = level.baseUrl;
  return (
    baseUrl === outer ||
    (baseUrl.length > outer.length && baseUrl.charCodeAt(outer.length) === SLASH && baseUrl.startsWith(outer))
  );
}

/**
 * The mount levels after Express assigned `baseUrl` to a request whose levels were `current`:
 * entering a router (a longer `baseUrl`) adds a level with `params`; assigning a level's own
 * `baseUrl` again (a router starting, or restoring on the way out) returns that level; an empty
 * or missing `baseUrl` means no mount. Cost: a few string comparisons; allocates only when a
 * router is entered.
 */
export function enterMount(
  current: MountLevel | undefined,
  baseUrl: unknown,
  params: RouteParams | undefined,
): MountLevel | undefined {
  if (typeof baseUrl !== 'string' || baseUrl === '' || baseUrl === '/') return undefined;
  let outer = current;
  while (outer !== undefined && !holds(outer, baseUrl)) outer = outer.parent;
  if (outer !== undefined && outer.baseUrl === baseUrl) return outer;
  return { baseUrl, params, parent: outer };
}
