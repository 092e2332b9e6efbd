/** Placeholder for a mount-path segment that looks like a value but matches no known parameter. */
const VALUE_PLACEHOLDER = ':param';

const VALUE_LIKE = [
  /^\d+$/,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^(?=[a-f]*\d)[0-9a-f]{8,}$/i,
];

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Turns the URL text of a router's mount path (`req.baseUrl`, e.g. `/users/42/posts`) back into a
 * template. Express keeps the mount *text*, not the pattern, so for routers mounted at
 * parameterised paths (`app.use('/users/:userId/posts', router)`) the values are put back as
 * `:name` using the mount's parameters (`params`, read when the route was matched), from the
 * last segment backwards. Segments that still look like values (integers, UUIDs, long hex
 * strings) become `:param`. Cost: a split and a join, only for mount paths that are not empty.
 */
export function mountPathTemplate(
  baseUrl: string,
  params: Readonly<Record<string, unknown>> | undefined,
): string {
  if (baseUrl === '' || baseUrl === '/') return '';
  const segments = baseUrl.split('/');
  const replaced = new Array<boolean>(segments.length).fill(false);
  if (params !== undefined) {
    for (const name of Object.keys(params)) {
      const value = params[name];
      if (typeof value !== 'string' || value === '') continue;
      for (let index = segments.length - 1; index > 0; index--) {
        if (replaced[index]) continue;
        const segment = segments[index]!;
        if (segment === value || decodeSegment(segment) === value) {
          segments[index] = `:${name}`;
          replaced[index] = true;
          break;
        }
      }
    }
  }
  for (let index = 1; index < segments.length; index++) {
    if (!replaced[index] && VALUE_LIKE.some((pattern) => pattern.test(segments[index]!))) {
      segments[index] = VALUE_PLACEHOLDER;
    }
  }
  return segments.join('/');
}
