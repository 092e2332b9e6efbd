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
  /**
   * Runs `send` (an exporter's flush), fails when it reports a failed packet, waits for every
   * packet it reports sent, and returns their lines.
   */
  linesOf(send: () => Promise<SendReport>): Promise<string[]>;
}

/** The part of an exporter's flush result `linesOf` reads. */
export interface SendReport {
  readonly packetsSent: number;
  readonly packetsFailed: number;
  readonly errors?: readonly Error[];
}

/** The ReceivedDatagrams view of `packets`, which the listener fills; `kind` names them in timeouts. */
export function receivedDatagrams(packets: string[], kind: string): ReceivedDatagrams {
  const waitForPackets = async (count: number, timeoutMs?: number): Promise<void> => {
    await waitFor(`${count} ${kind}`, () => packets.length >= count, {
      timeoutMs,
      describeState: () => packets,
    });
  };
  return {
    packets,
    lines: () => packets.flatMap((packet) => packet.split('\n')),
    waitForPackets,
    clear: () => {
      packets.length = 0;
    },
    linesOf: async (send) => {
      const before = packets.length;
      const report = await send();
      if (report.packetsFailed !== 0) {
        const reasons = (report.errors ?? []).map((error) => error.message).join('; ');
        throw new Error(`${report.packetsFailed} packets failed to send: ${reasons}`);
      }
      await waitForPackets(before + report.packetsSent);
      return packets.slice(before).flatMap((packet) => packet.split('\n'));
    },
  };
}
