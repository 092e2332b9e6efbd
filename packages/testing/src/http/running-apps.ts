import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** A running app under test. */
export interface RunningApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** Anything with Node's `listen(port, host)`: an Express app, a Koa app, a node:http server. */
export interface Listenable {
  listen(port: number, host: string): Server;
}

/** Listens on an ephemeral loopback port; `close` drops open connections too. */
export async function listenOnLoopback(app: Listenable): Promise<RunningApp> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** What runningApps gives a describe block. */
export interface RunningApps {
  /** Listens on an ephemeral loopback port and returns the URL; the app is closed after the test. */
  serve(app: Listenable): Promise<string>;
  /** Keeps an app started elsewhere (a child process) to close after the test. */
  keep(app: RunningApp): void;
  /** Runs `cleanup` after the test (temporary directories and the like). */
  afterTest(cleanup: () => Promise<void>): void;
}

/**
 * Call inside a `describe` block: registers an `afterEach` that closes every app the tests
 * started and runs their clean-ups, even when a test failed.
 */
export function runningApps(): RunningApps {
  const apps: RunningApp[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });
  return {
    async serve(app) {
      const running = await listenOnLoopback(app);
      apps.push(running);
      return running.url;
    },
    keep(app) {
      apps.push(app);
    },
    afterTest(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
