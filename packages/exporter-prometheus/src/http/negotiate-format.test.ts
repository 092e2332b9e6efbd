import { readFileSync } from 'node:fs';
import {
  PROMETHEUS_2_ACCEPT,
  PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT,
  PROMETHEUS_3_ACCEPT,
  PROMETHEUS_3_TEXT_ONLY_ACCEPT,
} from '@servermetrics/testing';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, negotiateFormat } from './negotiate-format.js';

describe('negotiateFormat', () => {
  it.each([
    [undefined, 'text'],
    ['', 'text'],
    ['*/*', 'text'],
    ['text/html,application/xhtml+xml', 'text'],
    ['text/plain', 'text'],
    ['text/plain;version=0.0.4;q=1,*/*;q=0.1', 'text'],
    ['application/openmetrics-text', 'openmetrics'],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics'],
    ['APPLICATION/OpenMetrics-Text;Version="1.0.0"', 'openmetrics'],
    [PROMETHEUS_2_ACCEPT, 'openmetrics'],
    [PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT, 'protobuf'],
    [
      'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
      'protobuf',
    ],
    ['application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text', 'text'],
    ['application/vnd.google.protobuf;proto=other.Message;encoding=delimited', 'text'],
    [
      'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.4,application/openmetrics-text;q=0.5',
      'openmetrics',
    ],
    [PROMETHEUS_3_ACCEPT, 'openmetrics'],
    [PROMETHEUS_3_TEXT_ONLY_ACCEPT, 'text'],
    ['text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5', 'text'],
    ['text/plain;q=0.5,application/openmetrics-text;q=0.6', 'openmetrics'],
    // Equal weights: the entry listed first wins, as in client_golang's NegotiateIncludingOpenMetrics.
    ['text/plain,application/openmetrics-text', 'text'],
    ['application/openmetrics-text,text/plain', 'openmetrics'],
    ['application/openmetrics-text;q=0.5,text/plain;q=0.5', 'openmetrics'],
    ['text/plain;q=0.5,application/openmetrics-text;q=0.5', 'text'],
    ['application/openmetrics-text;q=0', 'text'],
    ['application/openmetrics-text;q=abc', 'text'],
    ['application/openmetrics-text;version=2.0.0', 'text'],
    ['application/openmetrics-text;version=0.0.1', 'openmetrics'],
  ] as const)('Accept %j -> %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });

  it('leaves out the formats turned off', () => {
    expect(negotiateFormat(PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT, { protobuf: false })).toBe('openmetrics');
    expect(
      negotiateFormat(PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT, { protobuf: false, openMetrics: false }),
    ).toBe('text');
    expect(negotiateFormat(PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT, { openMetrics: false })).toBe('protobuf');
  });
});

/** The rows of the README's negotiation table: `[Accept or undefined for (none), format]`. */
function readmeNegotiationRows(): [
  accept: string | undefined,
  format: 'text' | 'openmetrics' | 'protobuf',
][] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const table = readme.split('| `Accept` | format served |')[1];
  if (table === undefined) throw new Error('the README has no negotiation table');
  const rows: [string | undefined, 'text' | 'openmetrics' | 'protobuf'][] = [];
  for (const line of table.split('\n').slice(2)) {
    const row = /^\| (\(none\)|`([^`]*)`) \| (text|OpenMetrics|protobuf)\b[^|]* \|$/.exec(line);
    if (row === null) break;
    rows.push([
      row[2],
      row[3] === 'OpenMetrics' ? 'openmetrics' : row[3] === 'protobuf' ? 'protobuf' : 'text',
    ]);
  }
  return rows;
}

describe('the README negotiation table', () => {
  const rows = readmeNegotiationRows();

  it('is there, covers equal weights both ways and the real Prometheus headers', () => {
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const accepts = rows.map(([accept]) => accept);
    expect(accepts).toContain('application/openmetrics-text, text/plain');
    expect(accepts).toContain('text/plain, application/openmetrics-text');
    for (const header of [PROMETHEUS_2_ACCEPT, PROMETHEUS_3_ACCEPT, PROMETHEUS_3_TEXT_ONLY_ACCEPT]) {
      expect(accepts).toContain(header);
    }
  });

  it.each(rows)('Accept %j -> %s, as the README says', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });
});

describe('acceptsGzip', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['identity', false],
    ['gzip', true],
    ['deflate, gzip;q=1.0, *;q=0.5', true],
    ['br, GZIP', true],
    ['x-gzip', true],
    ['gzip;q=0', false],
    ['*', true],
    ['*;q=0', false],
    ['gzip;q=0, *', false],
    ['br;q=1, identity;q=0.5', false],
  ] as const)('Accept-Encoding %j -> %s', (acceptEncoding, expected) => {
    expect(acceptsGzip(acceptEncoding)).toBe(expected);
  });
});
