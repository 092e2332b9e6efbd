import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOpenMetrics, requireOpenMetricsReferenceParser } from './openmetrics-reference-parser.js';

const HISTOGRAM_HEAD = '# TYPE latency histogram\n';

describe('checkOpenMetrics (the reference parser, prometheus_client)', () => {
  it('accepts a valid body', async () => {
    const body =
      '# HELP jobs Jobs.\n# TYPE jobs counter\njobs_total{queue="a\\"b\\\\c\\nd"} 3\n' +
      `${HISTOGRAM_HEAD}latency_bucket{le="1.0"} 1\nlatency_bucket{le="+Inf"} 2\nlatency_sum 4.5\nlatency_count 2\n` +
      '# TYPE temperature gauge\ntemperature -Inf\n# EOF\n';
    expect(await checkOpenMetrics(body)).toEqual({ ok: true, error: '' });
  });

  it.each([
    ['no # EOF', '# TYPE jobs counter\njobs_total 3\n', /EOF/],
    [
      'a negative _sum',
      `${HISTOGRAM_HEAD}latency_bucket{le="+Inf"} 1\nlatency_sum -5\nlatency_count 1\n# EOF\n`,
      /negative/,
    ],
    [
      '_sum with a negative bucket',
      `${HISTOGRAM_HEAD}latency_bucket{le="-1.0"} 0\nlatency_bucket{le="+Inf"} 1\nlatency_sum 5\nlatency_count 1\n# EOF\n`,
      /negative buckets/,
    ],
    ['_count without _sum', `${HISTOGRAM_HEAD}latency_bucket{le="+Inf"} 1\nlatency_count 1\n# EOF\n`, /_sum/],
    ['a counter without _total', '# TYPE jobs counter\njobs 3\n# EOF\n', /jobs/],
    ['a sample after # EOF', '# EOF\njobs 1\n', /EOF/],
  ])('rejects %s, with the reason', async (_name, body, reason) => {
    const result = await checkOpenMetrics(body);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(reason);
  });

  it('fails with the install command when no Python has prometheus_client', () => {
    const empty = mkdtempSync(join(tmpdir(), 'servermetrics-no-python-'));
    try {
      expect(() => requireOpenMetricsReferenceParser([join(empty, 'python3')])).toThrow(
        /not installed.*install with: apt-get install -y python3-prometheus-client/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('finds Debian’s python3 with prometheus_client', () => {
    expect(requireOpenMetricsReferenceParser()).toMatch(/python3$/);
  });
});
