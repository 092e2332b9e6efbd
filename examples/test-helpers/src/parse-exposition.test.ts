import { expect, test } from 'vitest';
import { findSamples, parseExposition, sampleValue } from './parse-exposition.js';

const exposition = [
  '# HELP responses_total Responses',
  '# TYPE responses_total counter',
  'responses_total{action="get",response_code="200"} 36',
  'responses_total{action="say \\"hi\\"\\n",response_code="500"} 1',
  'up 1',
  'latency_bucket{le="+Inf"} 4',
  '',
].join('\n');

test('reads names, unescaped labels and values', () => {
  const samples = parseExposition(exposition);
  expect(samples).toEqual([
    { name: 'responses_total', labels: { action: 'get', response_code: '200' }, value: 36 },
    { name: 'responses_total', labels: { action: 'say "hi"\n', response_code: '500' }, value: 1 },
    { name: 'up', labels: {}, value: 1 },
    { name: 'latency_bucket', labels: { le: '+Inf' }, value: 4 },
  ]);
  expect(sampleValue(samples, 'responses_total', { action: 'get', response_code: '200' })).toBe(36);
  expect(sampleValue(samples, 'responses_total', { action: 'get' })).toBeUndefined();
  expect(findSamples(samples, 'responses_total', { action: 'get' })).toHaveLength(1);
  expect(sampleValue(samples, 'up')).toBe(1);
});

test('rejects a line that is not a sample', () => {
  expect(() => parseExposition('responses_total{action="get" 1')).toThrow(/Not a sample line|labels/);
});
