import { Counter, Gauge, MetricCollection } from '@servermetrics/core';

/** The metrics of the lunch module: field names become metric names when published. */
export class LunchMetrics extends MetricCollection {
  lunches_consumed_total: Counter = new Counter({ help: 'Lunches eaten since the process started' });
  hunger_level: Gauge = new Gauge({ help: 'How hungry we are, from 0 (full) to 10', initial: 5 });
}
