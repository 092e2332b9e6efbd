import { USER_COUNT } from './example-routes.js';

/** One simulated request. */
export interface SimulatedRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query, relative to the app's base URL. */
  readonly path: string;
}

/** Options of startTraffic. */
export interface TrafficOptions {
  /** The app's base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Time between two requests, in milliseconds. @default 100 */
  intervalMs?: number;
  /** Picks the next request. @default nextRequest with Math.random */
  next?: () => SimulatedRequest;
  /** Abandon a request after this long, in milliseconds. @default 10000 */
  timeoutMs?: number;
}

/** Running simulated traffic. */
export interface Traffic {
  /** Requests answered so far (any status). */
  readonly answered: number;
  /** Requests that got no answer (connection refused, timeout). */
  readonly failed: number;
  /** Stops sending and waits for the requests still in flight. */
  stop(): Promise<void>;
}

/** A latency in milliseconds: mostly fast, sometimes slow, rarely very slow. */
function simulatedDelay(random: () => number): number {
  const roll = random();
  if (roll < 0.8) return Math.round(5 + random() * 45);
  if (roll < 0.97) return Math.round(100 + random() * 300);
  return Math.round(800 + random() * 1200);
}

/**
 * Picks a request of a plausible mix: mostly reads, some creates, some 404s (unknown users and an
 * unmatched path), about 3 % failures (500), with simulated latencies.
 */
export function nextRequest(random: () => number = Math.random): SimulatedRequest {
  const delay = `delay_ms=${simulatedDelay(random)}`;
  const roll = random();
  const id = (limit: number): number => 1 + Math.floor(random() * limit);
  if (roll < 0.3) return { method: 'GET', path: `/api/users?${delay}` };
  if (roll < 0.65) return { method: 'GET', path: `/api/users/${id(USER_COUNT + 2)}?${delay}` };
  if (roll < 0.75) return { method: 'POST', path: `/api/users?${delay}` };
  if (roll < 0.95) return { method: 'GET', path: `/api/orders/${id(50)}/items/${id(5)}?${delay}` };
  if (roll < 0.97) return { method: 'GET', path: `/no/such/page/${id(1000)}` };
  return { method: 'GET', path: `/api/fail?${delay}` };
}

/**
 * Sends one request every `intervalMs` to `baseUrl` without waiting for the previous one, so
 * slow requests overlap (the in-flight gauge moves). Never throws: requests without an answer
 * are counted in `failed`. The timer does not keep the process alive.
 */
export function startTraffic(options: TrafficOptions): Traffic {
  const next = options.next ?? ((): SimulatedRequest => nextRequest());
  const inFlight = new Set<Promise<void>>();
  let answered = 0;
  let failed = 0;
  const send = (): void => {
    const request = next();
    const pending = fetch(new URL(request.path, options.baseUrl), {
      method: request.method,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        answered++;
      })
      .catch(() => {
        failed++;
      })
      .finally(() => inFlight.delete(pending));
    inFlight.add(pending);
  };
  const timer = setInterval(send, options.intervalMs ?? 100);
  timer.unref();
  return {
    get answered(): number {
      return answered;
    },
    get failed(): number {
      return failed;
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}
