import { describeValue, InvalidOptionError } from '@servermetrics/core';

/** Returns true when a request target (path plus optional query string) is excluded. */
export type PathExcluder = (target: string) => boolean;

const QUESTION_MARK = 63;
const SLASH = 47;

/** One excluded path, as matched: lower-cased, without a trailing slash (except `/` itself). */
class ExcludedPath {
  readonly path: string;
  /** Whether a trailing slash may follow (false for `/`). */
  readonly slashAllowed: boolean;

  constructor(path: string) {
    const lower = path.toLowerCase();
    this.slashAllowed = lower.length > 1;
    this.path = this.slashAllowed && lower.endsWith('/') ? lower.slice(0, -1) : lower;
  }

  /** True when the path part of `target` is this path, in any case, with at most one trailing slash. */
  matches(target: string): boolean {
    const length = this.path.length;
    let end = target.length;
    if (end > length) {
      const next = target.charCodeAt(length);
      if (next === QUESTION_MARK) end = length;
      else if (next === SLASH && this.slashAllowed) {
        if (end > length + 1 && target.charCodeAt(length + 1) !== QUESTION_MARK) return false;
      } else return false;
    } else if (end < length) return false;
    return target.startsWith(this.path) || target.slice(0, length).toLowerCase() === this.path;
  }
}

/**
 * Builds the `exclude` check. A string matches a path the way Express and @koa/router match
 * routes by default: ignoring case and one trailing slash (`'/metrics'` also excludes
 * `/metrics/` and `/METRICS`, which reach `app.get('/metrics')`). A RegExp is tested against
 * the path as it is. The query string is ignored. String-only lists (the default) allocate
 * nothing for paths in the case given. Throws InvalidOptionError when an entry is neither a
 * string nor a RegExp.
 */
export function createPathExcluder(exclude: readonly (string | RegExp)[]): PathExcluder {
  if (!Array.isArray(exclude)) {
    throw new InvalidOptionError(
      'exclude',
      `exclude must be an array of paths (strings or RegExps), got ${describeValue(exclude)}.`,
    );
  }
  const paths: ExcludedPath[] = [];
  const patterns: RegExp[] = [];
  for (const entry of exclude) {
    if (typeof entry === 'string') paths.push(new ExcludedPath(entry));
    else if (entry instanceof RegExp) patterns.push(entry);
    else {
      throw new InvalidOptionError(
        'exclude',
        `exclude entries must be path strings like '/metrics' or RegExps, got ${describeValue(entry)}.`,
      );
    }
  }
  if (paths.length === 0 && patterns.length === 0) return () => false;
  return (target) => {
    for (const path of paths) if (path.matches(target)) return true;
    if (patterns.length === 0) return false;
    const query = target.indexOf('?');
    const path = query < 0 ? target : target.slice(0, query);
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      if (pattern.test(path)) return true;
    }
    return false;
  };
}
