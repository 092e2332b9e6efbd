import { Counter, MetricRegistry } from '@servermetrics/core';
import { type FlushResult, StatsdExporter } from '@servermetrics/exporter-statsd';
import { largeLabelCorpus } from '../fixtures/label-corpus.js';
import { type Contender, compareTimings } from '../harness/compare-timings.js';
import { isolatedPass, type Sink, sink } from '../harness/isolated-pass.js';
import { closeHotShots, HOT_SHOTS, hotShotsClient } from '../statsd/hot-shots-peer.js';
import { startUdpSink } from '../statsd/udp-sink.js';
import { REQUEST_LABEL_SCHEMA } from './counter-inc-labels.js';
import { costRow, OURS, timingFigures } from './rows.js';
import type { Row, Suite, SuiteContext } from './suite.js';

const CELLS = 10_000;

interface HotShotsState {
  readonly client: ReturnType<typeof hotShotsClient>['client'];
  readonly tags: readonly Record<string, string>[];
  readonly sink: Sink;
}

/**
 * StatsD flush of 10 000 changed cells into packets (reported, no target). Before each timed
 * flush, every cell is incremented (untimed). For scale, hot-shots sending the same 10 000
 * increments one call (one datagram) each is timed too; the ratio is ours / hot-shots.
 */
export const statsdFlushSuite: Suite = {
  id: 'statsd-flush',
  rowIds: ['statsd-flush'],
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
      {
        library: HOT_SHOTS,
        operationsPerPass: 1,
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
      context.log('StatsD flush of 10 000 changed cells');
      const timings = await compareTimings(contenders, context.mode);
      // Figures in milliseconds per 10 000 cells.
      const figures = timingFigures(timings).map((figure) => ({
        ...figure,
        value: figure.value / 1e6,
        rounds: figure.rounds.map((round) => round / 1e6),
      }));
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
          figures,
        ),
      ];
    } finally {
      await exporter.stop();
      await closeHotShots(hotShots.client);
      await udpSink.close();
    }
  },
};
