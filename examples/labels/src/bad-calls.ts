import type { ResponseMetrics } from './response-metrics.js';

/** A counter seen without its label schema, as plain JavaScript or a cast sees it. */
interface UntypedCounter {
  inc(labels: unknown, amount?: unknown): void;
}

/** One instrumentation bug, and the call that makes it. */
export interface BadCall {
  readonly description: string;
  /** The problem servermetrics reports, as it appears in the log message. */
  readonly problem: string;
  readonly call: (metrics: ResponseMetrics) => void;
}

function untyped(counter: object): UntypedCounter {
  return counter as UntypedCounter;
}

/**
 * Calls TypeScript rejects at compile time, but that plain JavaScript, a cast or untrusted input
 * (a status code read from a string header) can still make. Outside strict mode each one is
 * logged and dropped: no exception, no series created, no value changed. In strict mode each
 * one throws MetricUsageError.
 */
export const BAD_CALLS: readonly BadCall[] = [
  {
    description: 'a label is missing',
    problem: 'missing label "response_code"',
    call: (metrics) => untyped(metrics.responses_total).inc({ action: 'get' }),
  },
  {
    description: 'a label has the wrong type (a status code read from a string header)',
    problem: 'label "response_code" expects an integer but got "200"',
    call: (metrics) => untyped(metrics.responses_total).inc({ action: 'get', response_code: '200' }),
  },
  {
    description: 'an undeclared label',
    problem: 'unknown label "user" (declared labels: action, response_code)',
    call: (metrics) =>
      untyped(metrics.responses_total).inc({ action: 'get', response_code: 200, user: 'alice' }),
  },
  {
    description: 'a counter going down',
    problem: 'expected a finite, non-negative number, got -1',
    call: (metrics) => untyped(metrics.responses_total).inc({ action: 'get', response_code: 200 }, -1),
  },
  {
    description: 'a value outside an enum label',
    problem: 'label "result" expects one of "hit", "miss" but got "stale"',
    call: (metrics) => untyped(metrics.cache_lookups_total).inc({ result: 'stale' }),
  },
];
