import { Counter, MetricRegistry } from '@servermetrics/core';
import { StatsdExporter } from '@servermetrics/exporter-statsd';
import { largeLabelCorpus, type RequestLabels } from '../fixtures/label-corpus.js';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { isolatedPass, type Sink, sink } from '../harness/isolated-pass.js';
import { closeHotShots, HOT_SHOTS, hotShotsClient } from '../statsd/hot-shots-peer.js';
import { startUdpSink } from '../statsd/udp-sink.js';
import { REQUEST_LABEL_SCHEMA } from './counter-inc-labels.js';
import { costRow, OURS, timingFigures } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

const CELLS = 1000;

interface OurState {
  readonly counter: Counter<typeof REQUEST_LABEL_SCHEMA>;
  readonly exporter: StatsdExporter;
  readonly corpus: readonly RequestLabels[];
  readonly sink: Sink;
}

interface HotShotsState {
  readonly client: ReturnType<typeof hotShotsClient>['client'];
  readonly tags: readonly Record<string, string>[];
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
    const udpSink = await startUdpSink();
    const corpus = largeLabelCorpus(CELLS);
    const registry = new MetricRegistry({ defaultMaxCells: CELLS });
    const counter = registry.register(
      'bench_events_total',
      new Counter({ help: 'Events.', labels: REQUEST_LABEL_SCHEMA }),
    );
    const exporter = new StatsdExporter({
      host: '127.0.0.1',
      port: udpSink.port,
      registries: [registry],
      sendOlderThanMs: 0,
      dialect: 'datadog',
    });
    const hotShots = hotShotsClient(udpSink.port);
    const tags = corpus.map((labels) => ({
      method: labels.method,
      route: labels.route,
      status: String(labels.status),
    }));
    const contenders: Contender[] = [
      {
        library: OURS,
        operationsPerPass: CELLS,
        pass: isolatedPass(
          async (state: OurState) => {
            const { counter, corpus } = state;
            for (let index = 0; index < corpus.length; index++) counter.inc(corpus[index]!);
            const result = await state.exporter.flush();
            state.sink(result.packetsSent);
          },
          { counter, exporter, corpus, sink },
        ),
      },
      {
        library: HOT_SHOTS,
        operationsPerPass: CELLS,
        pass: isolatedPass(
          (state: HotShotsState) =>
            new Promise<void>((resolve) => {
              const { client, tags } = state;
              const last = tags.length - 1;
              for (let index = 0; index < last; index++)
                client.increment('bench_events_total', 1, tags[index]!);
              client.increment('bench_events_total', 1, tags[last]!, () => resolve());
              state.sink(client);
            }),
          { client: hotShots.client, tags, sink },
        ),
      },
    ];
    try {
      context.log('StatsD cost per event (inc + 1/1000 of a flush vs hot-shots per call)');
      const timings = await compareTimings(contenders, context.mode);
      const received = await udpSink.received();
      return [
        costRow(
          {
            id: 'statsd-per-event',
            title: 'StatsD per event: inc + 1/1000 flush vs hot-shots increment',
            unit: 'ns/event',
            target: { kind: 'at-most', value: 0.1 },
            notes: [
              `UDP sink received ${received.packets.toLocaleString('en-US')} packets`,
              `hot-shots send errors ${hotShots.errors()}`,
            ],
          },
          timingFigures(timings),
        ),
      ];
    } finally {
      await exporter.stop();
      await closeHotShots(hotShots.client);
      await udpSink.close();
    }
  },
};
