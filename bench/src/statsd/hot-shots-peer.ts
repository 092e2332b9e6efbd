import { StatsD } from 'hot-shots';

/** The hot-shots library name used in tables. */
export const HOT_SHOTS = 'hot-shots';

/**
 * A hot-shots client as many Datadog users configure it: UDP to 127.0.0.1, no mock, no
 * buffering (`maxBufferSize` 0, the default), so every call sends one datagram. Errors are
 * counted instead of thrown.
 */
export function hotShotsClient(port: number): { client: StatsD; errors: () => number } {
  let errors = 0;
  const client = new StatsD({
    host: '127.0.0.1',
    port,
    protocol: 'udp',
    mock: false,
    errorHandler: () => {
      errors++;
    },
  });
  return { client, errors: () => errors };
}

/** Closes a hot-shots client, resolving when its socket is closed. */
export function closeHotShots(client: StatsD): Promise<void> {
  return new Promise((resolve) => client.close(() => resolve()));
}
