import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { runWithInput } from '../process/run-with-input.js';

/** The answer of the reference OpenMetrics parser for one body. */
export interface OpenMetricsCheck {
  /** True when the strict reference parser accepted the whole body. */
  ok: boolean;
  /** The parser's complaint (`ValueError: ...`), or `''` when the body was accepted. */
  error: string;
}

const INSTALL_HINT =
  'the reference OpenMetrics parser (Python prometheus_client) is not installed (needed by this test); ' +
  'install with: apt-get install -y python3-prometheus-client';

/**
 * Parses stdin with prometheus_client's strict OpenMetrics parser. The parser is a generator:
 * reading every sample of every family forces the whole body through it, including the `# EOF`
 * check at the end. Bytes are decoded as strict UTF-8, so invalid UTF-8 is rejected too.
 */
const CHECK_SCRIPT = `
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
try:
    text = sys.stdin.buffer.read().decode('utf-8')
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            pass
except Exception as error:
    sys.stdout.write(type(error).__name__ + ': ' + str(error))
    sys.exit(1)
`;

let cachedPython: string | undefined;

/** The default places to look for a Python with prometheus_client: Debian's first, then PATH. */
function defaultCandidates(): string[] {
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((directory) => directory !== '')
    .map((directory) => join(directory, 'python3'));
  return ['/usr/bin/python3', ...onPath];
}

/**
 * Finds a Python that can import `prometheus_client.openmetrics.parser` (the strict reference
 * OpenMetrics parser): `/usr/bin/python3` first (Debian's `python3-prometheus-client` installs
 * there), then every `python3` on PATH. Throws, failing the test that needs it, with the command
 * that installs it: these tests never skip silently. Costs one Python start per candidate on
 * the first call; the answer for the default candidates is cached.
 */
export function requireOpenMetricsReferenceParser(candidates?: readonly string[]): string {
  if (candidates === undefined && cachedPython !== undefined) return cachedPython;
  for (const python of candidates ?? defaultCandidates()) {
    const probe = spawnSync(python, ['-c', 'import prometheus_client.openmetrics.parser'], {
      stdio: 'ignore',
      timeout: 30_000,
    });
    if (probe.status === 0) {
      if (candidates === undefined) cachedPython = python;
      return python;
    }
  }
  throw new Error(INSTALL_HINT);
}

/**
 * Runs `body` through the strict reference OpenMetrics parser (Python prometheus_client's
 * `prometheus_client.openmetrics.parser`, every family and sample read) and resolves to
 * `{ ok, error }`; it never rejects for a bad body. One Python process per call (about 0.1 s):
 * batch many families into one body rather than calling it per family. Throws (fails the test)
 * with the install command when no Python has prometheus_client.
 */
export async function checkOpenMetrics(body: string): Promise<OpenMetricsCheck> {
  const python = requireOpenMetricsReferenceParser();
  const { exitCode, stdout, stderr } = await runWithInput(python, ['-c', CHECK_SCRIPT], body);
  if (exitCode === 0) return { ok: true, error: '' };
  return { ok: false, error: stdout || stderr || `python exited with ${String(exitCode)}` };
}
