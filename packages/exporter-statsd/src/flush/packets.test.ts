import { describe, expect, test } from 'vitest';
import { type PlannedLine, type PlannedSeries, SeriesState } from './flush-plan.js';
import { packLines } from './packets.js';

const series: PlannedSeries = {
  state: new SeriesState(0, '', []),
  updateCount: 0,
  complete: true,
};

function planned(text: string): PlannedLine {
  return {
    text,
    bytes: Buffer.byteLength(text),
    lineCount: text.split('\n').length,
    series,
    field: undefined,
    value: 0,
    bucket: false,
  };
}

describe('packLines', () => {
  test('fills packets up to the limit, counting the newlines between lines', () => {
    const lines = ['aaaa:1|c', 'bbbb:1|c', 'cccc:1|c'].map(planned); // 8 bytes each
    expect(packLines(lines, 17).packets.map((packet) => packet.text)).toEqual([
      'aaaa:1|c\nbbbb:1|c',
      'cccc:1|c',
    ]);
    expect(packLines(lines, 16).packets.map((packet) => packet.text)).toEqual([
      'aaaa:1|c',
      'bbbb:1|c',
      'cccc:1|c',
    ]);
    expect(packLines(lines, 26).packets.map((packet) => packet.text)).toEqual([
      'aaaa:1|c\nbbbb:1|c\ncccc:1|c',
    ]);
  });

  test('counts UTF-8 bytes, not characters', () => {
    const lines = [planned('n:1|c|#k:é'), planned('n:1|c|#k:é')]; // 11 bytes each
    const { packets } = packLines(lines, 22);
    expect(packets).toHaveLength(2);
    expect(packets[0]!.bytes).toBe(11);
    expect(packLines(lines, 23).packets).toHaveLength(1);
  });

  test('keeps a two-line unit together and counts both lines', () => {
    const { packets } = packLines([planned('a:1|c'), planned('g:0|g\ng:-1|g')], 12);
    expect(packets.map((packet) => packet.text)).toEqual(['a:1|c', 'g:0|g\ng:-1|g']);
    expect(packets[1]!.lineCount).toBe(2);
  });

  test('never splits a line and sets aside lines longer than the limit', () => {
    const long = planned(`${'x'.repeat(100)}:1|c`);
    const result = packLines([planned('a:1|c'), long, planned('b:1|c')], 64);
    expect(result.oversize).toEqual([long]);
    expect(result.packets.map((packet) => packet.text)).toEqual(['a:1|c\nb:1|c']);
  });

  test('every packet respects the limit and lines come out whole and in order', () => {
    const lines = Array.from({ length: 500 }, (_, index) =>
      planned(`metric_${index}:${index * 7}|c|#k:${'v'.repeat(index % 40)}`),
    );
    for (const limit of [64, 100, 512, 1432]) {
      const { packets, oversize } = packLines(lines, limit);
      for (const packet of packets) {
        expect(Buffer.byteLength(packet.text)).toBe(packet.bytes);
        expect(packet.bytes).toBeLessThanOrEqual(limit);
      }
      const sent = packets.flatMap((packet) => packet.text.split('\n'));
      expect([...sent, ...oversize.map((line) => line.text)].sort()).toEqual(
        lines.map((line) => line.text).sort(),
      );
      expect(sent).toEqual(lines.filter((line) => line.bytes <= limit).map((line) => line.text));
    }
  });
});
