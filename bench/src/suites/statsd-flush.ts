import type { FlushResult } from '@servermetrics/exporter-statsd';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { sink } from '../harness/isolated-pass.js';
import { startStatsdFixture } from '../statsd/statsd-fixture.js';
import { costRow, millisecondFigures, OURS, timingFigures } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

const CELLS = 10_000;

/**
 * StatsD flush of 10 000 changed cells into packets (reported, no target). Before each timed
 * flush, every cell is incremented (untimed). For scale, hot-shots sending the same 10 000
 * increments one call (one datagram) each is timed too; the ratio is ours / hot-shots.
 */
export const statsdFlushSuite: Suite = {
  id: 'statsd-flush',
  rowIds: ['statsd-flush'],
  async run(context: SuiteContext): Promise<Row[]> {
    const fixture = await startStatsdFixture(CELLS);
    const { counter, exporter, corpus } = fixture;
    let lastFlush: FlushResult | undefined;
    const contenders: Contender[] = [
      {
        library: OURS,
        operationsPerPass: 1,
        prepare: (): void => {
          for (const labels of corpus) counter.inc(labels);
        },
        pass: async (): Promise<void> => {
          lastFlush = await exporter.flush();
          sink(lastFlush);
        },
      },
      fixture.hotShotsContender(1),
    ];
    try {
      context.log('StatsD flush of 10 000 changed cells');
      const timings = await compareTimings(contenders, context.mode);
      const flushed = lastFlush;
      return [
        costRow(
          {
            id: 'statsd-flush',
            title: 'StatsD flush of 10 000 changed cells (vs 10 000 hot-shots calls)',
            unit: 'ms/10k cells',
            target: { kind: 'report' },
            notes: [
              flushed === undefined
                ? 'no flush result'
                : `ours: ${flushed.packetsSent} packets, ${flushed.bytesSent.toLocaleString('en-US')} bytes, ${flushed.linesSent} lines, ${flushed.packetsFailed} failed`,
              `hot-shots: ${CELLS.toLocaleString('en-US')} packets`,
            ],
          },
          millisecondFigures(timingFigures(timings)),
        ),
      ];
    } finally {
      await fixture.close();
    }
  },
};
