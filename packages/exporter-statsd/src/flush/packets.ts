import type { PlannedLine } from './flush-plan.js';

/** Packet is one datagram: whole planned lines joined by `\n`. */
export interface Packet {
  readonly text: string;
  readonly bytes: number;
  readonly lineCount: number;
  readonly lines: readonly PlannedLine[];
}

/** The packets of a flush, and the lines too long for any packet. */
export interface PackedLines {
  readonly packets: Packet[];
  readonly oversize: PlannedLine[];
}

/**
 * Batches planned lines, in order, into packets of at most `maxBytes` bytes (UTF-8), never
 * splitting a line: a packet is closed when the next line (plus its `\n`) would not fit.
 * A line longer than `maxBytes` on its own goes to `oversize` and is not sent.
 */
export function packLines(lines: readonly PlannedLine[], maxBytes: number): PackedLines {
  const packets: Packet[] = [];
  const oversize: PlannedLine[] = [];
  let current: PlannedLine[] = [];
  let bytes = 0;
  const close = (): void => {
    if (current.length === 0) return;
    let lineCount = 0;
    for (const line of current) lineCount += line.lineCount;
    packets.push({ text: current.map((line) => line.text).join('\n'), bytes, lineCount, lines: current });
    current = [];
    bytes = 0;
  };
  for (const line of lines) {
    if (line.bytes > maxBytes) {
      oversize.push(line);
      continue;
    }
    if (current.length > 0 && bytes + 1 + line.bytes > maxBytes) close();
    bytes += (current.length === 0 ? 0 : 1) + line.bytes;
    current.push(line);
  }
  close();
  return { packets, oversize };
}
