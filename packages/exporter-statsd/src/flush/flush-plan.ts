import type { SeriesState } from './series-state.js';

/** One series that a flush sends lines for. */
export interface PlannedSeries {
  readonly state: SeriesState;
  /** The series' `updateCount` when its lines were built. */
  readonly updateCount: number;
  /** Becomes false when any of its lines was not sent (failed, dropped or skipped). */
  complete: boolean;
}

/**
 * PlannedLine is the unit of batching: one line, or two lines that must share a packet (a
 * negative gauge sent as `0` then the value). Sending it successfully records `value` as the
 * sent value of field `field` of its series (-1: nothing to record, as for gauges).
 */
export interface PlannedLine {
  readonly text: string;
  readonly bytes: number;
  readonly lineCount: number;
  readonly series: PlannedSeries;
  readonly field: number;
  readonly value: number;
  /** True when `field` is a distribution bucket key (recorded in `sentBuckets`, not `sentValues`). */
  readonly bucket: boolean;
}

/** FlushPlan is what a flush sends: its lines, and the series they belong to. */
export interface FlushPlan {
  readonly lines: PlannedLine[];
  readonly series: PlannedSeries[];
  /** Values skipped because they were not finite. */
  nonFinite: number;
}

/** Records the values of lines that were sent. */
export function commitLines(lines: readonly PlannedLine[]): void {
  for (const line of lines) {
    const state = line.series.state;
    if (line.bucket) state.sentBuckets!.set(line.field, line.value);
    else if (line.field >= 0) state.sentValues[line.field] = line.value;
  }
}

/** Marks the series of lines that were not sent, so they are sent again next time. */
export function failLines(lines: readonly PlannedLine[]): void {
  for (const line of lines) line.series.complete = false;
}

/**
 * Closes a flush: every series whose lines were all sent counts as sent at `now` with the
 * `updateCount` its lines were built from. A series with a missing line keeps its previous
 * record, so it is considered changed at the next flush and sent again; the fields that did go
 * out were already recorded, so nothing is counted twice.
 */
export function finishPlan(plan: FlushPlan, now: number): void {
  for (const series of plan.series) {
    if (!series.complete) continue;
    series.state.sentUpdateCount = series.updateCount;
    series.state.sentAt = now;
  }
}
