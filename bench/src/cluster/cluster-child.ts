import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nextMessage, stopChild } from '../harness/child-messages.js';

/** Which aggregation the child cluster uses. */
export type ClusterLibrary = 'servermetrics' | 'prom-client';

/** Per-request cost figures one of our workers measured (see cluster-app-process.ts). */
export interface IncCost {
  /** ns per `inc(labels)` with the ClusterWorker running, before and after the detached run. */
  readonly attached: readonly [number, number];
  /** ns per `inc(labels)` with the ClusterWorker stopped. */
  readonly detached: number;
  /** One `flush()` when nothing changed (the walk over every series), in ms. */
  readonly flushUnchangedMs: number;
  /** One `flush()` when every series changed, in ms. */
  readonly flushAllChangedMs: number;
}

/** A running cluster-app-process.ts: a primary and its workers. */
export interface ClusterChild {
  readonly library: ClusterLibrary;
  readonly url: string;
  /** Every worker increments every series once (so each scrape finds all series changed). */
  touch(): Promise<void>;
  /** Our library only: the per-request cost, measured in one worker. */
  incCost(ms: number): Promise<IncCost>;
  /** Disconnects the primary (which kills its workers) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Forks cluster-app-process.ts (through the tsx loader; its workers inherit the loader) and
 * waits until every worker is ready. Rejects when it does not start within `timeoutMs`.
 */
export async function startClusterChild(
  library: ClusterLibrary,
  workers: number,
  series: number,
  timeoutMs = 180_000,
): Promise<ClusterChild> {
  const child = fork(fileURLToPath(new URL('./cluster-app-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, CLUSTER_BENCH_CONFIG: JSON.stringify({ library, workers, series }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = (await nextMessage<Record<string, unknown>>(
      child,
      'the cluster bench process',
      timeoutMs,
      isType('ready'),
    )) as { port: number };
    return {
      library,
      url: `http://127.0.0.1:${ready.port}/metrics`,
      async touch(): Promise<void> {
        const answer = nextMessage<Record<string, unknown>>(
          child,
          'the cluster bench process',
          timeoutMs,
          isType('touched'),
        );
        child.send('touch');
        await answer;
      },
      async incCost(ms: number): Promise<IncCost> {
        const answer = nextMessage<Record<string, unknown>>(
          child,
          'the cluster bench process',
          timeoutMs,
          isType('inc-cost'),
        );
        child.send({ type: 'inc-cost', ms });
        return (await answer) as unknown as IncCost;
      },
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** Accepts the IPC messages whose `type` is `type`. */
function isType(type: string): (message: unknown) => boolean {
  return (message) => (message as { type?: unknown } | null)?.type === type;
}
