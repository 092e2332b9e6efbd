import type { MountLevel, RouteParams } from './mount-level.js';

/** Placeholder for a mount-path segment that holds a value whose parameter name is not known. */
const VALUE_PLACEHOLDER = ':param';

const VALUE_LIKE = [
  /^\d+$/,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^(?=[a-f]*\d)[0-9a-f]{8,}$/i,
];

function looksLikeValue(segment: string): boolean {
  return VALUE_LIKE.some((pattern) => pattern.test(segment));
}

function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * What each segment of a mount path became: a parameter name (`:userId`), `null` for the
 * further segments of a multi-segment value (dropped), or undefined while unexplained.
 */
type Replacements = (string | null | undefined)[];

/**
 * Puts the parameter `name` in place of its value in `segments`, searching from the last
 * segment backwards. Values with `/` (Express 4 `*`) and arrays (Express 5 `*splat`) cover a
 * run of segments. A value found only inside a segment (`/:from-:to` gives `LAX-SFO`) makes
 * that segment `:param`. Returns false when the value is not there or is not a string or
 * array of strings; true when it was placed or there is nothing to place (an absent optional
 * parameter).
 */
function placeParameter(
  segments: readonly string[],
  replacements: Replacements,
  name: string,
  value: unknown,
  allowPartial: boolean,
): boolean {
  let parts: readonly string[];
  let placeholder: string;
  if (value === undefined || value === '') return true;
  if (typeof value === 'string') {
    parts = value.includes('/') ? value.split('/') : [value];
    placeholder = `:${name}`;
  } else if (Array.isArray(value) && value.every((part) => typeof part === 'string')) {
    if (value.length === 0) return true;
    parts = value;
    placeholder = `*${name}`;
  } else {
    return false;
  }
  for (let start = segments.length - parts.length; start > 0; start--) {
    let matches = true;
    for (let offset = 0; offset < parts.length && matches; offset++) {
      const index = start + offset;
      matches = replacements[index] === undefined && decodeSegment(segments[index]!) === parts[offset];
    }
    if (!matches) continue;
    replacements[start] = placeholder;
    for (let offset = 1; offset < parts.length; offset++) replacements[start + offset] = null;
    return true;
  }
  if (!allowPartial || parts.length !== 1) return false;
  for (let index = segments.length - 1; index > 0; index--) {
    const replacement = replacements[index];
    if (replacement !== undefined && replacement !== VALUE_PLACEHOLDER) continue;
    if (decodeSegment(segments[index]!).includes(parts[0]!)) {
      replacements[index] = VALUE_PLACEHOLDER;
      return true;
    }
  }
  return false;
}

/**
 * The template of one mount path's URL text (`/users/alice/posts`, starting with `/`).
 * Parameters for which `required` is true must be found in the text: if one is not, nothing
 * tells the mount's static words from its values, so every segment not named becomes `:param`.
 * Other parameters are named when found. Segments not named that look like values (integers,
 * UUIDs, long hex strings) become `:param`; other words stay.
 */
function templateOf(
  text: string,
  params: RouteParams | undefined,
  required: (name: string, value: unknown) => boolean,
): string {
  const segments = text.split('/');
  const replacements: Replacements = new Array(segments.length);
  let unexplained = false;
  if (params !== undefined && params !== null) {
    const names = Object.keys(params);
    // Required parameters first; each pass from the last parameter backwards, so that repeated
    // values (`/a/x/b/x`) go to the right segments.
    for (const pass of [true, false]) {
      for (let index = names.length - 1; index >= 0; index--) {
        const name = names[index]!;
        const value = params[name];
        if (required(name, value) !== pass) continue;
        if (!placeParameter(segments, replacements, name, value, pass) && pass) unexplained = true;
      }
    }
  }
  let template = '';
  for (let index = 1; index < segments.length; index++) {
    const replacement = replacements[index];
    if (replacement === null) continue;
    const segment = segments[index]!;
    template += `/${replacement ?? (unexplained || looksLikeValue(segment) ? VALUE_PLACEHOLDER : segment)}`;
  }
  return template;
}

/**
 * The template of the mount paths a route was matched under, outermost first
 * (`/orgs/:orgId/teams/:teamId`; '' when there is none). Each level's part of `baseUrl` is
 * named from that level's own parameters (those a `mergeParams` router inherited from the level
 * above are only named when they appear again). Cost: a split and a join per level; callers
 * cache the result.
 */
export function mountTemplate(level: MountLevel | undefined): string {
  if (level === undefined) return '';
  const parent = level.parent;
  const outerText = parent === undefined ? '' : parent.baseUrl;
  const inherited = parent?.params;
  const required = (name: string, value: unknown): boolean =>
    !(inherited !== undefined && Object.hasOwn(inherited, name) && inherited[name] === value);
  return mountTemplate(parent) + templateOf(level.baseUrl.slice(outerText.length), level.params, required);
}

/**
 * The template of a mount path known only from its URL text (`req.baseUrl` when the request
 * ended) and the parameters Express left on `req.params` (the route's own, plus the mounts'
 * when routers use `mergeParams`): values of those parameters are named, segments that look
 * like values become `:param`, other words stay. Used when the mount levels were not captured.
 */
export function mountTextTemplate(baseUrl: string, params: RouteParams | undefined): string {
  if (baseUrl === '' || baseUrl === '/') return '';
  return templateOf(baseUrl, params, () => false);
}
