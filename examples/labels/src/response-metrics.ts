import { Counter, MetricCollection } from '@servermetrics/core';

/** Results of a cache lookup, for an enum label: any other value is rejected at run time too. */
export const CACHE_RESULTS = ['hit', 'miss'] as const;

/** The metrics of the simulated API: field names become metric names when registered. */
export class ResponseMetrics extends MetricCollection {
  /** The usual shape: a small, bounded set of label values. */
  responses_total: Counter<{ action: 'string'; response_code: 'int' }> = new Counter({
    help: 'Responses sent, by API action and HTTP status code',
    labels: { action: 'string', response_code: 'int' },
  });
  /** An enum label: the schema lists the allowed values. */
  cache_lookups_total: Counter<{ result: typeof CACHE_RESULTS }> = new Counter({
    help: 'Cache lookups, by result',
    labels: { result: CACHE_RESULTS },
  });
  /**
   * The anti-pattern, on purpose: a user id is an unbounded label value. `maxCells` keeps memory
   * bounded anyway: one series more evicts the least recently updated one, and the registry
   * counts it in `servermetrics_evicted_cells_total{metric="sessions_by_user_total"}`.
   */
  sessions_by_user_total: Counter<{ user: 'string' }> = new Counter({
    help: 'Sessions started, by user (an unbounded label: do not copy this)',
    labels: { user: 'string' },
    maxCells: 10,
  });
}
