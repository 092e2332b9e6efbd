/** A request to an example app, with the labels its metrics must get. */
export interface ExampleRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query. */
  readonly path: string;
  /** The `route` label: the template, never the raw path. */
  readonly route: string;
  /** The status the app answers, and the `status_code` label. */
  readonly status: number;
}

/** Extra time the slow request of EXAMPLE_REQUESTS takes, in milliseconds. */
export const SLOW_REQUEST_DELAY_MS = 120;

/**
 * One request of each kind the example apps serve, in both frameworks: nested routers, a 404
 * from a route, an unmatched path, a thrown error, and one slow request.
 */
export const EXAMPLE_REQUESTS: readonly ExampleRequest[] = [
  { method: 'GET', path: '/api/users', route: '/api/users', status: 200 },
  { method: 'GET', path: '/api/users/3', route: '/api/users/:id', status: 200 },
  {
    method: 'GET',
    path: `/api/users/4?delay_ms=${SLOW_REQUEST_DELAY_MS}`,
    route: '/api/users/:id',
    status: 200,
  },
  { method: 'GET', path: '/api/users/99', route: '/api/users/:id', status: 404 },
  { method: 'POST', path: '/api/users', route: '/api/users', status: 201 },
  {
    method: 'GET',
    path: '/api/orders/7/items/2',
    route: '/api/orders/:orderId/items/:itemId',
    status: 200,
  },
  { method: 'GET', path: '/api/fail', route: '/api/fail', status: 500 },
  { method: 'GET', path: '/no/such/page', route: 'unmatched', status: 404 },
];

/**
 * Sends every request of EXAMPLE_REQUESTS to `baseUrl`, one after the other, and returns the
 * statuses the app answered, in order.
 */
export async function sendExampleRequests(baseUrl: string): Promise<number[]> {
  const statuses: number[] = [];
  for (const request of EXAMPLE_REQUESTS) {
    const response = await fetch(new URL(request.path, baseUrl), { method: request.method });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}

/** How many requests of EXAMPLE_REQUESTS each `{ method, route, status_code }` series must count. */
export function expectedRequestCounts(): Map<string, { labels: Record<string, string>; count: number }> {
  const counts = new Map<string, { labels: Record<string, string>; count: number }>();
  for (const request of EXAMPLE_REQUESTS) {
    const labels = { method: request.method, route: request.route, status_code: String(request.status) };
    const key = JSON.stringify(labels);
    const entry = counts.get(key) ?? { labels, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return counts;
}
