import type { Timing } from '../harness/compare-timings.js';
import type { HeapFigure } from '../harness/heap.js';
import type { Figure, Row, Target, Verdict } from './suite.js';

/** The library name our figures are filed under. */
export const OURS = 'servermetrics';

/** Turns harness timings into figures. */
export function timingFigures(timings: readonly Timing[]): Figure[] {
  return timings.map((timing) => ({
    library: timing.library,
    value: timing.nanosecondsPerOperation,
    rounds: timing.rounds,
  }));
}

/** Turns heap measurements into figures. */
export function heapFigures(measurements: readonly HeapFigure[]): Figure[] {
  return measurements.map((measurement) => ({
    library: measurement.library,
    value: measurement.bytesPerSeries,
    rounds: measurement.repetitions,
  }));
}

/** Converts figures from nanoseconds to milliseconds. */
export function millisecondFigures<F extends { value: number; rounds: readonly number[] }>(
  figures: readonly F[],
): F[] {
  return figures.map((figure) => ({
    ...figure,
    value: figure.value / 1e6,
    rounds: figure.rounds.map((round) => round / 1e6),
  }));
}

/**
 * The row's ratio in each round: ours / baseline of the same alternating round (or heap
 * repetition), rounds paired by index. Empty when the baseline's figure is missing or the two
 * have different round counts.
 */
export function roundRatios(row: Row): number[] {
  const baseline = row.peers.find((peer) => peer.library === row.baseline);
  if (baseline === undefined || baseline.rounds.length !== row.ours.rounds.length) return [];
  return row.ours.rounds.map((ours, index) => ours / baseline.rounds[index]!);
}

/** Fields of a row that the suite decides; ratio, baseline and verdict are derived. */
export interface RowSpecification {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly target: Target;
  readonly notes?: readonly string[];
  /**
   * Library to divide by. @default the peer with the lowest figure (the best peer, for costs)
   */
  readonly baseline?: string;
}

/**
 * Builds a cost row (lower is better): ratio = ours / baseline, where the baseline is the best
 * (cheapest) peer unless the specification names one.
 */
export function costRow(specification: RowSpecification, figures: readonly Figure[]): Row {
  const ours = figures.find((figure) => figure.library === OURS);
  if (ours === undefined) throw new Error(`row ${specification.id}: no figure for ${OURS}`);
  const peers = figures.filter((figure) => figure !== ours);
  const baseline =
    specification.baseline === undefined
      ? peers.reduce<Figure | undefined>(
          (best, figure) => (best === undefined || figure.value < best.value ? figure : best),
          undefined,
        )
      : peers.find((figure) => figure.library === specification.baseline);
  if (baseline === undefined) throw new Error(`row ${specification.id}: no baseline figure`);
  const ratio = ours.value / baseline.value;
  return {
    id: specification.id,
    title: specification.title,
    unit: specification.unit,
    ours,
    peers,
    baseline: baseline.library,
    ratio,
    target: specification.target,
    verdict: verdictOf(specification.target, ratio, undefined),
    notes: specification.notes ?? [],
  };
}

/**
 * Builds a throughput row (higher is better): ratio = ours / the named baseline. For an
 * `at-least-and-beat` target, the rival's ratio to the same baseline is computed and noted.
 */
export function throughputRow(
  specification: RowSpecification & { readonly baseline: string },
  figures: readonly Figure[],
): Row {
  const ours = figures.find((figure) => figure.library === OURS);
  const baseline = figures.find((figure) => figure.library === specification.baseline);
  if (ours === undefined || baseline === undefined)
    throw new Error(`row ${specification.id}: missing figures`);
  const ratio = ours.value / baseline.value;
  const target = specification.target;
  const rival =
    target.kind === 'at-least-and-beat'
      ? figures.find((figure) => figure.library === target.rival)
      : undefined;
  const rivalRatio = rival === undefined ? undefined : rival.value / baseline.value;
  const notes = [...(specification.notes ?? [])];
  if (rival !== undefined && rivalRatio !== undefined)
    notes.unshift(`${rival.library} / ${baseline.library} = ${rivalRatio.toFixed(3)}`);
  return {
    id: specification.id,
    title: specification.title,
    unit: specification.unit,
    ours,
    peers: figures.filter((figure) => figure !== ours),
    baseline: baseline.library,
    ratio,
    target,
    verdict: verdictOf(target, ratio, rivalRatio),
    notes,
  };
}

/**
 * Judges a ratio against a target. For `at-least-and-beat`, `rivalRatio` is the rival's ratio
 * to the same baseline.
 */
export function verdictOf(target: Target, ratio: number, rivalRatio: number | undefined): Verdict {
  if (!Number.isFinite(ratio)) return target.kind === 'report' ? 'report' : 'miss';
  switch (target.kind) {
    case 'at-most':
      return ratio <= target.value ? 'pass' : 'miss';
    case 'at-least-and-beat':
      return ratio >= target.value && rivalRatio !== undefined && ratio > rivalRatio ? 'pass' : 'miss';
    case 'report':
      return 'report';
  }
}
