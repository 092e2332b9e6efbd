import { describe, expect, it } from 'vitest';
import { ExpositionParseError, parseExposition } from './exposition-parser.js';

const HEAD = '# HELP d Deviation.\n# TYPE d histogram\n';

describe('parseExposition (test helper) checks OpenMetrics histogram rules', () => {
  it('rejects _sum on a histogram with a negative bucket threshold', () => {
    const body = `${HEAD}d_bucket{le="-1.0"} 1\nd_bucket{le="+Inf"} 1\nd_sum -5\nd_count 1\n# EOF\n`;
    expect(() => parseExposition(body, 'openmetrics')).toThrow(ExpositionParseError);
    expect(() => parseExposition(body.replace('\n# EOF\n', '\n'), 'text')).not.toThrow();
  });

  it('rejects _sum without _count and _count without _sum', () => {
    const buckets = 'd_bucket{le="1.0"} 1\nd_bucket{le="+Inf"} 1\n';
    expect(() => parseExposition(`${HEAD}${buckets}d_sum 0.5\n# EOF\n`, 'openmetrics')).toThrow(/_count/);
    expect(() => parseExposition(`${HEAD}${buckets}d_count 1\n# EOF\n`, 'openmetrics')).toThrow(/_count/);
  });

  it('accepts a negative-threshold histogram without _sum and _count', () => {
    const body = `${HEAD}d_bucket{le="-1.0"} 1\nd_bucket{le="+Inf"} 1\n# EOF\n`;
    expect(parseExposition(body, 'openmetrics')[0]!.samples).toHaveLength(2);
  });
});
