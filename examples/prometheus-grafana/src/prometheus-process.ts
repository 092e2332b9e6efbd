import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROMETHEUS_CONFIG_FILE } from './example-files.js';
import { rewriteConfig } from './rewrite-config.js';

/** Where Debian's `prometheus` package installs the server. */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

/** Options of startPrometheus. */
export interface PrometheusOptions {
  /** Port of the app to scrape: replaces the port of the configuration's localhost target. */
  targetPort: number;
  /** The configuration to run (a temporary copy is rewritten). @default this example's prometheus.yml */
  configFile?: string;
  /** Port of Prometheus' own web UI and API on 127.0.0.1; 0 picks a free one. @default 9090 */
  port?: number;
  /** The Prometheus server binary. @default '/usr/bin/prometheus' */
  binary?: string;
}

/** One scrape target, as `/api/v1/targets` reports it. */
export interface PrometheusTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

/** One series of an instant query result. */
export interface QuerySample {
  metric: Record<string, string>;
  value: number;
}

/** A running Prometheus server. */
export interface RunningPrometheus {
  /** Base URL of its web UI and API, e.g. `http://127.0.0.1:9090`. */
  readonly url: string;
  /** The rewritten configuration it runs. */
  readonly configFile: string;
  /** The scrape targets and their health. */
  targets(): Promise<PrometheusTarget[]>;
  /** Runs an instant PromQL query; rejects with Prometheus' error message when it fails. */
  query(expression: string): Promise<QuerySample[]>;
  /** What the server logged last. */
  logs(): string;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its temporary files. */
  close(): Promise<void>;
}

/**
 * Binds `port` on 127.0.0.1 (0: any free port), releases it and returns the port bound. Rejects
 * with Node's EADDRINUSE error (which carries `port`) when the port is taken, so a Prometheus
 * already answering there cannot be mistaken for the one about to start.
 */
async function probePort(port: number): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('Could not pick a free port.');
  return address.port;
}

async function getJson(url: string): Promise<{ status: string; data?: unknown; error?: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as { status: string; data?: unknown; error?: string };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts the Prometheus server with a temporary copy of the configuration whose localhost target
 * points at `targetPort`, listening on 127.0.0.1 with a temporary storage directory, and resolves
 * once it answers `/-/ready`. Throws when the binary is missing (with how to install it), rejects
 * with Node's EADDRINUSE error when `port` is taken, and rejects when the server exits or is not
 * ready within 60 s (with its last log lines).
 */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = options.binary ?? PROMETHEUS_BINARY;
  if (!existsSync(binary)) {
    throw new Error(
      `Prometheus is not installed at ${binary}. Install it with: apt-get install -y prometheus (Debian/Ubuntu), ` +
        'or download it from the Prometheus website.',
    );
  }
  const original = await readFile(options.configFile ?? PROMETHEUS_CONFIG_FILE, 'utf8');
  const config = rewriteConfig(original, { targetPort: options.targetPort });
  const port = await probePort(options.port ?? 9090);
  const directory = await mkdtemp(join(tmpdir(), 'servermetrics-prometheus-'));
  const configFile = join(directory, 'prometheus.yml');
  await writeFile(configFile, config);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keepLog = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keepLog);
  child.stderr?.on('data', keepLog);
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const close = async (): Promise<void> => {
    await stopProcess(child);
    await rm(directory, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (spawnError !== undefined || child.exitCode !== null) {
      await close();
      throw new Error(
        `Prometheus did not start (${spawnError?.message ?? `exit code ${child.exitCode}`}):\n${log}`,
      );
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`Prometheus was not ready on ${url} within 60 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    configFile,
    async targets(): Promise<PrometheusTarget[]> {
      const answer = await getJson(`${url}/api/v1/targets?state=active`);
      return (answer.data as { activeTargets: PrometheusTarget[] }).activeTargets;
    },
    async query(expression: string): Promise<QuerySample[]> {
      const answer = await getJson(`${url}/api/v1/query?query=${encodeURIComponent(expression)}`);
      if (answer.status !== 'success') throw new Error(`Query ${expression} failed: ${answer.error}`);
      const data = answer.data as { result: { metric: Record<string, string>; value: [number, string] }[] };
      return data.result.map((sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }));
    },
    logs: () => log,
    close,
  };
}
