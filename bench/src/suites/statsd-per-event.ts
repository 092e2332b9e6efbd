import type { Counter } from '@servermetrics/core';
import type { StatsdExporter } from '@servermetrics/exporter-statsd';
import type { RequestLabels } from '../fixtures/label-corpus.js';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { isolatedContender, type Sink } from '../harness/isolated-pass.js';
import { startStatsdFixture } from '../statsd/statsd-fixture.js';
import type { REQUEST_LABEL_SCHEMA } from './counter-inc-labels.js';
import { costRow, OURS, timingFigures } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

const CELLS = 1000;

interface OurState {
  readonly counter: Counter<typeof REQUEST_LABEL_SCHEMA>;
  readonly exporter: StatsdExporter;
  readonly corpus: readonly RequestLabels[];
  readonly sink: Sink;
}

/**
 * StatsD cost per instrumented event. One pass is 1 000 events over 1 000 distinct series:
 * - ours: `counter.inc(labels)` per event, then one `exporter.flush()` of the 1 000 changed
 *   cells (DogStatsD lines batched into 1432-byte UDP packets), so each event carries its
 *   1/1000 share of a periodic flush;
 * - hot-shots used directly: `client.increment(name, 1, tags)` per event, one UDP datagram each
 *   (its default, unbuffered), the pass ending when the last send has completed.
 * Both send to a UDP listener on 127.0.0.1 that runs in a worker thread.
 */
export const statsdPerEventSuite: Suite = {
  id: 'statsd-per-event',
  rowIds: ['statsd-per-event'],
  async run(context: SuiteContext): Promise<Row[]> {
    const fixture = await startStatsdFixture(CELLS);
    const { counter, exporter, corpus } = fixture;
    const contenders: Contender[] = [
      isolatedContender(
        OURS,
        CELLS,
        async (state: OurState) => {
          const { counter, corpus } = state;
          for (let index = 0; index < corpus.length; index++) counter.inc(corpus[index]!);
          const result = await state.exporter.flush();
          state.sink(result.packetsSent);
        },
        { counter, exporter, corpus },
      ),
      fixture.hotShotsContender(CELLS),
    ];
    try {
      context.log('StatsD cost per event (inc + 1/1000 of a flush vs hot-shots per call)');
      const timings = await compareTimings(contenders, context.mode);
      const received = await fixture.udpSink.received();
      return [
        costRow(
          {
            id: 'statsd-per-event',
            title: 'StatsD per event: inc + 1/1000 flush vs hot-shots increment',
            unit: 'ns/event',
            target: { kind: 'at-most', value: 0.1 },
            notes: [
              `UDP sink received ${received.packets.toLocaleString('en-US')} packets`,
              `hot-shots send errors ${fixture.hotShotsErrors()}`,
            ],
          },
          timingFigures(timings),
        ),
      ];
    } finally {
      await fixture.close();
    }
  },
};
