import net from 'node:net';

/** TcpLineServer accepts StatsD-over-TCP connections on 127.0.0.1 and records the lines it reads. */
export interface TcpLineServer {
  readonly port: number;
  /** Complete lines received so far, in order (decoded as UTF-8). */
  lines(): string[];
  /** Every byte received so far, over all connections, in arrival order. */
  bytes(): Buffer;
  /** Drops every connection and stops listening (the port is then refused). */
  close(): Promise<void>;
}

/** Listens on `port` (or an ephemeral port) on 127.0.0.1. */
export async function startTcpLineServer(port = 0): Promise<TcpLineServer> {
  const received: string[] = [];
  const chunks: Buffer[] = [];
  const connections = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    let pending = '';
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop()!;
      received.push(...parts.filter((line) => line !== ''));
    });
    socket.on('error', () => {});
    socket.on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    lines: () => [...received],
    bytes: () => Buffer.concat(chunks),
    close: async () => {
      for (const socket of connections) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
