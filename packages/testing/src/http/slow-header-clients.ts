import { connect, type Socket } from 'node:net';

/** Raw TCP clients that each sent part of a request's headers and then went quiet. */
export interface SlowHeaderClients {
  /** How many of the sockets the server has not closed yet. */
  openCount(): number;
  /** What each socket received before it closed (a `408` status line when the server timed it out). */
  received(): string[];
  /** Milliseconds from the moment every socket had sent its partial request to the moment the last one closed. */
  lastClosedAfterMs(): number | undefined;
  /** Destroys whatever is still open. */
  destroy(): void;
}

/**
 * Opens `count` TCP connections to the host and port of `url` (a slowloris): each writes a request
 * line and one header of a GET for the URL's path, without the blank line that ends the headers,
 * and then sends nothing more. Resolves once every socket is connected and has written. The
 * server sees `count` requests whose headers never finish.
 */
export async function openSlowHeaderClients(url: string, count: number): Promise<SlowHeaderClients> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port);
  const sockets: Socket[] = [];
  const texts: string[] = Array.from({ length: count }, () => '');
  let open = 0;
  let lastClosedAt: number | undefined;
  const connected = Array.from(
    { length: count },
    (_, index) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect({ host, port });
        sockets.push(socket);
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          texts[index] += chunk;
        });
        socket.on('error', () => {
          // A reset counts as closed; 'close' follows.
        });
        socket.once('close', () => {
          open--;
          lastClosedAt = performance.now();
          reject(new Error(`slow client ${index} was closed before it could send its partial request`));
        });
        socket.once('connect', () => {
          open++;
          socket.write(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\n`, () => resolve());
        });
      }),
  );
  await Promise.all(connected);
  const sentAt = performance.now();
  return {
    openCount: () => open,
    received: () => [...texts],
    lastClosedAfterMs: () => (open === 0 && lastClosedAt !== undefined ? lastClosedAt - sentAt : undefined),
    destroy: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}
