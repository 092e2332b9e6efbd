import type { Counter } from './counter.js';
import type { Gauge } from './gauge.js';
import type { Histogram } from './histogram.js';

/** AnyMetric is any Counter, Gauge or Histogram, whatever its labels. */
export type AnyMetric = Counter<any> | Gauge<any> | Histogram<any>;
