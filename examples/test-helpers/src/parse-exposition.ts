/** One sample line of a Prometheus text exposition. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \S+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;

function unescapeLabelValue(value: string): string {
  return value.replace(/\\(.)/g, (_, character: string) => (character === 'n' ? '\n' : character));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/**
 * Parses the sample lines of a Prometheus text (0.0.4) or OpenMetrics exposition; comment lines
 * are skipped. Throws on a line it cannot read, so a malformed exposition fails the test.
 */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (match === null) throw new Error(`Not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const labelText = match[2] ?? '';
    LABEL_PAIR.lastIndex = 0;
    while (LABEL_PAIR.lastIndex < labelText.length) {
      const pair = LABEL_PAIR.exec(labelText);
      if (pair === null) throw new Error(`Cannot read the labels of ${JSON.stringify(line)}`);
      labels[pair[1]!] = unescapeLabelValue(pair[2]!);
    }
    samples.push({ name: match[1]!, labels, value: parseValue(match[3]!) });
  }
  return samples;
}

/**
 * Returns the samples named `name` whose labels include every pair of `labels` (other labels may
 * be present).
 */
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

/**
 * The value of the one sample named `name` with exactly these `labels`, or undefined when there
 * is none.
 */
export function sampleValue(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const wanted = Object.keys(labels).length;
  return findSamples(samples, name, labels).find((sample) => Object.keys(sample.labels).length === wanted)
    ?.value;
}
