import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nextMessage, stopChild } from '../harness/child-messages.js';
import type { RuntimeConfiguration } from '../runtime/runtime-configurations.js';
import type { ExpressConfiguration } from './hello-world-apps.js';

/** ServerChild is the running child process that serves the hello-world apps. */
export interface ServerChild {
  readonly ports: Readonly<Record<ExpressConfiguration, number>>;
  /** User + system CPU time the child has used so far, in microseconds. */
  cpuMicroseconds(): Promise<number>;
  /** Disconnects the child and waits for it to exit (kills it after 5 s). */
  stop(): Promise<void>;
}

type ChildMessage =
  | { type: 'ready'; ports: Record<ExpressConfiguration, number> }
  | { type: 'error'; message: string }
  | { type: 'cpu'; microseconds: number };

/** Options of startServerChild. */
export interface ServerChildOptions {
  /** How long to wait for the child's answers. @default 60 000 ms */
  readonly timeoutMs?: number;
  /**
   * Runtime metrics the child starts (and scrapes in process every second) before it listens.
   * @default 'none'
   */
  readonly runtime?: RuntimeConfiguration;
}

/**
 * Forks `server-process.ts` (through the tsx loader) and waits until it listens. Rejects with
 * the child's error when it cannot start, for example when a package it imports is not built.
 */
export async function startServerChild(options: ServerChildOptions = {}): Promise<ServerChild> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const runtimeArguments = [`--runtime=${options.runtime ?? 'none'}`];
  const child = fork(fileURLToPath(new URL('./server-process.ts', import.meta.url)), runtimeArguments, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await nextMessage<ChildMessage>(child, 'the Express server process', timeoutMs);
    if (ready.type !== 'ready') {
      throw new Error(
        `Express server process failed to start: ${ready.type === 'error' ? ready.message : ready.type}`,
      );
    }
    return {
      ports: ready.ports,
      async cpuMicroseconds(): Promise<number> {
        const pending = nextMessage<ChildMessage>(child, 'the Express server process', timeoutMs);
        child.send('cpu');
        const answer = await pending;
        if (answer.type !== 'cpu')
          throw new Error(`unexpected message from the server process: ${answer.type}`);
        return answer.microseconds;
      },
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
