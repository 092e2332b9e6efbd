import type { BoundCounter, BoundHistogram, LabelValue } from '@servermetrics/core';
import { OVERFLOW_ROUTE, UNMATCHED_ROUTE } from './http-metrics-options.js';

/**
 * The bound series of one (route, status code, method) combination. The size series are bound
 * on their first observation, so a route whose sizes are never known shows no empty histogram.
 */
export class RouteSeries {
  requestSize: BoundHistogram | undefined = undefined;
  responseSize: BoundHistogram | undefined = undefined;

  constructor(
    readonly labels: Readonly<Record<string, LabelValue>>,
    readonly requests: BoundCounter,
    readonly duration: BoundHistogram,
  ) {}
}

/** One `route` label value and the bound series recorded under it, keyed by status code and method. */
export class RouteEntry {
  readonly series: Map<number, RouteSeries> = new Map();

  constructor(readonly label: string) {}
}

/**
 * RouteTable turns route templates into `route` label values, at most `maxRoutes` distinct
 * templates: `unmatched` when there is no template, `__other__` for templates beyond the cap
 * (those are not remembered, so the table stays bounded whatever the router reports).
 * Cost per lookup: one Map lookup.
 */
export class RouteTable {
  readonly unmatched: RouteEntry = new RouteEntry(UNMATCHED_ROUTE);
  readonly overflow: RouteEntry = new RouteEntry(OVERFLOW_ROUTE);
  private readonly routes = new Map<string, RouteEntry>();

  constructor(
    private readonly maxRoutes: number,
    private readonly onOverflow: (template: string) => void,
  ) {}

  /** The entry of `template`; undefined means unmatched. */
  entryFor(template: string | undefined): RouteEntry {
    if (template === undefined) return this.unmatched;
    const entry = this.routes.get(template);
    if (entry !== undefined) return entry;
    if (this.routes.size >= this.maxRoutes) {
      this.onOverflow(template);
      return this.overflow;
    }
    const created = new RouteEntry(template);
    this.routes.set(template, created);
    return created;
  }

  /** Forgets every cached bound series (the route values stay). */
  clearSeries(): void {
    this.unmatched.series.clear();
    this.overflow.series.clear();
    for (const entry of this.routes.values()) entry.series.clear();
  }
}
