import { type ParseFormat, parseExposition } from './exposition-parser.js';

/** One sample of an exposition with its labels as an object, for assertions that ignore label order. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses `body` strictly (see `parseExposition`) and returns every sample, in body order. */
export function parseSamples(body: string, format: ParseFormat = 'text'): Sample[] {
  return parseExposition(body, format).flatMap((family) =>
    family.samples.map((sample) => ({
      name: sample.name,
      labels: Object.fromEntries(sample.labels),
      value: sample.value,
    })),
  );
}

/** The samples named `name` whose labels include every pair of `labels` (others may be present). */
export function findSamples(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Sample[] {
  return samples.filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

/** The value of the one sample named `name` with exactly these `labels`, or undefined when there is none. */
export function sampleValue(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const wanted = Object.keys(labels).length;
  return findSamples(samples, name, labels).find((sample) => Object.keys(sample.labels).length === wanted)
    ?.value;
}
