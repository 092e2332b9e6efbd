import type { LayerLike, LayerMatch } from './express-layers.js';

/** Placeholder for a segment of a mount path that Express does not let us name. */
export const UNKNOWN_SEGMENT = ':param';

/** The template of a mount layer's match, and whether it is the same for every URL it matches. */
export interface MountTemplate {
  /** `/orgs/:orgId`, or '' for a mount at `/`. Never holds URL text that is not declared. */
  readonly template: string;
  /** True when every URL the layer matches gets this template (it can be cached per route). */
  readonly constant: boolean;
}

/** Every non-empty segment of `text` as a placeholder: for mounts whose declared path is not kept. */
function placeholders(text: string): string {
  let template = '';
  for (const segment of text.split('/')) if (segment !== '') template += `/${UNKNOWN_SEGMENT}`;
  return template;
}

function withoutTrailingSlash(template: string): string {
  let end = template.length;
  while (end > 0 && template.charCodeAt(end - 1) === 47) end--;
  return template.slice(0, end);
}

/** What is derived once from an Express 4 layer's RegExp. */
interface Express4Pattern {
  /** The layer's RegExp with the `d` flag: group positions in the match. */
  readonly indexed: RegExp;
  /** The RegExp source without escapes (`^/teams(?:/([^/]+?))`), to find declared words in. */
  readonly literal: string;
  readonly insensitive: boolean;
  /** No optional or unnamed groups and one path (not an array of alternatives). */
  readonly constant: boolean;
}

const express4Patterns = new WeakMap<RegExp, Express4Pattern>();

function express4Pattern(layer: LayerLike, regexp: RegExp): Express4Pattern {
  let pattern = express4Patterns.get(regexp);
  if (pattern !== undefined) return pattern;
  const flags = regexp.flags.replace(/[gyd]/g, '');
  const keys = layer.keys ?? [];
  const groups = (new RegExp(`${regexp.source}|`).exec('')?.length ?? 1) - 1;
  pattern = {
    indexed: new RegExp(regexp.source, `${flags}d`),
    literal: regexp.source.replace(/\\(.)/g, '$1'),
    insensitive: regexp.flags.includes('i'),
    constant:
      groups === keys.length &&
      keys.every((key) => typeof key.name === 'string' && key.optional !== true) &&
      !regexp.source.includes('|^'),
  };
  express4Patterns.set(regexp, pattern);
  return pattern;
}

/**
 * The template of an Express 4 mount. Express 4 keeps no declared path on a mount layer, only
 * the RegExp path-to-regexp 0.1 compiled from it and the parameter `keys`; so the layer's
 * RegExp is run again with the `d` flag and each parameter's span of the matched text becomes
 * `:name` (`*` for unnamed groups such as `*`). The text between parameters is kept only where
 * it is written in the RegExp source (with the declared letter case); any other segment
 * (matched by a pattern, e.g. a RegExp mount `/^\/v\d+/`) becomes `:param`.
 */
function express4Template(
  layer: LayerLike,
  regexp: NonNullable<LayerLike['regexp']>,
  path: string,
): MountTemplate {
  if (regexp.fast_slash === true) return { template: '', constant: true };
  if (regexp.fast_star === true) return { template: '/*', constant: true };
  const pattern = express4Pattern(layer, regexp);
  const match = pattern.indexed.exec(path);
  if (match === null) return { template: '', constant: false };
  const text = match[0];
  const indices = match.indices ?? [];
  const keys = layer.keys ?? [];
  const literal = pattern.insensitive ? pattern.literal.toLowerCase() : pattern.literal;
  let literalCursor = 0;
  let placeholderUsed = false;
  const declared = (chunk: string): string => {
    let template = '';
    const segments = chunk.split('/');
    for (let index = 0; index < segments.length; index++) {
      const segment = segments[index]!;
      if (index > 0) template += '/';
      if (segment === '') continue;
      const found = literal.indexOf(pattern.insensitive ? segment.toLowerCase() : segment, literalCursor);
      if (found === -1) {
        template += UNKNOWN_SEGMENT;
        placeholderUsed = true;
      } else {
        template += pattern.literal.slice(found, found + segment.length);
        literalCursor = found + segment.length;
      }
    }
    return template;
  };
  let template = '';
  let cursor = 0;
  for (let group = 1; group < match.length; group++) {
    const span = indices[group];
    if (span === undefined || span[0] < cursor || span[1] > text.length) continue;
    template += declared(text.slice(cursor, span[0]));
    const name = keys[group - 1]?.name;
    template += typeof name === 'string' ? `:${name}` : '*';
    cursor = span[1];
  }
  template += declared(text.slice(cursor));
  return { template: withoutTrailingSlash(template), constant: pattern.constant && !placeholderUsed };
}

/**
 * The template of an Express 5 mount: the path as declared, which the `router` package keeps
 * on the layer as `rawPath` from router 2.3 on (an array: the entry that matched). Older
 * routers keep no declared path: every segment becomes `:param`.
 */
function express5Template(layer: LayerLike, match: LayerMatch): MountTemplate {
  if (layer.slash === true) return { template: '', constant: true };
  const rawPath = layer.rawPath;
  const declared = Array.isArray(rawPath) ? rawPath[match.patternIndex] : rawPath;
  if (typeof declared === 'string') {
    return { template: withoutTrailingSlash(declared), constant: !Array.isArray(rawPath) };
  }
  if (declared instanceof RegExp) return { template: String(declared), constant: !Array.isArray(rawPath) };
  return { template: withoutTrailingSlash(placeholders(match.text)), constant: false };
}

/**
 * The template of the mount path `layer` matched (`match`, on `path`, the path as the router
 * holding the layer saw it). Cost: a string per segment; callers cache constant results.
 */
export function mountTemplate(layer: LayerLike, match: LayerMatch, path: string): MountTemplate {
  if (Array.isArray(layer.matchers)) return express5Template(layer, match);
  const regexp = layer.regexp;
  if (regexp instanceof RegExp) return express4Template(layer, regexp, path);
  return { template: withoutTrailingSlash(placeholders(match.text)), constant: false };
}
