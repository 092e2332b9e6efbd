/**
 * Parses the soft limit of `Max open files` in `/proc/self/limits`: a number, `Infinity` for
 * `unlimited`, undefined when the line is missing or malformed.
 */
export function parseMaxOpenFiles(text: string): number | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (match === null) return undefined;
  return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}
