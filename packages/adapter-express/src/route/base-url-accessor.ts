import type { ExpressRequestLike } from '../express-types.js';
import { enterMount } from './mount-level.js';
import { RequestRouting, type RoutingCaptures } from './request-routing.js';

/**
 * The `baseUrl` accessor the routing capture defines on Express's request prototype.
 *
 * Express assigns `req.params` then `req.baseUrl` each time a request enters a router mounted
 * at a path, and assigns `req.baseUrl` again when the request leaves it (also when an error
 * unwinds it, before the error handler answers). The setter records a mount level with the
 * parameters of that mount on the way in. Routes are matched between two assignments, so a
 * `req.route` that changed since the previous assignment was matched under the levels current
 * until now: the setter notes it with those levels, and the resolver knows where the route was
 * even after an error left its routers.
 *
 * Cost: for a request that never enters a mounted router, one WeakMap lookup per assignment
 * and nothing stored; a request that does gets one WeakMap entry. The getter returns what was
 * assigned ('' before the first assignment, as a request outside mounted routers sees it).
 */
export function baseUrlAccessor(captures: RoutingCaptures): PropertyDescriptor {
  return {
    configurable: true,
    enumerable: true,
    get(this: ExpressRequestLike): unknown {
      const routing = captures.get(this);
      return routing === undefined ? '' : routing.baseUrl;
    },
    set(this: ExpressRequestLike, baseUrl: unknown): void {
      let routing = captures.get(this);
      if (routing === undefined) {
        if (baseUrl === '') return;
        routing = new RequestRouting();
        captures.set(this, routing);
      }
      const route = this.route;
      if (route !== routing.route) {
        routing.route = route;
        routing.routeLevels = routing.levels;
      }
      routing.baseUrl = baseUrl;
      routing.levels = enterMount(routing.levels, baseUrl, this.params);
    },
  };
}
