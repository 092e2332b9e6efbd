import type { RunMode } from '../harness/run-mode.js';
import { rotate } from '../harness/statistics.js';
import { HELLO_PATH } from './hello-world-apps.js';
import { keepAliveAgent, type LoadResult, runLoad } from './load-generator.js';

/** A hello-world app under load: its port, and the process whose CPU time it spends. */
export interface LoadTarget {
  readonly port: number;
  /** The serving process's `process.cpuUsage()` total (user + system), in microseconds. */
  cpuMicroseconds(): Promise<number>;
}

/** What measureLoadRounds measured per target name, one value per round in round order. */
export interface LoadRounds<Name extends string> {
  /** Requests per second. */
  readonly throughput: ReadonlyMap<Name, number[]>;
  /** The serving process's CPU microseconds per request. */
  readonly cpuPerRequest: ReadonlyMap<Name, number[]>;
}

/** Options of measureLoadRounds. */
export interface LoadRoundsOptions<Name extends string> {
  /** The targets, in the order of the first round. */
  readonly names: readonly Name[];
  readonly target: (name: Name) => LoadTarget;
  /** Supplies the rounds, the requests per round and the keep-alive connections. */
  readonly mode: RunMode;
  /** Prefix of the progress messages (`<label>: warm-up`, `<label>: round 1 of 5`). */
  readonly label: string;
  readonly log: (message: string) => void;
}

/**
 * Loads the hello-world path of every target through one keep-alive agent of
 * `mode.httpConcurrency` connections: a warm-up of `max(100, mode.httpRequests / 2)` requests
 * each, then `mode.rounds` rounds of `mode.httpRequests` requests each, the targets alternating
 * (rotating which goes first). Each run's server CPU is read just before and after it. Throws
 * when any response of a round was not 200; the agent is destroyed in every case.
 */
export async function measureLoadRounds<Name extends string>(
  options: LoadRoundsOptions<Name>,
): Promise<LoadRounds<Name>> {
  const { names, mode, label, log } = options;
  const agent = keepAliveAgent(mode.httpConcurrency);
  const load = (name: Name, requests: number): Promise<LoadResult> =>
    runLoad({
      port: options.target(name).port,
      path: HELLO_PATH,
      requests,
      concurrency: mode.httpConcurrency,
      agent,
    });
  try {
    log(`${label}: warm-up`);
    for (const name of names) await load(name, Math.max(100, mode.httpRequests >> 1));
    const throughput = new Map<Name, number[]>(names.map((name) => [name, []]));
    const cpuPerRequest = new Map<Name, number[]>(names.map((name) => [name, []]));
    let failures = 0;
    for (let round = 0; round < mode.rounds; round++) {
      log(`${label}: round ${round + 1} of ${mode.rounds}`);
      for (const name of rotate(names, round)) {
        const target = options.target(name);
        const cpuBefore = await target.cpuMicroseconds();
        const result = await load(name, mode.httpRequests);
        const cpuAfter = await target.cpuMicroseconds();
        failures += result.failures;
        throughput.get(name)!.push(result.requests / (result.milliseconds / 1000));
        cpuPerRequest.get(name)!.push((cpuAfter - cpuBefore) / result.requests);
      }
    }
    if (failures > 0) throw new Error(`${failures} hello-world responses were not 200`);
    return { throughput, cpuPerRequest };
  } finally {
    agent.destroy();
  }
}
