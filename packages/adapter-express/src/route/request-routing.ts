import type { ExpressRouteLike } from '../express-types.js';
import type { MountLevel } from './mount-level.js';

/**
 * RequestRouting is what the routing capture remembers of a request that entered a mounted
 * router: the `baseUrl` Express assigned (the accessor returns it), the mount levels the request
 * is in, and the last route seen on the request with the levels it was matched under.
 */
export class RequestRouting {
  baseUrl: unknown = '';
  levels: MountLevel | undefined = undefined;
  /** `req.route` when `baseUrl` was last assigned. */
  route: ExpressRouteLike | undefined = undefined;
  /** The mount levels `route` was matched under. */
  routeLevels: MountLevel | undefined = undefined;
}

/** The routing of requests that entered a mounted router, kept weakly so nothing is added to requests. */
export type RoutingCaptures = WeakMap<object, RequestRouting>;
