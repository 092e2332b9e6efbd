import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { describeValue } from '../labels/label-check.js';

/** Returns true when a request target (path plus optional query string) is excluded. */
export type PathExcluder = (target: string) => boolean;

const QUESTION_MARK = 63;

/**
 * Builds the `exclude` check. Strings match the path exactly, RegExps are tested against the
 * path; the query string is ignored. String-only lists (the default) allocate nothing per call.
 * Throws InvalidOptionError when an entry is neither a string nor a RegExp.
 */
export function createPathExcluder(exclude: readonly (string | RegExp)[]): PathExcluder {
  if (!Array.isArray(exclude)) {
    throw new InvalidOptionError(
      'exclude',
      `exclude must be an array of paths (strings or RegExps), got ${describeValue(exclude)}.`,
    );
  }
  const paths: string[] = [];
  const patterns: RegExp[] = [];
  for (const entry of exclude) {
    if (typeof entry === 'string') paths.push(entry);
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
    for (const path of paths) {
      if (
        target.startsWith(path) &&
        (target.length === path.length || target.charCodeAt(path.length) === QUESTION_MARK)
      ) {
        return true;
      }
    }
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
