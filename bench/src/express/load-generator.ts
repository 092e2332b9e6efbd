import { Agent, request } from 'node:http';

/** Options of runLoad. */
export interface LoadOptions {
  readonly port: number;
  readonly path: string;
  /** Requests to complete. */
  readonly requests: number;
  /** Requests in flight at once, each on its own keep-alive connection. */
  readonly concurrency: number;
  readonly agent: Agent;
}

/** What one load run measured. */
export interface LoadResult {
  readonly requests: number;
  readonly milliseconds: number;
  /** Responses whose status was not 200. */
  readonly failures: number;
}

/**
 * Sends a fixed number of GET requests to 127.0.0.1, keeping `concurrency` in flight (a closed
 * loop: each completed response starts the next request), and reads every body. Rejects on a
 * connection error, so a broken server fails the suite instead of producing a fast figure.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let started = 0;
    let finished = 0;
    let failures = 0;
    let failed = false;
    const begin = performance.now();
    const next = (): void => {
      if (failed) return;
      if (started >= options.requests) {
        if (finished === options.requests) {
          resolve({ requests: finished, milliseconds: performance.now() - begin, failures });
        }
        return;
      }
      started++;
      const outgoing = request(
        { host: '127.0.0.1', port: options.port, path: options.path, agent: options.agent },
        (response) => {
          if (response.statusCode !== 200) failures++;
          response.resume();
          response.on('end', () => {
            finished++;
            next();
          });
        },
      );
      outgoing.on('error', (error) => {
        failed = true;
        reject(error);
      });
      outgoing.end();
    };
    for (let slot = 0; slot < Math.min(options.concurrency, options.requests); slot++) next();
  });
}

/** A keep-alive agent holding at most `concurrency` connections. */
export function keepAliveAgent(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}
