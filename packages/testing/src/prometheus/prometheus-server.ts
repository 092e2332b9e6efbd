import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from '../free-tcp-port.js';
import { requireBinary } from '../system-binary.js';
import { waitFor } from '../wait-for.js';

export interface ScrapeJob {
  /** Prometheus job name (becomes the `job` label). */
  name: string;
  /** `host:port` of the target. */
  target: string;
  /** Path of the metrics endpoint. */
  metricsPath: string;
}

export interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

export interface TargetState {
  labels: Record<string, string>;
  health: string;
  lastError: string;
}

export interface RunningPrometheus {
  /** Base URL of Prometheus's HTTP API, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Runs an instant query through `/api/v1/query`. */
  query(expression: string): Promise<QueryResult[]>;
  /** Active targets from `/api/v1/targets`. */
  targets(): Promise<TargetState[]>;
  /** GETs an API path and returns `data`. */
  api<T>(path: string): Promise<T>;
  /** Everything Prometheus wrote to stderr so far (for failure messages). */
  output(): string;
  /** Stops Prometheus (SIGTERM, then SIGKILL) and removes its temporary directory. */
  stop(): Promise<void>;
}

function configFor(jobs: readonly ScrapeJob[]): string {
  const lines = ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:'];
  for (const job of jobs) {
    lines.push(
      `  - job_name: ${JSON.stringify(job.name)}`,
      `    metrics_path: ${JSON.stringify(job.metricsPath)}`,
      '    static_configs:',
      `      - targets: [${JSON.stringify(job.target)}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Options of startPrometheus. */
export interface StartPrometheusOptions {
  /**
   * Feature flags, each passed as `--enable-feature=<flag>`, e.g. `native-histograms` (then
   * Prometheus 2.42 asks for the protobuf format first and ingests native histograms).
   * @default []
   */
  readonly enableFeatures?: readonly string[];
}

/**
 * Starts a real Prometheus (the Debian `prometheus` package) on a free loopback port, with a
 * temporary config (1 s scrape interval) and storage directory, and waits until it is ready.
 * Fails with the install command when the binary is missing.
 */
export async function startPrometheus(
  jobs: readonly ScrapeJob[],
  options: StartPrometheusOptions = {},
): Promise<RunningPrometheus> {
  const binary = requireBinary('prometheus');
  const directory = await mkdtemp(join(tmpdir(), 'servermetrics-prometheus-'));
  const configFile = join(directory, 'prometheus.yml');
  await writeFile(configFile, configFor(jobs));
  const port = await freeTcpPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...(options.enableFeatures ?? []).map((feature) => `--enable-feature=${feature}`),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 10_000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 10_000);
        }
      }
      await rm(directory, { recursive: true, force: true });
    })();
    return stopped;
  };
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const json = (await response.json()) as { status: string; data: T; error?: string };
    if (json.status !== 'success')
      throw new Error(`Prometheus API ${path} failed: ${json.error ?? response.status}`);
    return json.data;
  };
  try {
    await waitFor(
      'Prometheus to become ready',
      async () => {
        if (child.exitCode !== null)
          throw new Error(`Prometheus exited with code ${child.exitCode}: ${stderr}`);
        const response = await fetch(`${url}/-/ready`);
        return response.status === 200 ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\nPrometheus output:\n${stderr}`);
  }
  return {
    url,
    api,
    query: async (expression) =>
      (await api<{ result: QueryResult[] }>(`/api/v1/query?query=${encodeURIComponent(expression)}`)).result,
    targets: async () => (await api<{ activeTargets: TargetState[] }>('/api/v1/targets')).activeTargets,
    output: () => stderr,
    stop,
  };
}
