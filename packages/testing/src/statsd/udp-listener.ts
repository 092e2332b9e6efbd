import dgram from 'node:dgram';
import { type ReceivedDatagrams, receivedDatagrams } from './received-datagrams.js';

/** UdpListener is a raw UDP socket on 127.0.0.1 that records every datagram, for byte-exact tests. */
export interface UdpListener extends ReceivedDatagrams {
  readonly port: number;
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
    ...receivedDatagrams(packets, 'UDP packets'),
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
