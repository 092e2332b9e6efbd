import { Histogram, MetricRegistry } from '@servermetrics/core';
import { StatsdExporter } from '@servermetrics/exporter-statsd';
import { StatsD } from 'hot-shots';
import { formatRange, median, rotate } from '../harness/statistics.js';
import { closeHotShots, HOT_SHOTS } from '../statsd/hot-shots-peer.js';
import { startUdpSink } from '../statsd/udp-sink.js';
import { costRow, OURS } from './rows.js';
import type { Figure, Row, Suite, SuiteContext } from './suite.js';

const METRIC_NAME = 'bench_latency_seconds';
const HOT_SHOTS_BUFFERED = 'hot-shots buffered';
/** Packet size of our exporter and of buffered hot-shots alike (1432 bytes: a safe UDP payload). */
const PACKET_BYTES = 1432;

interface Measured {
  readonly milliseconds: number;
  readonly bytes: number;
  readonly packets: number;
}

/** Log-normal-looking latencies (median 0.1 s), a fixed sequence so every pass sends the same. */
function latencies(count: number): number[] {
  const values: number[] = [];
  for (let index = 0; index < count; index++) {
    const uniform = (index + 0.5) / count;
    // Inverse logistic: a smooth, heavy-ish tailed spread around the median.
    values.push(0.1 * Math.exp(Math.log(uniform / (1 - uniform)) * 0.6));
  }
  return values;
}

/** `median [min-max]` of a non-empty list, each with `digits` decimals. */
function medianAndRange(values: readonly number[], digits: number): string {
  return `${median(values).toFixed(digits)} [${formatRange(values, digits)}]`;
}

/**
 * Datadog distributions: `series` series x `observations` observations per pass (1 000 x 1 000
 * in a full run, 20 x 50 in `--quick`), all sent to a UDP sink on 127.0.0.1 in a worker thread.
 * - ours: `histogram.observe(labels, value)` per observation on core's native histograms, then
 *   one `exporter.flush()` (DogStatsD `|d` lines, one per non-empty bucket with a sample rate,
 *   in 1432-byte packets); the flush alone is timed too and noted;
 * - hot-shots: `client.distribution(name, value, tags)` per observation, unbuffered (one
 *   datagram each; a pass awaits the last callback of each series) and buffered (`maxBufferSize`
 *   1432; a pass ends when `close()` has flushed the buffer).
 * Timed by hand (one pass per contender per round, rotating order), not by mitata: a pass is a
 * million sends. Bytes are what each side handed to the socket: ours from the flush result,
 * hot-shots' from the lines it formats.
 */
