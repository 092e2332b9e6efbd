import dgram from 'node:dgram';
import { waitFor } from '../wait-for.js';

/** UdpListener is a raw UDP socket on 127.0.0.1 that records every datagram, for byte-exact tests. */
export interface UdpListener {
  readonly port: number;
  /** Every datagram received so far, as UTF-8 text, in arrival order. */
  readonly packets: string[];
  /** Every line received so far (packets split on `\n`). */
  lines(): string[];
  /** Waits until at least `count` packets arrived. */
  waitForPackets(count: number, timeoutMs?: number): Promise<void>;
  /** Forgets what was received. */
  clear(): void;
  close(): Promise<void>;
}

/** Binds a UdpListener on 127.0.0.1, on `port` or an ephemeral port. */
export async function startUdpListener(port = 0): Promise<UdpListener> {
  const socket = dgram.createSocket('udp4');
  const packets: string[] = [];
  socket.on('message', (message) => packets.push(message.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  // Loopback drops datagrams when a burst overflows the receive buffer (the test reads only
  // between its own awaits): ask for 4 MiB, as much as Linux grants by default (rmem_max).
  try {
    socket.setRecvBufferSize(4 * 1024 * 1024);
  } catch {
    // Keep the default size where the system refuses.
  }
  let closed = false;
  return {
    port: socket.address().port,
    packets,
    lines: () => packets.flatMap((packet) => packet.split('\n')),
    waitForPackets: async (count, timeoutMs) => {
      await waitFor(`${count} UDP packets`, () => packets.length >= count, {
        timeoutMs,
        describeState: () => packets,
      });
    },
    clear: () => {
      packets.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        socket.close(() => resolve());
      }),
  };
}

/** Returns a UDP port on 127.0.0.1 that was free a moment ago (nothing listens on it). */
export async function freeUdpPort(): Promise<number> {
  const listener = await startUdpListener();
  await listener.close();
  return listener.port;
}
