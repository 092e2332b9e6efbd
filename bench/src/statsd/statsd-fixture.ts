import { Counter, MetricRegistry } from '@servermetrics/core';
import { StatsdExporter } from '@servermetrics/exporter-statsd';
import { largeLabelCorpus, type RequestLabels } from '../fixtures/label-corpus.js';
import type { Contender } from '../harness/compare-timings.js';
import { isolatedContender, type Sink } from '../harness/isolated-pass.js';
import { REQUEST_LABEL_SCHEMA } from '../suites/counter-inc-labels.js';
import { closeHotShots, HOT_SHOTS, hotShotsClient } from './hot-shots-peer.js';
import { startUdpSink, type UdpSink } from './udp-sink.js';

/** The name both sides send. */
const METRIC_NAME = 'bench_events_total';

interface HotShotsState {
  readonly name: string;
  readonly client: ReturnType<typeof hotShotsClient>['client'];
  readonly tags: readonly Record<string, string>[];
  readonly sink: Sink;
}

/**
 * StatsdFixture is what the two StatsD suites share: `cells` distinct label sets, our counter in
 * a registry of its own with a DogStatsD exporter, and a hot-shots client, both sending to one
 * UdpSink on 127.0.0.1.
 */
export interface StatsdFixture {
  /** One label object per cell, each a distinct series. */
  readonly corpus: readonly RequestLabels[];
  /** Our counter, with room for every cell (`maxCells` = `cells`). */
  readonly counter: Counter<typeof REQUEST_LABEL_SCHEMA>;
  /** Our exporter: DogStatsD lines, every changed cell sent on each flush (`sendOlderThanMs` 0). */
  readonly exporter: StatsdExporter;
  readonly udpSink: UdpSink;
  /** hot-shots send errors so far. */
  hotShotsErrors(): number;
  /**
   * hot-shots used directly: one `client.increment(name, 1, tags)` per cell, one datagram each
   * (its default, unbuffered); a pass ends when the last send has called back.
   */
  hotShotsContender(operationsPerPass: number): Contender;
  /** Stops the exporter, closes the hot-shots client and the sink. */
  close(): Promise<void>;
}

/** Starts the sink, the registry, our exporter and the hot-shots client for `cells` cells. */
export async function startStatsdFixture(cells: number): Promise<StatsdFixture> {
  const udpSink = await startUdpSink();
  const corpus = largeLabelCorpus(cells);
  const registry = new MetricRegistry({ defaultMaxCells: cells });
  const counter = registry.register(
    METRIC_NAME,
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
  return {
    corpus,
    counter,
    exporter,
    udpSink,
    hotShotsErrors: hotShots.errors,
    hotShotsContender: (operationsPerPass: number): Contender =>
      isolatedContender(
        HOT_SHOTS,
        operationsPerPass,
        (state: HotShotsState) =>
          new Promise<void>((resolve) => {
            const { name, client, tags } = state;
            const last = tags.length - 1;
            for (let index = 0; index < last; index++) client.increment(name, 1, tags[index]!);
            client.increment(name, 1, tags[last]!, () => resolve());
            state.sink(client);
          }),
        { name: METRIC_NAME, client: hotShots.client, tags },
      ),
    async close(): Promise<void> {
      await exporter.stop();
      await closeHotShots(hotShots.client);
      await udpSink.close();
    },
  };
}
