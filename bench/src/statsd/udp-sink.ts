import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * UdpSink is a UDP listener on 127.0.0.1 running in a worker thread, so receiving datagrams
 * costs the measured (main) thread nothing. It only counts packets and bytes.
 */
export interface UdpSink {
  readonly port: number;
  /** Packets and bytes received so far. */
  received(): Promise<{ packets: number; bytes: number }>;
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const dgram = require('node:dgram');
const socket = dgram.createSocket('udp4');
let packets = 0;
let bytes = 0;
socket.on('message', (message) => { packets++; bytes += message.length; });
socket.bind(0, '127.0.0.1', () => parentPort.postMessage({ port: socket.address().port }));
parentPort.on('message', (message) => {
  if (message === 'received') parentPort.postMessage({ packets, bytes });
  if (message === 'close') socket.close(() => parentPort.close());
});
`;

/** Starts a UdpSink; resolves once the socket is bound. */
export async function startUdpSink(): Promise<UdpSink> {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  const [{ port }] = (await once(worker, 'message')) as [{ port: number }];
  return {
    port,
    async received(): Promise<{ packets: number; bytes: number }> {
      worker.postMessage('received');
      const [counts] = (await once(worker, 'message')) as [{ packets: number; bytes: number }];
      return counts;
    },
    async close(): Promise<void> {
      await worker.terminate();
    },
  };
}