export const statsdDistributionSuite: Suite = {
  id: 'statsd-distribution',
  rowIds: ['statsd-distribution'],
  async run(context: SuiteContext): Promise<Row[]> {
    const seriesCount = context.mode.quick ? 20 : 1000;
    const observationCount = context.mode.quick ? 50 : 1000;
    const rounds = context.mode.quick ? 1 : context.mode.rounds;
    const udpSink = await startUdpSink();
    const values = latencies(observationCount);
    // Our histogram's labels and hot-shots' tags alike (the same values sent by both).
    const labels = Array.from({ length: seriesCount }, (_, index) => ({ series: `s${index}` }));
    const registry = new MetricRegistry({ defaultMaxCells: seriesCount });
    const histogram = registry.register(
      METRIC_NAME,
      new Histogram({ help: 'Latency.', labels: { series: 'string' }, native: true }),
    );
    const exporter = new StatsdExporter({
      host: '127.0.0.1',
      port: udpSink.port,
      registries: [registry],
      sendOlderThanMs: 0,
      dialect: 'datadog',
      maxPacketBytes: PACKET_BYTES,
    });
    let hotShotsErrors = 0;
    const hotShotsOptions = {
      host: '127.0.0.1',
      port: udpSink.port,
      protocol: 'udp' as const,
      errorHandler: (): void => {
        hotShotsErrors++;
      },
    };
    const unbuffered = new StatsD(hotShotsOptions);
    // What hot-shots writes per observation: `name:value|d|#series:sN`.
    const lineBytes = labels.map((tag) =>
      values.reduce(
        (total, value) => total + Buffer.byteLength(`${METRIC_NAME}:${value}|d|#series:${tag.series}`),
        0,
      ),
    );
    const hotShotsBytes = lineBytes.reduce((total, bytes) => total + bytes, 0);
    const flushMilliseconds: number[] = [];

    const contenders: { library: string; pass: () => Promise<Measured> }[] = [
      {
        library: OURS,
        async pass(): Promise<Measured> {
          const start = performance.now();
          for (let series = 0; series < seriesCount; series++) {
            const label = labels[series]!;
            for (let index = 0; index < observationCount; index++) histogram.observe(label, values[index]!);
          }
          const flushStart = performance.now();
          const result = await exporter.flush();
          const end = performance.now();
          flushMilliseconds.push(end - flushStart);
          if (result.packetsFailed > 0) throw new Error(`ours: ${result.packetsFailed} packets failed`);
          return { milliseconds: end - start, bytes: result.bytesSent, packets: result.packetsSent };
        },
      },
      {
        library: HOT_SHOTS,
        async pass(): Promise<Measured> {
          const start = performance.now();
          for (let series = 0; series < seriesCount; series++) {
            const tag = labels[series]!;
            await new Promise<void>((resolve) => {
              const last = observationCount - 1;
              for (let index = 0; index < last; index++)
                unbuffered.distribution(METRIC_NAME, values[index]!, tag);
              unbuffered.distribution(METRIC_NAME, values[last]!, tag, () => resolve());
            });
          }
          return {
            milliseconds: performance.now() - start,
            bytes: hotShotsBytes,
            packets: seriesCount * observationCount,
          };
        },
      },
      {
        library: HOT_SHOTS_BUFFERED,
        async pass(): Promise<Measured> {
          const start = performance.now();
          const client = new StatsD({ ...hotShotsOptions, maxBufferSize: PACKET_BYTES });
          for (let series = 0; series < seriesCount; series++) {
            const tag = labels[series]!;
            for (let index = 0; index < observationCount; index++)
              client.distribution(METRIC_NAME, values[index]!, tag);
          }
          await closeHotShots(client);
          // Buffered lines are joined by newlines in packets of at most PACKET_BYTES.
          const observations = seriesCount * observationCount;
          return {
            milliseconds: performance.now() - start,
            bytes: hotShotsBytes + observations,
            packets: Math.ceil((hotShotsBytes + observations) / PACKET_BYTES),
          };
        },
      },
    ];
    const measured = new Map<string, Measured[]>(contenders.map((contender) => [contender.library, []]));
    try {
      context.log(`StatsD distributions: ${seriesCount} series x ${observationCount} observations per pass`);
      // Warm-up: one pass each, not kept.
      for (const contender of contenders) await contender.pass();
      flushMilliseconds.length = 0;
      for (let round = 0; round < rounds; round++) {
        for (const contender of rotate(contenders, round))
          measured.get(contender.library)!.push(await contender.pass());
      }
      const received = await udpSink.received();
      const figures: Figure[] = contenders.map((contender) => {
        const rounds = measured.get(contender.library)!.map((pass) => pass.milliseconds);
        return { library: contender.library, value: median(rounds), rounds };
      });
      const bytesNote = contenders.map((contender) => {
        const last = measured.get(contender.library)!.at(-1)!;
        return `${contender.library}: ${last.bytes.toLocaleString('en-US')} bytes in ${last.packets.toLocaleString('en-US')} packets per pass`;
      });
      return [
        costRow(
          {
            id: 'statsd-distribution',
            title: `Datadog distributions: ${seriesCount.toLocaleString('en-US')} series x ${observationCount.toLocaleString('en-US')} observations, observe + flush vs hot-shots distribution() per observation`,
            unit: 'ms/pass',
            target: { kind: 'report' },
            baseline: HOT_SHOTS,
            notes: [
              `ours: flush alone ${medianAndRange(flushMilliseconds, 1)} ms (median [min-max] over rounds)`,
              ...bytesNote,
              `UDP sink received ${received.packets.toLocaleString('en-US')} packets, ${received.bytes.toLocaleString('en-US')} bytes in all`,
              `hot-shots send errors ${hotShotsErrors}`,
            ],
          },
          figures,
        ),
      ];
    } finally {
      await exporter.stop();
      await closeHotShots(unbuffered);
      await udpSink.close();
    }
  },
};
