/**
 * MetricCollection is an optional base class for a module's metrics: declare each metric as a
 * field, and the field name becomes the metric name when the collection is registered.
 *
 * ```ts
 * class LunchMetrics extends MetricCollection {
 *   lunches_consumed_total = new Counter({ help: 'Lunches eaten' });
 *   hunger_level = new Gauge({ help: 'How hungry', initial: 5 });
 * }
 * export const metrics = publishMetricsFrom(new LunchMetrics());
 * ```
 *
 * Any plain object works the same way; the class only documents intent.
 */
export class MetricCollection {}
