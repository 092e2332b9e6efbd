import { expect, test } from 'vitest';
import { parseDemoArguments } from './demo-arguments.js';

test('defaults: simulated traffic on, no StatsD, the given port on 127.0.0.1', () => {
  expect(parseDemoArguments([], {}, 3000)).toEqual({
    port: 3000,
    host: '127.0.0.1',
    traffic: 100,
    statsd: false,
  });
});

test('--statsd, --statsd=host:port and STATSD ask for the push; --no-traffic stops the traffic', () => {
  expect(parseDemoArguments(['--statsd'], {}, 3000).statsd).toEqual({ intervalMs: 2000 });
  expect(parseDemoArguments(['--statsd=10.0.0.5:9125'], {}, 3000).statsd).toEqual({
    host: '10.0.0.5',
    port: 9125,
    intervalMs: 2000,
  });
  expect(parseDemoArguments([], { STATSD: '1' }, 3000).statsd).toEqual({ intervalMs: 2000 });
  expect(parseDemoArguments([], { STATSD: 'agent:8125' }, 3000).statsd).toEqual({
    host: 'agent',
    port: 8125,
    intervalMs: 2000,
  });
  expect(parseDemoArguments([], { STATSD: '0' }, 3000).statsd).toBe(false);
  expect(parseDemoArguments(['--no-traffic'], { PORT: '0', HOST: '0.0.0.0' }, 3000)).toMatchObject({
    port: 0,
    host: '0.0.0.0',
    traffic: false,
  });
});

test('unreadable values throw with what was expected', () => {
  expect(() => parseDemoArguments(['--statsd=localhost:port'], {}, 3000)).toThrow(
    '--statsd expects host:port, like 127.0.0.1:8125; got "localhost:port".',
  );
  expect(() => parseDemoArguments([], { PORT: 'http' }, 3000)).toThrow(/PORT must be a port number/);
});
