import { createSocket } from 'node:dgram';

/** Options of listenForStatsd. */
export interface StatsdListenerOptions {
  /** UDP port; 0 picks a free one. @default 8125 (DogStatsD's port) */
  port?: number;
  /** Address to bind. @default '127.0.0.1' */
  host?: string;
  /** Called with each line received (a datagram may hold several). @default none */
  onLine?: (line: string) => void;
}

/** A bound UDP socket standing in for a StatsD server or Datadog Agent. */
export interface StatsdListener {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Every line received so far, in arrival order. */
  readonly lines: string[];
  close(): Promise<void>;
}

/**
 * Binds a UDP socket that receives what a StatsD client sends and splits the datagrams into
 * lines: a way to watch the exporter when no Datadog Agent is installed. Rejects when the port is
 * taken (a running agent, for instance).
 */
export async function listenForStatsd(options: StatsdListenerOptions = {}): Promise<StatsdListener> {
  const socket = createSocket('udp4');
  const lines: string[] = [];
  socket.on('message', (datagram) => {
    for (const line of datagram.toString('utf8').split('\n')) {
      if (line === '') continue;
      lines.push(line);
      options.onLine?.(line);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 8125, options.host ?? '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    port: socket.address().port,
    lines,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
