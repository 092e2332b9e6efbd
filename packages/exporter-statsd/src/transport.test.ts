import { startUdpListener } from '@servermetrics/testing';
import { StatsD } from 'hot-shots';
import { expect, test } from 'vitest';
import { canSendPackets, Transport } from './transport.js';

// The exporter relies on hot-shots' undocumented `sendMessage` (see transport.ts): this test
// fails if the pinned version stops sending one verbatim datagram per call with its own callback.
test('hot-shots sendMessage sends each packet verbatim as one datagram and answers each call', async () => {
  const listener = await startUdpListener();
  const errors: Error[] = [];
  const transport = new Transport({
    target: { protocol: 'udp', host: '127.0.0.1', port: listener.port },
    client: undefined,
    sendTimeoutMs: 5000,
    closeTimeoutMs: 3000,
    onError: (error) => errors.push(error),
    onCloseError: (error) => errors.push(error),
  });
  expect(canSendPackets(new StatsD({ mock: true }))).toBe(true);
  const packets = ['a:1|c\nb:2|g', 'c:0.3|d|@0.3333333333333333|#k:v'];
  expect(await transport.send(packets)).toEqual([undefined, undefined]);
  await listener.waitForPackets(2);
  expect([...listener.packets].sort()).toEqual([...packets].sort());
  // The client opened for these packets closes, and reports nothing.
  expect(await transport.settle(3000)).toBe(0);
  expect(errors).toEqual([]);
  await listener.close();
});
