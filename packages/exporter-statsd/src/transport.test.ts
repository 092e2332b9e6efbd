import { startUdpListener } from '@servermetrics/testing';
import { StatsD } from 'hot-shots';
import { expect, test } from 'vitest';
import { canSendPackets, closeClient, openClient, sendPackets } from './transport.js';

// The exporter relies on hot-shots' undocumented `sendMessage` (see transport.ts): this test
// fails if the pinned version stops sending one verbatim datagram per call with its own callback.
test('hot-shots sendMessage sends each packet verbatim as one datagram and answers each call', async () => {
  const listener = await startUdpListener();
  const client = await openClient(
    { protocol: 'udp', host: '127.0.0.1', port: listener.port },
    false,
    () => {},
    5000,
  );
  expect(canSendPackets(client)).toBe(true);
  expect(canSendPackets(new StatsD({ mock: true }))).toBe(true);
  const packets = ['a:1|c\nb:2|g', 'c:0.3|d|@0.3333333333333333|#k:v'];
  expect(await sendPackets(client, packets, 5000)).toEqual([undefined, undefined]);
  await listener.waitForPackets(2);
  expect([...listener.packets].sort()).toEqual([...packets].sort());
  expect(await closeClient(client, 3000)).toBeUndefined();
  await listener.close();
});
