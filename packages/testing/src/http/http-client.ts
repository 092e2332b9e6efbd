import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** A complete answer read by `send`. */
export interface SentResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text (of the bytes as received: still compressed when the server compressed it). */
  body: string;
  /** The body exactly as received. */
  raw: Buffer;
}

/** Options of `send`. */
export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Connection pool to reuse; a fresh connection per request when absent. */
  agent?: Agent;
}

/**
 * The one HTTP client of the test suites: sends one request with node:http (any method, exactly
 * the given headers, unlike fetch, which adds Accept-Encoding and decompresses; an optional body)
 * and reads the whole answer, as bytes and as text.
 */
export function send(url: string, options: SendOptions = {}): Promise<SentResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: options.agent ?? false },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: raw.toString('utf8'),
            raw,
          });
        });
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** An open response whose headers and first chunk arrived; `destroy` drops the connection mid-response. */
export interface OpenStream {
  readonly status: number;
  destroy(): void;
}

/** Opens a request and resolves once the response headers and a first body chunk arrived. */
export function openStream(url: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { agent: false }, (incoming) => {
      incoming.once('data', () =>
        resolve({ status: incoming.statusCode ?? 0, destroy: () => outgoing.destroy() }),
      );
    });
    outgoing.on('error', () => {});
    outgoing.on('close', () => reject(new Error(`${url} closed before its first body chunk`)));
    outgoing.end();
  });
}

/**
 * Sends a request and destroys the connection `afterMs` after it was sent, before any answer:
 * the server sees a client that went away before the response started.
 */
export function abandonBeforeHeaders(url: string, afterMs = 100): Promise<void> {
  return new Promise((resolve) => {
    const outgoing = httpRequest(url, { agent: false });
    outgoing.on('error', () => {});
    outgoing.on('close', () => resolve());
    outgoing.on('response', () => outgoing.destroy());
    outgoing.end(() => setTimeout(() => outgoing.destroy(), afterMs));
  });
}

/**
 * Sends `count` GET requests built by `path(index)` over a keep-alive pool, `concurrency` at a
 * time, and returns how many answers had each status.
 */
export async function sendMany(
  baseUrl: string,
  count: number,
  path: (index: number) => string,
  concurrency = 16,
): Promise<Map<number, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const { status } = await send(`${baseUrl}${path(index)}`, { agent });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return statuses;
}
