import { waitFor } from '../wait-for.js';

/** What a datagram listener received, and how to wait for more. */
export interface ReceivedDatagrams {
  /** Every datagram received so far, as UTF-8 text, in arrival order. */
  readonly packets: string[];
  /** Every line received so far (packets split on `\n`). */
  lines(): string[];
  /** Waits until at least `count` packets arrived. */
  waitForPackets(count: number, timeoutMs?: number): Promise<void>;
  /** Forgets what was received. */
  clear(): void;
}

/** The ReceivedDatagrams view of `packets`, which the listener fills; `kind` names them in timeouts. */
export function receivedDatagrams(packets: string[], kind: string): ReceivedDatagrams {
  return {
    packets,
    lines: () => packets.flatMap((packet) => packet.split('\n')),
    waitForPackets: async (count, timeoutMs) => {
      await waitFor(`${count} ${kind}`, () => packets.length >= count, {
        timeoutMs,
        describeState: () => packets,
      });
    },
    clear: () => {
      packets.length = 0;
    },
  };
}
